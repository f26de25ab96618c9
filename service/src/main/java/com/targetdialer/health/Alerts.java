package com.targetdialer.health;

import com.targetdialer.bus.Addresses;
import com.targetdialer.config.HealthSettings;
import com.targetdialer.store.MeetingEvents;
import com.targetdialer.store.MeetingLabel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * An ALERT or CRITICAL goes four ways: a structured log line, a row in the meeting's event log
 * (which also writes its outbound {@code alert} event, see {@link MeetingEvents}),
 * a message on {@code meetings.updates} for the UI, and, when ALERT_WEBHOOK_URL is set, a signed
 * HTTP POST ({@link AlertWebhook}).
 */
final class Alerts {

  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

  private final Vertx vertx;
  private final Pool pg;
  private final AlertWebhook webhook;
  private final Clock clock;

  Alerts(Vertx vertx, Pool pg, HealthSettings settings, Clock clock) {
    this.vertx = vertx;
    this.pg = pg;
    this.webhook = new AlertWebhook(vertx, settings);
    this.clock = clock;
  }

  /**
   * @param level  {@link MeetingEvents#ALERT} or {@link MeetingEvents#CRITICAL}
   * @param type   what happened, e.g. {@code deaf_bot}; also the event log's type
   */
  Future<Void> raise(long meetingId, String level, String type, String message, JsonObject detail) {
    return raise(meetingId, level, type, message, detail, new JsonObject());
  }

  /** As above, with {@code extra} fields at the top of the alert (e.g. a lobby alert's {@code admitters}). */
  Future<Void> raise(long meetingId, String level, String type, String message, JsonObject detail, JsonObject extra) {
    return MeetingLabel.load(pg, meetingId).compose(meeting -> {
      String tag = MeetingEvents.CRITICAL.equals(level) ? "CRITICAL" : "ALERT";
      String line = tag + " " + message + " [meeting: " + meeting + ", " + fields(detail) + "]";
      if (MeetingEvents.CRITICAL.equals(level)) {
        LOG.error(line);
      } else {
        LOG.warn(line);
      }
      JsonObject alert = new JsonObject()
          .put("type", "alert")
          .put("level", level)
          .put("alert", type)
          .put("id", meetingId) // as every other message on meetings.updates names its meeting
          .put("meeting_id", meetingId)
          .put("meeting", meeting.toJson())
          .put("message", message)
          .put("detail", detail)
          .put("at", clock.instant().toString())
          .mergeIn(extra);
      vertx.eventBus().publish(Addresses.MEETINGS_UPDATES, alert);
      webhook.send(alert);
      return MeetingEvents.append(pg, meetingId, type, level, detail.copy().put("message", message).put("meeting", meeting.toJson()));
    });
  }

  void close() {
    webhook.close();
  }

  private static String fields(JsonObject detail) {
    StringBuilder text = new StringBuilder();
    detail.forEach(entry -> {
      if (!text.isEmpty()) {
        text.append(", ");
      }
      text.append(entry.getKey()).append(": ").append(entry.getValue());
    });
    return text.toString();
  }
}
