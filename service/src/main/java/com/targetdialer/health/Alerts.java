package com.targetdialer.health;

import com.targetdialer.bus.Addresses;
import com.targetdialer.config.HealthSettings;
import com.targetdialer.store.MeetingEvents;
import com.targetdialer.store.MeetingLabel;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * An ALERT or CRITICAL goes four ways: a structured log line, a row in the meeting's event log,
 * a message on {@code meetings.updates} for the UI, and, when ALERT_WEBHOOK_URL is set, a signed
 * HTTP POST ({@code X-TargetDialer-Signature: sha256=HMAC(secret, timestamp + "." + body)}) retried
 * with backoff.
 */
final class Alerts {

  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
  private static final long[] WEBHOOK_RETRY_MS = {1_000, 5_000, 30_000};

  private final Vertx vertx;
  private final Pool pg;
  private final HealthSettings settings;
  private final WebClient web;
  private final WebhookSignature signer;
  private final Clock clock;

  Alerts(Vertx vertx, Pool pg, HealthSettings settings, Clock clock) {
    this.vertx = vertx;
    this.pg = pg;
    this.settings = settings;
    this.clock = clock;
    this.web = settings.alertWebhookUrl() == null ? null : WebClient.create(vertx);
    // The same scheme Vexa signs its webhooks with, so receivers can share one verifier.
    this.signer = settings.alertWebhookSecret() == null ? null : new WebhookSignature(settings.alertWebhookSecret(), 0);
  }

  /**
   * @param level  {@link MeetingEvents#ALERT} or {@link MeetingEvents#CRITICAL}
   * @param type   what happened, e.g. {@code deaf_bot}; also the event log's type
   */
  Future<Void> raise(long meetingId, String level, String type, String message, JsonObject detail) {
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
          .put("at", clock.instant().toString());
      vertx.eventBus().publish(Addresses.MEETINGS_UPDATES, alert);
      if (web != null) {
        post(alert.toBuffer(), 0);
      }
      return MeetingEvents.append(pg, meetingId, type, level, detail.copy().put("message", message).put("meeting", meeting.toJson()));
    });
  }

  void close() {
    if (web != null) {
      web.close();
    }
  }

  private void post(Buffer body, int attempt) {
    // A transport timestamp the receiver checks against its own clock: always the wall clock.
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    web.postAbs(settings.alertWebhookUrl())
        .putHeader("content-type", "application/json")
        .putHeader("X-TargetDialer-Timestamp", timestamp)
        .putHeader("X-TargetDialer-Signature", "sha256=" + signer.sign(timestamp, body))
        .timeout(10_000)
        .sendBuffer(body)
        .onComplete(result -> {
          boolean delivered = result.succeeded() && result.result().statusCode() < 300;
          if (delivered) {
            return;
          }
          String error = result.succeeded() ? "HTTP " + result.result().statusCode() : result.cause().getMessage();
          if (attempt < WEBHOOK_RETRY_MS.length) {
            vertx.setTimer(WEBHOOK_RETRY_MS[attempt], id -> post(body, attempt + 1));
          } else {
            LOG.warn("alert webhook gave up after {} attempts [url: {}, error: {}]", attempt + 1, settings.alertWebhookUrl(), error);
          }
        });
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
