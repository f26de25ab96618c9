package com.targetdialer.health;

import com.targetdialer.config.HealthSettings;
import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs an alert to ALERT_WEBHOOK_URL, signed ({@code X-TargetDialer-Signature: sha256=HMAC(secret,
 * timestamp + "." + body)}, the scheme Vexa signs its webhooks with, so receivers can share one
 * verifier), retried after 1, 5 and 30 s. Does nothing when no URL is set.
 */
public final class AlertWebhook {

  private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);
  private static final long[] RETRY_MS = {1_000, 5_000, 30_000};

  private final Vertx vertx;
  private final String url;
  private final WebClient web;
  private final WebhookSignature signer;

  public AlertWebhook(Vertx vertx, HealthSettings settings) {
    this.vertx = vertx;
    this.url = settings.alertWebhookUrl();
    this.web = url == null ? null : WebClient.create(vertx);
    this.signer = settings.alertWebhookSecret() == null ? null : new WebhookSignature(settings.alertWebhookSecret(), 0);
  }

  public void send(JsonObject alert) {
    if (web != null) {
      post(alert.toBuffer(), 0);
    }
  }

  public void close() {
    if (web != null) {
      web.close();
    }
  }

  private void post(Buffer body, int attempt) {
    // A transport timestamp the receiver checks against its own clock: always the wall clock.
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    web.postAbs(url)
        .putHeader("content-type", "application/json")
        .putHeader("X-TargetDialer-Timestamp", timestamp)
        .putHeader("X-TargetDialer-Signature", "sha256=" + signer.sign(timestamp, body))
        .timeout(10_000)
        .sendBuffer(body)
        .onComplete(result -> {
          if (result.succeeded() && result.result().statusCode() < 300) {
            return;
          }
          String error = result.succeeded() ? "HTTP " + result.result().statusCode() : result.cause().getMessage();
          if (attempt < RETRY_MS.length) {
            vertx.setTimer(RETRY_MS[attempt], id -> post(body, attempt + 1));
          } else {
            LOG.warn("alert webhook gave up after {} attempts [url: {}, error: {}]", attempt + 1, url, error);
          }
        });
  }
}
