package com.targetdialer.sim.vexa;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Delivers webhook envelopes the way {@code webhooks/delivery.py} does: Python-serialized body,
 * Bearer + HMAC headers when a secret is set, retry on 5xx/429/transport errors, permanent failure
 * on anything else. Scripts can make it deliver twice or out of order. Runs on the simulator's context.
 */
final class WebhookSender {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

  private record Outgoing(SimMeeting meeting, String eventId, String eventType, String body) {
  }

  private final Vertx vertx;
  private final WebClient client;
  private final List<WebhookDelivery> deliveries = new CopyOnWriteArrayList<>();
  private final Map<Long, List<Outgoing>> held = new HashMap<>();
  private final Map<Long, Long> flushTimers = new HashMap<>();
  private final Map<Long, ArrayDeque<Outgoing>> inline = new HashMap<>();
  private final Set<Long> sending = new HashSet<>();
  private volatile List<Long> retryWaitsMs = List.of(200L, 500L, 1000L);
  private volatile long timeoutMs = 2000;

  WebhookSender(Vertx vertx, WebClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  void retrySchedule(List<Long> waitsMs) {
    retryWaitsMs = List.copyOf(waitsMs);
  }

  void timeout(long ms) {
    timeoutMs = ms;
  }

  List<WebhookDelivery> deliveries() {
    return List.copyOf(deliveries);
  }

  /** Sends (or, for an out-of-order script, holds) one envelope, if the meeting's frozen config wants it. */
  void emit(SimMeeting m, JsonObject envelope) {
    WebhookTarget target = m.webhook;
    if (target == null || target.url() == null || target.url().isBlank()) {
      return;
    }
    String type = envelope.getString("event_type");
    if (!target.enabled(type)) {
      LOG.debug("suppressed webhook [event: {}, meeting: {}]", type, m.id);
      return;
    }
    if (m.script.lostWebhooks.contains(type)) {
      LOG.info("lost webhook, as scripted [event: {}, meeting: {}]", type, m.id);
      return;
    }
    Outgoing out = new Outgoing(m, envelope.getString("event_id"), type, PyJson.dumps(envelope));
    if (m.script.outOfOrderWebhooks) {
      hold(out);
    } else {
      dispatch(out);
    }
  }

  /** The run is terminal: release anything an out-of-order script was holding, newest first. */
  void runEnded(SimMeeting m) {
    flush(m.id);
  }

  private void hold(Outgoing out) {
    long id = out.meeting().id;
    held.computeIfAbsent(id, k -> new ArrayList<>()).add(out);
    BotScript script = out.meeting().script;
    if (script.outOfOrderWindow != null && !flushTimers.containsKey(id)) {
      flushTimers.put(id, vertx.setTimer(script.ms(script.outOfOrderWindow), t -> {
        flushTimers.remove(id);
        flush(id);
      }));
    }
  }

  private void flush(long meetingId) {
    Long timer = flushTimers.remove(meetingId);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    List<Outgoing> batch = held.remove(meetingId);
    if (batch == null) {
      return;
    }
    Collections.reverse(batch);
    batch.forEach(this::dispatch);
  }

  /**
   * First attempts go out one at a time per meeting, in emission order, as the lifecycle callback
   * awaits each delivery inline; retries run on their own schedule, so they can overtake.
   */
  private void dispatch(Outgoing out) {
    long id = out.meeting().id;
    inline.computeIfAbsent(id, k -> new ArrayDeque<>()).add(out);
    pump(id);
    if (out.meeting().script.duplicateWebhooks) {
      // A second, independent delivery of the same event: what a Redis retry racing an inline send looks like.
      vertx.setTimer(20, t -> attempt(out, 1, () -> { }));
    }
  }

  private void pump(long meetingId) {
    ArrayDeque<Outgoing> queue = inline.get(meetingId);
    if (sending.contains(meetingId) || queue == null || queue.isEmpty()) {
      return;
    }
    sending.add(meetingId);
    attempt(queue.poll(), 1, () -> {
      sending.remove(meetingId);
      if (queue.isEmpty()) {
        inline.remove(meetingId);
      } else {
        pump(meetingId);
      }
    });
  }

  private void attempt(Outgoing out, int attempt, Runnable attemptDone) {
    WebhookTarget target = out.meeting().webhook;
    HttpRequest<Buffer> request = client.postAbs(target.url())
        .timeout(timeoutMs)
        .followRedirects(false)
        .putHeader("Content-Type", "application/json");
    if (target.signed()) {
      String secret = target.secret().strip();
      String ts = Long.toString(Instant.now().getEpochSecond());
      request.putHeader("Authorization", "Bearer " + secret)
          .putHeader("X-Webhook-Signature", sign(secret, ts, out.body()))
          .putHeader("X-Webhook-Timestamp", ts);
    }
    request.sendBuffer(Buffer.buffer(out.body())).onComplete(ar -> {
      int status = ar.succeeded() ? ar.result().statusCode() : 0;
      boolean retryable = status == 0 || status == 429 || status >= 500;
      String outcome;
      if (status > 0 && status < 300) {
        outcome = "delivered";
      } else if (!retryable) {
        outcome = "failed";
      } else if (attempt <= retryWaitsMs.size()) {
        outcome = "retrying";
      } else {
        outcome = "dead_letter";
      }
      deliveries.add(new WebhookDelivery(out.eventId(), out.eventType(), out.meeting().id, target.url(), attempt,
          status, outcome, out.body(), Instant.now()));
      if ("delivered".equals(outcome)) {
        LOG.info("delivered webhook [event: {}, meeting: {}, attempt: {}, status: {}]", out.eventType(), out.meeting().id, attempt, status);
      } else {
        LOG.warn("webhook not delivered [event: {}, meeting: {}, attempt: {}, status: {}, outcome: {}, error: {}]",
            out.eventType(), out.meeting().id, attempt, status, outcome, ar.failed() ? ar.cause().toString() : "-");
      }
      if ("retrying".equals(outcome)) {
        vertx.setTimer(retryWaitsMs.get(attempt - 1), t -> attempt(out, attempt + 1, () -> { }));
      }
      attemptDone.run();
    });
  }

  /** {@code sha256=<hex HMAC_SHA256(secret, ts + "." + body)>}. */
  static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
