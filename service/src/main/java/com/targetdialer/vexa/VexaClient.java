package com.targetdialer.vexa;

import com.targetdialer.config.VexaSettings;
import com.targetdialer.http.Retries;
import com.targetdialer.platform.MeetingLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Vexa REST API (0.12, tolerating 0.10), over vertx-web-client with {@code X-API-Key}.
 * Every call has a timeout; 5xx, 429 and connection errors are retried with exponential backoff
 * and jitter, honouring {@code Retry-After}, up to VEXA_MAX_ATTEMPTS.
 */
public final class VexaClient {

  public static final List<String> WEBHOOK_EVENTS = List.of("meeting.status_change", "meeting.started", "meeting.completed", "bot.failed");

  private static final Logger LOG = LoggerFactory.getLogger(VexaClient.class);
  private static final long BACKOFF_BASE_MS = 500;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final WebClient web;
  private final VexaSettings settings;

  public VexaClient(Vertx vertx, VexaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.web = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("targetdialer-capture")
        .setConnectTimeout(Math.min(settings.timeoutMs(), 5_000)));
  }

  /**
   * {@code POST /bots} with the call's link (with its passcode, where the platform's links carry one) and
   * passcode. A 409 means a bot is already in that meeting: it is adopted and returned.
   */
  public Future<VexaBot> startBot(MeetingLink link) {
    String platform = link.platform().wire();
    String nativeMeetingId = link.nativeId();
    JsonObject body = new JsonObject()
        .put("platform", platform)
        .put("native_meeting_id", nativeMeetingId)
        .put("bot_name", settings.botName());
    if (link.url() != null) {
      body.put("meeting_url", link.joinUrl());
    }
    if (link.passcode() != null) {
      body.put("passcode", link.passcode());
    }
    return call(HttpMethod.POST, "/bots", body, Set.of(200, 201))
        .map(response -> VexaBot.fromJson(response.bodyAsJsonObject()))
        .recover(failure -> {
          if (failure instanceof VexaException e && e.status() == 409) {
            return adopt(platform, nativeMeetingId, e);
          }
          return Future.failedFuture(failure);
        });
  }

  /** {@code DELETE /bots/{platform}/{id}}: asynchronous on Vexa's side; 404 means already gone. */
  public Future<Void> stopBot(String platform, String nativeMeetingId) {
    return call(HttpMethod.DELETE, "/bots/" + platform + "/" + nativeMeetingId, null, Set.of(200, 202, 204, 404))
        .mapEmpty();
  }

  /** {@code GET /bots/status}: the bots Vexa considers running ({@code running}, or 0.10's {@code running_bots}). */
  public Future<List<VexaBot>> runningBots() {
    return call(HttpMethod.GET, "/bots/status", null, Set.of(200)).map(response -> {
      JsonObject body = response.bodyAsJsonObject();
      JsonArray rows = body.getJsonArray("running", body.getJsonArray("running_bots", new JsonArray()));
      List<VexaBot> bots = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        bots.add(VexaBot.fromJson(rows.getJsonObject(i)));
      }
      return bots;
    });
  }

  /** {@code GET /meetings/{id}}. */
  public Future<VexaBot> meeting(long vexaMeetingId) {
    return call(HttpMethod.GET, "/meetings/" + vexaMeetingId, null, Set.of(200))
        .map(response -> VexaBot.fromJson(response.bodyAsJsonObject()));
  }

  /**
   * The transcript of one Vexa meeting row: {@code /transcripts/by-id/{id}} (0.12), falling back to
   * {@code /transcripts/{platform}/{native}} where that route does not exist. Returns the raw segments.
   */
  public Future<JsonArray> transcript(long vexaMeetingId, String platform, String nativeMeetingId) {
    return call(HttpMethod.GET, "/transcripts/by-id/" + vexaMeetingId, null, Set.of(200))
        .recover(failure -> {
          if (failure instanceof VexaException e && (e.status() == 404 || e.status() == 405)) {
            return call(HttpMethod.GET, "/transcripts/" + platform + "/" + nativeMeetingId, null, Set.of(200));
          }
          return Future.failedFuture(failure);
        })
        .map(response -> response.bodyAsJsonObject().getJsonArray("segments", new JsonArray()));
  }

  /** {@code PUT /user/webhook}: where Vexa sends events, the signing secret, and which events. */
  public Future<Void> registerWebhook(String url, String secret) {
    JsonObject events = new JsonObject();
    WEBHOOK_EVENTS.forEach(event -> events.put(event, true));
    JsonObject body = new JsonObject().put("webhook_url", url).put("webhook_secret", secret).put("webhook_events", events);
    return call(HttpMethod.PUT, "/user/webhook", body, Set.of(200)).mapEmpty();
  }

  public void close() {
    web.close();
  }

  private Future<VexaBot> adopt(String platform, String nativeMeetingId, VexaException conflict) {
    return runningBots().compose(bots -> bots.stream()
        .filter(bot -> platform.equals(bot.platform()) && nativeMeetingId.equals(bot.nativeMeetingId()))
        .reduce((first, second) -> second.id() > first.id() ? second : first)
        .map(bot -> {
          LOG.info("adopted the bot already in the meeting [platform: {}, meeting: {}, vexa id: {}]", platform, nativeMeetingId, bot.id());
          return Future.succeededFuture(bot);
        })
        .orElseGet(() -> Future.failedFuture(conflict)));
  }

  private Future<HttpResponse<Buffer>> call(HttpMethod method, String path, JsonObject body, Set<Integer> expected) {
    return attempt(method, path, body, expected, 1);
  }

  private Future<HttpResponse<Buffer>> attempt(HttpMethod method, String path, JsonObject body, Set<Integer> expected, int attempt) {
    HttpRequest<Buffer> request = web.requestAbs(method, settings.apiUrl() + path)
        .putHeader("X-API-Key", settings.apiKey())
        .timeout(settings.timeoutMs());
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.transform(result -> {
      VexaException failure;
      Long retryAfterMs = null;
      if (result.succeeded()) {
        HttpResponse<Buffer> response = result.result();
        if (expected.contains(response.statusCode())) {
          return Future.succeededFuture(response);
        }
        failure = VexaException.fromResponse(response.statusCode(), response.body());
        retryAfterMs = Retries.retryAfterMs(response.getHeader("Retry-After"));
      } else {
        failure = new VexaException(0, String.valueOf(result.cause().getMessage()));
      }
      if (!retryable(failure) || attempt >= settings.maxAttempts()) {
        return Future.failedFuture(failure);
      }
      long delay = retryAfterMs != null ? Math.min(retryAfterMs, MAX_BACKOFF_MS) : Retries.backoffMs(BACKOFF_BASE_MS, attempt, MAX_BACKOFF_MS);
      LOG.info("retrying Vexa call [call: {} {}, attempt: {}, in: {} ms, error: {}]", method, path, attempt, delay, failure.getMessage());
      return vertx.timer(Math.max(1, delay)).compose(ignored -> attempt(method, path, body, expected, attempt + 1));
    });
  }

  private static boolean retryable(VexaException failure) {
    return failure.unreachable() || failure.status() >= 500 || (failure.status() == 429 && !failure.botLimitReached());
  }
}
