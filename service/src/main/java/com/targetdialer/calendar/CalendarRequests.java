package com.targetdialer.calendar;

import com.targetdialer.store.CredentialCipher;
import com.targetdialer.meeting.MeetingStatus;
import com.targetdialer.bus.Failures;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.config.CalendarSettings;
import com.targetdialer.dispatch.DispatchScheduler;
import com.targetdialer.meeting.BotStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The calendar requests of the HTTP edge, over the event bus: connect, list, disconnect, a
 * calendar's events with their scheduling decisions, and Google's push pings. Failures carry the
 * status the edge answers with ({@link Failures}).
 */
final class CalendarRequests {

  private static final Logger LOG = LoggerFactory.getLogger(CalendarRequests.class);

  private final Vertx vertx;
  private final Pool pg;
  private final CredentialCipher cipher;
  private final CredentialsCache credentials;
  private final PushChannels channels;
  private final DispatchScheduler scheduler;
  private final CalendarAlerts alerts;
  private final CalendarPoller poller;

  CalendarRequests(Vertx vertx, Pool pg, CredentialCipher cipher, CredentialsCache credentials, PushChannels channels,
                   DispatchScheduler scheduler, CalendarPoller poller, CalendarAlerts alerts) {
    this.alerts = alerts;
    this.vertx = vertx;
    this.pg = pg;
    this.cipher = cipher;
    this.credentials = credentials;
    this.channels = channels;
    this.scheduler = scheduler;
    this.poller = poller;
  }

  void onConnect(Message<JsonObject> message) {
    if (!cipher.available()) {
      message.fail(Failures.UNAVAILABLE, CalendarSettings.KEY_SETTING + " is not set on this service, so calendar credentials cannot be stored");
      return;
    }
    CalendarRequest request = CalendarRequest.fromBus(message.body());
    byte[] encrypted = cipher.encrypt(request.credentials(), request.id());
    pg.preparedQuery(CalendarSql.UPSERT_API)
        .execute(Tuple.of(request.id(), request.calendarId(), request.credentialsType(), Buffer.buffer(encrypted), request.owner()))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            message.fail(Failures.CONFLICT, "calendar " + request.id() + " is connected in the config file; change it there");
            return;
          }
          Row row = rows.iterator().next();
          credentials.forget(request.id());
          boolean created = Boolean.TRUE.equals(row.getBoolean("created"));
          LOG.info("calendar connected [calendar: {}, calendar id: {}, type: {}, new: {}]",
              request.id(), request.calendarId(), request.credentialsType(), created);
          message.reply(view(row).put("created", created));
          alerts.ok(request.id());
          poller.requestSync(request.id());
        })
        .onFailure(e -> message.fail(Failures.INTERNAL, "cannot store the calendar: " + e.getMessage()));
  }

  void onList(Message<JsonObject> message) {
    pg.query(CalendarSql.LIST_CALENDARS).execute()
        .onSuccess(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(row -> list.add(view(row)));
          message.reply(new JsonObject().put("calendars", list));
        })
        .onFailure(e -> message.fail(Failures.INTERNAL, "cannot list calendars: " + e.getMessage()));
  }

  void onDisconnect(Message<JsonObject> message) {
    String id = message.body().getString("id");
    disconnect(id, false).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (result.cause() instanceof Refused refused) {
        message.fail(refused.code, refused.getMessage());
      } else {
        message.fail(Failures.INTERNAL, "cannot disconnect calendar " + id + ": " + result.cause().getMessage());
      }
    });
  }

  /** Stops its push channels, cancels the meetings only it scheduled (no bot sent yet), then forgets it. */
  Future<JsonObject> disconnect(String id, boolean fromConfig) {
    return pg.preparedQuery(CalendarSql.LOAD_CALENDAR).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new Refused(Failures.NOT_FOUND, "no calendar " + id));
      }
      Row row = rows.iterator().next();
      if ("config".equals(row.getString("source")) && !fromConfig) {
        return Future.failedFuture(new Refused(Failures.CONFLICT, "calendar " + id + " is connected in the config file; remove it there"));
      }
      GoogleCalendarClient.Tokens tokens = null;
      if (!"needs_reauth".equals(row.getString("status"))) {
        try {
          tokens = credentials.tokens(id, row.getString("credentials_type"), row.getBuffer("credentials_enc").getBytes());
        } catch (RuntimeException e) {
          LOG.info("cannot read the credentials of calendar {} to stop its channels; they will expire [error: {}]", id, e.getMessage());
        }
      }
      return channels.stopCalendar(id, tokens);
    }).compose(stopped -> pg.withTransaction(connection -> connection.preparedQuery(CalendarSql.CALENDAR_MEETINGS)
            .execute(Tuple.of(id))
            .compose(meetings -> {
              List<Long> ids = new ArrayList<>();
              meetings.forEach(row -> ids.add(row.getLong("meeting_id")));
              return connection.preparedQuery(CalendarSql.FORGET_CALENDAR_OWNERS).execute(Tuple.of(id))
                  .compose(forgotten -> connection.preparedQuery(CalendarSql.DELETE_CALENDAR).execute(Tuple.of(id)))
                  .compose(deleted -> MeetingStatus.cancelOrphans(connection, ids.toArray(new Long[0])))
                  .compose(cancelled -> {
                    List<Long> cancelledIds = new ArrayList<>();
                    cancelled.forEach(row -> cancelledIds.add(row.getLong("id")));
                    if (cancelledIds.isEmpty()) {
                      return Future.succeededFuture(cancelledIds);
                    }
                    int n = cancelledIds.size();
                    String[] types = new String[n];
                    String[] levels = new String[n];
                    String[] details = new String[n];
                    Arrays.fill(types, "calendar_cancelled");
                    Arrays.fill(levels, "info");
                    Arrays.fill(details, new JsonObject().put("calendar", id).put("reason", "calendar disconnected").encode());
                    return CalendarSync.appendMeetingEvents(connection, cancelledIds.toArray(new Long[0]), types, levels, details)
                        .map(cancelledIds);
                  });
            }))
        .map(cancelled -> {
          credentials.forget(id);
          poller.forget(id);
          cancelled.forEach(meetingId -> {
            scheduler.forget(meetingId);
            MeetingUpdate.status(meetingId, BotStatus.CANCELLED).publish(vertx.eventBus());
          });
          LOG.info("calendar disconnected [calendar: {}, channels stopped: {}, meetings cancelled: {}]", id, stopped, cancelled.size());
          return new JsonObject().put("id", id).put("deleted", true).put("channels_stopped", stopped)
              .put("meetings_cancelled", cancelled.size());
        }));
  }

  void onEvents(Message<JsonObject> message) {
    String id = message.body().getString("id");
    pg.preparedQuery(CalendarSql.LOAD_CALENDAR).execute(Tuple.of(id)).compose(found -> {
      if (found.size() == 0) {
        return Future.failedFuture(new Refused(Failures.NOT_FOUND, "no calendar " + id));
      }
      return pg.preparedQuery(CalendarSql.CALENDAR_EVENTS).execute(Tuple.of(id));
    }).onSuccess(rows -> {
      JsonArray events = new JsonArray();
      rows.forEach(row -> events.add(new JsonObject()
          .put("event_id", row.getString("event_id"))
          .put("summary", row.getString("summary"))
          .put("starts_at", iso(row.getOffsetDateTime("starts_at")))
          .put("ends_at", iso(row.getOffsetDateTime("ends_at")))
          .put("decision", row.getString("decision"))
          .put("reason", row.getString("reason"))
          .put("platform", row.getString("platform"))
          .put("native_meeting_id", row.getString("native_meeting_id"))
          // kept from when only Meet was read: the Meet code of a Meet call, else null
          .put("meet_code", "google_meet".equals(row.getString("platform")) ? row.getString("native_meeting_id") : null)
          .put("meeting_id", row.getLong("meeting_id"))
          .put("bot_status", row.getString("bot_status"))
          .put("seen_at", iso(row.getOffsetDateTime("seen_at")))));
      message.reply(new JsonObject().put("calendar", id).put("events", events));
    }).onFailure(e -> {
      if (e instanceof Refused refused) {
        message.fail(refused.code, refused.getMessage());
      } else {
        message.fail(Failures.INTERNAL, "cannot read the events of calendar " + id + ": " + e.getMessage());
      }
    });
  }

  /** A push ping, forwarded by the HTTP edge: checked against the stored channel before the edge answers. */
  void onNotification(Message<JsonObject> message) {
    JsonObject ping = message.body();
    String state = ping.getString("state");
    channels.verify(ping.getString("channel_id"), ping.getString("token"), ping.getString("resource_id"))
        .onSuccess(calendarRef -> {
          message.reply(new JsonObject().put("calendar", calendarRef));
          if (!"sync".equals(state)) {
            LOG.debug("push ping [calendar: {}, state: {}, number: {}]", calendarRef, state, ping.getString("message_number"));
            poller.requestSync(calendarRef);
          }
        })
        .onFailure(e -> {
          if (e instanceof PushChannels.PingRefused) {
            message.fail(Failures.FORBIDDEN, e.getMessage());
          } else {
            message.fail(Failures.UNAVAILABLE, "cannot check the channel: " + e.getMessage());
          }
        });
  }

  private static JsonObject view(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("calendar_id", row.getString("calendar_id"))
        .put("status", row.getString("status"))
        .put("last_sync_at", iso(row.getOffsetDateTime("last_sync_at")))
        .put("last_error", row.getString("last_error"))
        .put("source", row.getString("source"))
        .put("owner", row.getString("owner"))
        .put("needs_reauth_since", iso(row.getOffsetDateTime("needs_reauth_since")))
        .put("at_risk_meetings", row.getLong("at_risk_meetings"));
  }

  private static String iso(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  /** A request refused with a status the HTTP edge passes on. */
  private static final class Refused extends RuntimeException {
    private final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
