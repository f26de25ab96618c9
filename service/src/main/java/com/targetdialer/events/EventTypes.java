package com.targetdialer.events;

import java.util.List;

/** The outbound event types: a contract with the systems downstream, so never renamed. */
public final class EventTypes {

  public static final String MEETING_SCHEDULED = "meeting.scheduled";
  public static final String MEETING_CANCELLED = "meeting.cancelled";
  public static final String BOT_STATUS = "bot.status";
  public static final String MEETING_OUTCOME = "meeting.outcome";
  public static final String TRANSCRIPT_FINAL = "transcript.final";
  public static final String ALERT = "alert";

  public static final List<String> ALL = List.of(MEETING_SCHEDULED, MEETING_CANCELLED, BOT_STATUS, MEETING_OUTCOME, TRANSCRIPT_FINAL, ALERT);

  private EventTypes() {
  }
}
