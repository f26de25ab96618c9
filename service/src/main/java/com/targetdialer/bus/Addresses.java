package com.targetdialer.bus;

/**
 * Every event-bus address of the service. Payloads are JsonObject, field names in snake_case.
 * Request-reply work (dispatch.*, persist.*) is handled on the node that asks, by local consumers;
 * what is published (bot starts, live transcript, meeting updates) reaches every node of a cluster.
 */
public final class Addresses {

  /** Request-reply to DispatchVerticle: claim an occurrence and send a bot ({platform, native_meeting_id, ...}). */
  public static final String DISPATCH_REQUEST = "dispatch.request";
  /** Request-reply to DispatchVerticle: send a bot for a meeting already claimed as 'requested' ({meeting_id}). */
  public static final String DISPATCH_START = "dispatch.start";
  /** Request-reply to DispatchVerticle: replace a deaf bot ({meeting_id, restart_count} or {meeting_id, resume: true}). */
  public static final String DISPATCH_RESTART = "dispatch.restart";
  /** Request-reply to DispatchVerticle: take the bot out and fail the meeting ({meeting_id, failure_reason}). */
  public static final String DISPATCH_STOP = "dispatch.stop";
  /** Published by DispatchVerticle when a bot was started or adopted; the live stream subscribes to it. */
  public static final String BOT_STARTED = "dispatch.bot-started";

  /** Sent by PersistVerticle when a bot session reached completed or failed ({meeting_id}): its transcript is backfilled. */
  public static final String BOT_SESSION_ENDED = "persist.bot-session-ended";

  /** Request-reply to PersistVerticle: merge segments into a meeting's transcript. */
  public static final String PERSIST_SEGMENTS = "persist.segments";
  /** Request-reply to PersistVerticle: apply one bot status change (live stream, reconciliation); the reply is its outcome. */
  public static final String PERSIST_STATUS = "persist.status";
  /** Request-reply to PersistVerticle: the status changes of an inbox round in one transaction ({changes} → {outcomes}, in order). */
  public static final String PERSIST_STATUSES = "persist.statuses";
  /** Request-reply to PersistVerticle: keep a payload that could not be applied. */
  public static final String PERSIST_DEAD_LETTER = "persist.dead-letter";

  /** Published per meeting for every accepted transcript change: {@code transcript.live.<meetingId>}. */
  public static final String TRANSCRIPT_LIVE_PREFIX = "transcript.live.";
  /** Published for every meeting status change. */
  public static final String MEETINGS_UPDATES = "meetings.updates";

  /** Request-reply to CalendarVerticle: connect a calendar or replace its credentials (a validated CalendarRequest). */
  public static final String CALENDAR_CONNECT = "calendar.connect";
  /** Request-reply to CalendarVerticle: {"calendars": [...]}, without credentials. */
  public static final String CALENDAR_LIST = "calendar.list";
  /** Request-reply to CalendarVerticle: stop a calendar's push channels and forget it ({id}). */
  public static final String CALENDAR_DISCONNECT = "calendar.disconnect";
  /** Request-reply to CalendarVerticle: a calendar's events with their scheduling decisions ({id}). */
  public static final String CALENDAR_EVENTS = "calendar.events";
  /** Request-reply to CalendarVerticle: check a Google push ping against its channel, then sync ({channel_id, token, ...}). */
  public static final String CALENDAR_NOTIFICATION = "calendar.notification";

  private Addresses() {
  }

  public static String transcriptLive(long meetingId) {
    return TRANSCRIPT_LIVE_PREFIX + meetingId;
  }
}
