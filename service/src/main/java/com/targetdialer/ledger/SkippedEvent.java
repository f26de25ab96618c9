package com.targetdialer.ledger;

/**
 * A calendar event our rules chose not to record (it has no meeting row), as the ledger reports it:
 * {@code cancelled} when the event was, else {@code skipped}, with the calendar decision's reason in words.
 */
public final class SkippedEvent {

  private SkippedEvent() {
  }

  public static Outcome outcome(String reason) {
    return "cancelled".equals(reason) ? Outcome.CANCELLED : Outcome.SKIPPED;
  }

  /** The decision reasons of MeetDetection, for a person. */
  public static String reason(String reason) {
    return switch (reason == null ? "" : reason) {
      case "cancelled" -> "Not recorded: the calendar event was cancelled.";
      case "declined" -> "Not recorded: you declined this event.";
      case "all_day" -> "Not recorded: an all-day event is not a call.";
      case "no_meet_link" -> "Not recorded: the event has no video-call link.";
      case "other_platform" -> "Not recorded: the call is on a platform that is not enabled.";
      case "not_a_meeting" -> "Not recorded: the event is focus time, out of office or a working location, not a call.";
      case "no_time" -> "Not recorded: the event has no start time.";
      case "ended" -> "Not recorded: the event had already ended when its calendar was first read.";
      default -> "Not recorded: " + reason.replace('_', ' ') + ".";
    };
  }
}
