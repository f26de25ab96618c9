package com.targetdialer.ledger;

import com.targetdialer.calendar.MeetDetection;
import com.targetdialer.platform.Platform;

/**
 * A calendar event our rules chose not to record (it has no meeting row), as the ledger reports it:
 * {@code cancelled} when the event was, else {@code skipped}, with the calendar decision's reason in words.
 */
public final class SkippedEvent {

  private SkippedEvent() {
  }

  public static Outcome outcome(String reason) {
    return MeetDetection.CANCELLED.equals(reason) ? Outcome.CANCELLED : Outcome.SKIPPED;
  }

  /** The decision reasons of MeetDetection, for a person; {@code platform} is the call's, when the event had one. */
  public static String reason(String reason, String platform) {
    return switch (reason == null ? "" : reason) {
      case MeetDetection.CANCELLED -> "Not recorded: the calendar event was cancelled.";
      case MeetDetection.DECLINED -> "Not recorded: you declined this event.";
      case MeetDetection.ALL_DAY -> "Not recorded: an all-day event is not a call.";
      case MeetDetection.NO_MEET_LINK -> "Not recorded: the event has no video-call link.";
      case MeetDetection.PLATFORM_NOT_ENABLED -> notEnabled(Platform.of(platform));
      case MeetDetection.UNSUPPORTED_PLATFORM -> "Not recorded: the call is on a platform no bot can join.";
      case MeetDetection.ZOOM_PERSONAL_LINK -> "Not recorded: a personal Zoom link (zoom.us/my/...) names no meeting; invite with the meeting's own link.";
      case MeetDetection.NOT_A_MEETING -> "Not recorded: the event is focus time, out of office or a working location, not a call.";
      case MeetDetection.NO_TIME -> "Not recorded: the event has no start time.";
      case MeetDetection.ENDED -> "Not recorded: the event had already ended when its calendar was first read.";
      default -> "Not recorded: " + reason.replace('_', ' ') + ".";
    };
  }

  private static String notEnabled(Platform platform) {
    return platform == null ? "Not recorded: the call's platform was not enabled (ENABLED_PLATFORMS)."
        : "Not recorded: " + platform.displayName() + " calls are not enabled (ENABLED_PLATFORMS).";
  }
}
