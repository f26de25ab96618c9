package com.targetdialer.calendar;

import com.targetdialer.bus.Addresses;
import com.targetdialer.events.Outbox;
import com.targetdialer.health.AlertWebhook;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;

/**
 * A calendar's own alerts (not one meeting's): built first, recorded as an outbound {@code alert} event
 * in the transaction that records the alert ({@link #record}), then, once committed, a message on
 * {@code meetings.updates} for the page's banner and the signed alert webhook ({@link #raise}); the
 * log line and each meeting's event log are SyncOutcomes'.
 */
final class CalendarAlerts {

  private static final Logger LOG = LoggerFactory.getLogger(CalendarAlerts.class);

  private final Vertx vertx;
  private final AlertWebhook webhook;

  CalendarAlerts(Vertx vertx, AlertWebhook webhook) {
    this.vertx = vertx;
    this.webhook = webhook;
  }

  /** {@code calendar_needs_reauth}: the calendar and its meetings to come that it can no longer check. */
  static JsonObject needsReauth(String id, String calendarId, List<Row> atRisk, String error) {
    JsonArray meetings = new JsonArray();
    atRisk.forEach(row -> meetings.add(new JsonObject().put("id", row.getLong("id")).put("title", row.getString("title"))
        .put("scheduled_start", row.getOffsetDateTime("scheduled_start").toInstant().toString())));
    return alert("calendar_needs_reauth", id, calendarId, "calendar " + id + " needs re-authorisation: " + meetings.size()
            + (meetings.size() == 1 ? " meeting" : " meetings") + " to come still get their bots, but changes to them are no longer seen",
        new JsonObject().put("at_risk", meetings).put("error", error));
  }

  /**
   * An early warning: {@code calendar_sync_failing} (its syncs have failed for CALENDAR_FAILING_ALERT_S) or
   * {@code calendar_credentials_aging} (its user's consent is CALENDAR_CREDENTIAL_WARN_DAYS old).
   */
  static JsonObject warning(Row calendar) {
    String id = calendar.getString("id");
    boolean failing = calendar.getBoolean("failing");
    String type = failing ? "calendar_sync_failing" : "calendar_credentials_aging";
    String message = failing
        ? "calendar " + id + " has not synced since " + calendar.getOffsetDateTime("failing_since").toInstant() + ": " + calendar.getString("last_error")
        : "calendar " + id + " was connected on " + calendar.getOffsetDateTime("credentials_since").toLocalDate()
            + "; Google may soon ask its user to consent again: reconnect it before its meetings are lost";
    return alert(type, id, calendar.getString("calendar_id"), message, new JsonObject());
  }

  /** One calendar alert, in the shape meeting alerts have. */
  private static JsonObject alert(String type, String id, String calendarId, String message, JsonObject extra) {
    return new JsonObject()
        .put("type", "alert")
        .put("level", "alert")
        .put("alert", type)
        .put("calendar", new JsonObject().put("id", id).put("calendar_id", calendarId))
        .put("message", message)
        .put("at", Instant.now().toString())
        .mergeIn(extra);
  }

  /** The alert's outbound event (about no one meeting; its calendar and extras are the event's detail), on the caller's transaction. */
  static Future<Void> record(SqlClient client, JsonObject alert) {
    JsonObject detail = alert.copy();
    List.of("type", "level", "alert", "message", "at").forEach(detail::remove);
    return Outbox.alert(client, null, alert.getString("level"), alert.getString("alert"), alert.getString("message"), detail);
  }

  /** An early warning, once recorded: logged, on the bus and to the webhook. */
  void warn(JsonObject alert) {
    LOG.warn("ALERT {} [calendar: {}, message: {}]", alert.getString("alert"), alert.getJsonObject("calendar").getString("id"),
        alert.getString("message"));
    raise(alert);
  }

  /** A recorded alert on the bus and to the webhook. */
  void raise(JsonObject alert) {
    vertx.eventBus().publish(Addresses.MEETINGS_UPDATES, alert);
    webhook.send(alert);
  }

  /** The calendar works again (reconnected): the page drops its banner. */
  void ok(String id) {
    vertx.eventBus().publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("type", "calendar").put("calendar_id", id).put("status", "ok"));
  }
}
