package com.targetdialer.meeting;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import com.targetdialer.events.EventTypes;
import com.targetdialer.events.Outbox;
import com.targetdialer.store.MeetingEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place a meeting's bot status changes (its statements are in {@link MeetingStatusSql}).
 * Each method is one transition, run on the caller's connection inside the caller's transaction;
 * where the transition is the meeting's news, it appends the meeting's event in that same
 * transaction, and every status change writes its outbound {@code bot.status} event (and
 * {@code meeting.scheduled} / {@code meeting.cancelled}) to the outbox there too. The caller
 * publishes the change once it is committed.
 *
 * <p>Who can dispatch a failed meeting again: {@link #claim} (an ad-hoc dispatch) and {@link #claimReKnock}
 * (one more knock at the lobby). Who can fail a meeting: {@link #markMissed} (the calendar's meeting ended before its bot was
 * sent), {@link #botNotStarted} (Vexa refused or could not be reached), {@link #stopped} (taken out,
 * e.g. deaf after its restarts), and {@link #advanceMeeting} (Vexa reports the bot failed).
 * Who can cancel one: {@link #cancelOrphans} (no calendar asks for it any more, and no bot was sent).
 */
public final class MeetingStatus {

  private MeetingStatus() {
  }

  // ---- the calendar ----

  /** Occurrences (code, start) scheduled or rescheduled, a cancelled one scheduled again; returns id, status, dispatch_at, inserted. */
  public static Future<RowSet<Row>> upsertOccurrences(SqlClient client, String[] platforms, String[] nativeIds, String[] urls,
                                                      Buffer[] sealedPasscodes, String[] titles, OffsetDateTime[] starts,
                                                      OffsetDateTime[] ends, OffsetDateTime[] dispatchAt, JsonArray[] admitters) {
    return client.preparedQuery(MeetingStatusSql.UPSERT_OCCURRENCES).execute(Tuple.tuple().addValue(platforms).addValue(nativeIds)
            .addValue(urls).addValue(sealedPasscodes).addValue(titles).addValue(starts).addValue(ends).addValue(dispatchAt).addValue(admitters))
        .compose(rows -> {
          // New occurrences and cancelled ones back on the calendar are news; a re-read of a known one is not.
          List<Long> scheduled = new ArrayList<>();
          List<JsonObject> scheduledData = new ArrayList<>();
          List<Long> rescheduled = new ArrayList<>();
          List<JsonObject> statusData = new ArrayList<>();
          for (Row row : rows) {
            if (row.getBoolean("inserted") || row.getBoolean("was_cancelled")) {
              scheduled.add(row.getLong("id"));
              scheduledData.add(scheduledData(row.getString("platform"), row.getString("native_meeting_id"), row.getString("title"),
                  row.getOffsetDateTime("scheduled_start"), row.getOffsetDateTime("scheduled_end"), row.getOffsetDateTime("dispatch_at")));
            }
            if (row.getBoolean("was_cancelled")) {
              rescheduled.add(row.getLong("id"));
              statusData.add(Outbox.botStatusData(BotStatus.SCHEDULED, "back on the calendar"));
            }
          }
          return Outbox.appendAll(client, EventTypes.MEETING_SCHEDULED, scheduled, scheduledData)
              .compose(ignored -> Outbox.appendAll(client, EventTypes.BOT_STATUS, rescheduled, statusData))
              .map(rows);
        });
  }

  /** An ad-hoc dispatch created the meeting: {@code meeting.scheduled} ({@code "ad_hoc": true}), its bot claimed next. */
  public static Future<Void> scheduledAdHoc(SqlClient client, long meetingId, String platform, String nativeId, String title,
                                            OffsetDateTime start) {
    return Outbox.append(client, EventTypes.MEETING_SCHEDULED, meetingId,
        scheduledData(platform, nativeId, title, start, null, null).put("ad_hoc", true));
  }

  private static JsonObject scheduledData(String platform, String nativeId, String title, OffsetDateTime start, OffsetDateTime end,
                                          OffsetDateTime dispatchAt) {
    return new JsonObject().put("platform", platform).put("native_meeting_id", nativeId).put("title", title)
        .put("scheduled_start", text(start)).put("scheduled_end", text(end)).put("dispatch_at", text(dispatchAt));
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  /** Moves a meeting no bot was sent to with its event; no row when it cannot be taken along. */
  public static Future<RowSet<Row>> moveOccurrence(SqlClient client, long meetingId, String platform, String nativeId, String url,
                                                   byte[] sealedPasscode, OffsetDateTime start, OffsetDateTime end, String title,
                                                   OffsetDateTime dispatchAt, String calendarId) {
    return client.preparedQuery(MeetingStatusSql.MOVE_OCCURRENCE).execute(Tuple.tuple()
            .addValue(meetingId).addValue(platform).addValue(nativeId).addValue(url)
            .addValue(sealedPasscode == null ? null : Buffer.buffer(sealedPasscode))
            .addValue(start).addValue(end).addValue(title).addValue(dispatchAt).addValue(calendarId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(rows);
          }
          Row moved = rows.iterator().next();
          return Outbox.append(client, EventTypes.MEETING_SCHEDULED, meetingId,
                  scheduledData(platform, nativeId, moved.getString("title"), start, end, dispatchAt).put("moved", true))
              .compose(ignored -> BotStatus.CANCELLED.value().equals(moved.getString("was_status"))
                  ? Outbox.botStatus(client, meetingId, BotStatus.SCHEDULED, "back on the calendar, moved") : Future.succeededFuture())
              .map(rows);
        });
  }

  /** scheduled → cancelled, for those of the meetings no calendar event asks for any more; returns their ids. */
  public static Future<RowSet<Row>> cancelOrphans(SqlClient client, Long[] meetingIds) {
    return client.preparedQuery(MeetingStatusSql.CANCEL_ORPHANS).execute(Tuple.tuple().addValue(meetingIds)).compose(rows -> {
      String reason = "no calendar event schedules it any more";
      List<Long> ids = new ArrayList<>();
      List<JsonObject> cancelled = new ArrayList<>();
      List<JsonObject> status = new ArrayList<>();
      for (Row row : rows) {
        ids.add(row.getLong("id"));
        cancelled.add(new JsonObject().put("reason", reason));
        status.add(Outbox.botStatusData(BotStatus.CANCELLED, reason));
      }
      return Outbox.appendAll(client, EventTypes.MEETING_CANCELLED, ids, cancelled)
          .compose(ignored -> Outbox.appendAll(client, EventTypes.BOT_STATUS, ids, status))
          .map(rows);
    });
  }

  // ---- claims ----

  /** scheduled or failed → requested (an ad-hoc dispatch); one row when this caller won the claim. */
  public static Future<RowSet<Row>> claim(SqlClient client, long meetingId) {
    return client.preparedQuery(MeetingStatusSql.CLAIM).execute(Tuple.of(meetingId))
        .compose(rows -> statusChanged(client, rows, meetingId, BotStatus.REQUESTED, "dispatch requested"));
  }

  /** scheduled → requested at its dispatch time, once however many nodes try (event {@code dispatch_due}); one row when this caller won. */
  public static Future<RowSet<Row>> claimScheduled(SqlClient client, long meetingId, OffsetDateTime now) {
    return client.preparedQuery(MeetingStatusSql.CLAIM_DISPATCH).execute(Tuple.of(meetingId, now)).compose(rows -> rows.size() == 0
        ? Future.succeededFuture(rows)
        : MeetingEvents.append(client, meetingId, "dispatch_due", MeetingEvents.INFO,
                new JsonObject().put("dispatch_at", String.valueOf(rows.iterator().next().getOffsetDateTime("dispatch_at"))))
            .compose(ignored -> statusChanged(client, rows, meetingId, BotStatus.REQUESTED, "dispatch due")));
  }

  /**
   * scheduled → failed for calendar meetings that ended by {@code now} before their bot was sent (the
   * service was down), each with the event {@code dispatch_missed}; returns them.
   */
  public static Future<RowSet<Row>> markMissed(SqlClient client, OffsetDateTime now) {
    return client.preparedQuery(MeetingStatusSql.MARK_MISSED).execute(Tuple.of(now)).compose(rows -> {
      Future<Void> logged = Future.succeededFuture();
      List<Long> ids = new ArrayList<>();
      List<JsonObject> status = new ArrayList<>();
      for (Row row : rows) {
        logged = logged.compose(ignored -> MeetingEvents.append(client, row.getLong("id"), "dispatch_missed", MeetingEvents.ALERT,
            new JsonObject().put("reason", "the meeting ended before its bot was sent")));
        ids.add(row.getLong("id"));
        status.add(Outbox.botStatusData(BotStatus.FAILED, "missed: the meeting ended before its bot was sent"));
      }
      return logged.compose(ignored -> Outbox.appendAll(client, EventTypes.BOT_STATUS, ids, status)).map(rows);
    });
  }

  // ---- a bot's start, restart and stop ----

  /**
   * Vexa took the bot (or had one already, adopted): the session records its ids, the meeting moves
   * from requested or restarting to joining, or further when an adopted bot already is; event
   * {@code bot_dispatched} with {@code detail}.
   */
  public static Future<RowSet<Row>> botStarted(SqlClient client, long meetingId, long sessionId, long vexaMeetingId, String sessionUid,
                                               String botContainerId, BotStatus status, JsonObject detail) {
    return client.preparedQuery(MeetingStatusSql.SESSION_STARTED)
        .execute(Tuple.of(sessionId, vexaMeetingId, sessionUid, status.value(), botContainerId))
        .compose(ignored -> client.preparedQuery(MeetingStatusSql.MEETING_JOINING).execute(Tuple.of(meetingId, status.value())))
        .compose(meeting -> MeetingEvents.append(client, meetingId, "bot_dispatched", MeetingEvents.INFO, detail).map(meeting))
        .compose(meeting -> meeting.size() == 0 ? Future.succeededFuture(meeting)
            : statusChanged(client, meeting, meetingId, BotStatus.of(meeting.iterator().next().getString("bot_status")), "bot dispatched"));
  }

  /**
   * Vexa refused the bot or could not be reached: the session and the meeting (requested or
   * restarting) fail with the reason; event {@code dispatch_failed} (an alert) with {@code detail}.
   */
  public static Future<RowSet<Row>> botNotStarted(SqlClient client, long meetingId, long sessionId, String reason, JsonObject detail) {
    return client.preparedQuery(MeetingStatusSql.SESSION_FAILED).execute(Tuple.of(sessionId, reason))
        .compose(ignored -> client.preparedQuery(MeetingStatusSql.MEETING_FAILED).execute(Tuple.of(meetingId, reason)))
        .compose(meeting -> MeetingEvents.append(client, meetingId, "dispatch_failed", MeetingEvents.ALERT, detail).map(meeting))
        .compose(meeting -> statusChanged(client, meeting, meetingId, BotStatus.FAILED, reason));
  }

  /** active → restarting, restart_count + 1, only at the expected count: a restart happens once. */
  public static Future<RowSet<Row>> claimRestart(SqlClient client, long meetingId, int restartCount) {
    return client.preparedQuery(MeetingStatusSql.CLAIM_RESTART).execute(Tuple.of(meetingId, restartCount))
        .compose(rows -> statusChanged(client, rows, meetingId, BotStatus.RESTARTING, "deaf bot: restart " + (restartCount + 1)));
  }

  /** Taken out of the call: any unfinished status → failed with the reason; one row when it changed. */
  public static Future<RowSet<Row>> stopped(SqlClient client, long meetingId, String reason) {
    return client.preparedQuery(MeetingStatusSql.MEETING_STOPPED_FAILED).execute(Tuple.of(meetingId, reason))
        .compose(rows -> statusChanged(client, rows, meetingId, BotStatus.FAILED, reason));
  }

  // ---- what Vexa reports ----

  /** A bot session moves forward to {@code status}; one row when it did. */
  public static Future<RowSet<Row>> advanceSession(SqlClient client, long sessionId, BotStatus status, OffsetDateTime at,
                                                   String completionReason, String failureStage, String transcriptionOutcome) {
    return client.preparedQuery(MeetingStatusSql.ADVANCE_SESSION)
        .execute(Tuple.of(sessionId, status.value(), at, completionReason, failureStage, transcriptionOutcome));
  }

  /**
   * The meeting follows its current bot forward (not while restarting), with the event
   * {@code status_change} ({@code detail}; an alert when it failed); returns the meeting when it moved.
   */
  public static Future<RowSet<Row>> advanceMeeting(SqlClient client, long meetingId, BotStatus status, OffsetDateTime at,
                                                   String completionReason, String failureStage, JsonObject detail) {
    return client.preparedQuery(MeetingStatusSql.ADVANCE_MEETING)
        .execute(Tuple.of(meetingId, status.value(), at, completionReason, failureStage))
        .compose(meeting -> meeting.rowCount() == 0 ? Future.succeededFuture(meeting)
            : MeetingEvents.append(client, meetingId, "status_change", status == BotStatus.FAILED ? MeetingEvents.ALERT : MeetingEvents.INFO,
                    detail)
                .compose(ignored -> Outbox.append(client, EventTypes.BOT_STATUS, meetingId,
                    Outbox.botStatusData(status, reported(status, meeting.iterator().next().getString("failure_reason"), completionReason,
                        failureStage)).put("completion_reason", completionReason).put("failure_stage", failureStage)))
                .map(meeting));
  }

  /**
   * A fuller message about the status a session already has (a webhook after the live stream said the
   * same, without reasons): the session's completion reason and failure stage are filled, a meeting
   * failed for no stated reason gets Vexa's (so a lobby timeout is not taken for a join failure), and
   * the words go into the event log ({@code status_explained}). Returns the current bot's meeting row
   * when there was something to add, else no rows.
   */
  public static Future<RowSet<Row>> explain(SqlClient client, long sessionId, long meetingId, boolean current, BotStatus status,
                                            String completionReason, String failureStage, String transcriptionOutcome, JsonObject detail) {
    return client.preparedQuery(MeetingStatusSql.EXPLAIN_SESSION)
        .execute(Tuple.of(sessionId, status.value(), completionReason, failureStage, transcriptionOutcome))
        .compose(session -> {
          if (session.rowCount() == 0) {
            return Future.succeededFuture(session);
          }
          return MeetingEvents.append(client, meetingId, "status_explained", MeetingEvents.INFO, detail)
              .compose(ignored -> current
                  ? client.preparedQuery(MeetingStatusSql.EXPLAIN_MEETING).execute(Tuple.of(meetingId, completionReason, failureStage))
                  : Future.succeededFuture(session));
        });
  }

  /**
   * failed → requested for one more knock at the lobby (event {@code re_knock} with {@code detail}); one row
   * when this caller won the claim.
   */
  public static Future<RowSet<Row>> claimReKnock(SqlClient client, long meetingId, int afterAttempt, JsonObject detail) {
    return client.preparedQuery(MeetingStatusSql.CLAIM_RE_KNOCK).execute(Tuple.of(meetingId, afterAttempt)).compose(rows -> rows.size() == 0
        ? Future.succeededFuture(rows)
        : MeetingEvents.append(client, meetingId, "re_knock", MeetingEvents.ALERT, detail)
            .compose(ignored -> statusChanged(client, rows, meetingId, BotStatus.REQUESTED, "re-knock at the lobby")));
  }

  /** The {@code bot.status} event of a transition that changed {@code rows} (none when it changed nothing). */
  private static Future<RowSet<Row>> statusChanged(SqlClient client, RowSet<Row> rows, long meetingId, BotStatus status, String reason) {
    return rows.rowCount() == 0 ? Future.succeededFuture(rows) : Outbox.botStatus(client, meetingId, status, reason).map(rows);
  }

  /** Why Vexa moved the bot: the meeting's failure reason, else Vexa's completion reason or failure stage, else the status itself. */
  private static String reported(BotStatus status, String failureReason, String completionReason, String failureStage) {
    if (status == BotStatus.FAILED && failureReason != null) {
      return failureReason;
    }
    return completionReason != null ? completionReason : failureStage != null ? failureStage : "reported by vexa";
  }
}
