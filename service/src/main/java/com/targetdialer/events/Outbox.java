package com.targetdialer.events;

import com.targetdialer.meeting.BotStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * Writes outbound events into the outbox, on the caller's connection, inside the caller's transaction:
 * the event commits or rolls back with the change it describes. The row has no seq yet: the
 * {@link Sequencer} numbers it after commit, so writers never queue on a shared counter.
 */
public final class Outbox {

  private Outbox() {
  }

  /**
   * SQL that turns rows of {@code source} (columns meeting_id, type, level, detail jsonb: entries just
   * appended to meetings' event logs, a CTE of the caller's statement) into {@code alert} events, for
   * those at level alert or critical: every ALERT in a meeting's log is an outbound alert, written by
   * the very statement that logs it. Its message is the entry's, else the words the entry has (a
   * dispatch failure's reason, say), so a subscriber always gets one.
   */
  public static String alertsOf(String source) {
    return "INSERT INTO td_outbound_events (id, type, meeting_id, data) SELECT " + EventsSql.NEW_ID
        + ", 'alert', meeting_id, jsonb_build_object('level', level, 'alert', type, 'message', coalesce(detail ->> 'message', "
        + "detail ->> 'reason', detail ->> 'detail', detail ->> 'failure_stage', detail ->> 'completion_reason', replace(type, '_', ' ')), "
        + "'detail', detail) FROM " + source + " WHERE level IN ('alert', 'critical')";
  }

  public static Future<Void> append(SqlClient client, String type, Long meetingId, JsonObject data) {
    return client.preparedQuery(EventsSql.APPEND).execute(Tuple.of(type, meetingId, data)).mapEmpty();
  }

  /** One event per meeting, in the order given (seq follows it). */
  public static Future<Void> appendAll(SqlClient client, String type, List<Long> meetingIds, List<JsonObject> data) {
    if (meetingIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.preparedQuery(EventsSql.APPEND_ALL)
        .execute(Tuple.tuple().addValue(type).addValue(meetingIds.toArray(Long[]::new)).addValue(data.toArray(JsonObject[]::new)))
        .mapEmpty();
  }

  /**
   * {@code alert}: an alert raised other than by a meeting's event log (a calendar's, a subscription's),
   * in the shape {@link #alertsOf} gives the log's; {@code meetingId} null when it is about no one meeting.
   */
  public static Future<Void> alert(SqlClient client, Long meetingId, String level, String alert, String message, JsonObject detail) {
    return append(client, EventTypes.ALERT, meetingId,
        new JsonObject().put("level", level).put("alert", alert).put("message", message).put("detail", detail));
  }

  /** {@code bot.status}: the meeting's bot status changed, and why. */
  public static Future<Void> botStatus(SqlClient client, long meetingId, BotStatus status, String reason) {
    return append(client, EventTypes.BOT_STATUS, meetingId, botStatusData(status, reason));
  }

  public static JsonObject botStatusData(BotStatus status, String reason) {
    return new JsonObject().put("status", status.value()).put("reason", reason);
  }

  /**
   * {@code transcript.final} for a meeting a bot was sent to: its segment count, speakers and span,
   * read in the same statement, and where to fetch it ({@code transcriptUrl}).
   */
  public static Future<Void> transcriptFinal(SqlClient client, long meetingId, String transcriptUrl) {
    return client.preparedQuery(EventsSql.APPEND_TRANSCRIPT_FINAL).execute(Tuple.of(meetingId, transcriptUrl)).mapEmpty();
  }
}
