package com.targetdialer.calendar;

import com.targetdialer.config.CalendarSettings;
import com.targetdialer.http.Retries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Calendar v3 REST calls the sync needs, over vertx-web-client with a Bearer token from google-auth.
 * A 401 gets one forced token refresh and one more try. 5xx, 429, 403 rate limits and connection errors
 * are retried with exponential backoff and jitter (CALENDAR_RETRY_BASE_MS doubling, at most 60 s,
 * honouring {@code Retry-After}) up to CALENDAR_MAX_ATTEMPTS; other errors fail at once.
 */
public final class GoogleCalendarClient {

  /** Where a call's Bearer token comes from; both run google-auth off the event loop. */
  public interface Tokens {
    Future<String> current();

    Future<String> refreshed();
  }

  private static final Logger LOG = LoggerFactory.getLogger(GoogleCalendarClient.class);
  private static final long MAX_BACKOFF_MS = 60_000;
  private static final int MAX_PAGES = 1_000;
  private static final String PAGE_SIZE = "2500";

  private final Vertx vertx;
  private final WebClient web;
  private final String baseUrl;
  private final int maxAttempts;
  private final int timeoutMs;
  private final long retryBaseMs;

  public GoogleCalendarClient(Vertx vertx, CalendarSettings settings) {
    this.vertx = vertx;
    this.baseUrl = settings.calendarBaseUrl();
    this.maxAttempts = settings.maxAttempts();
    this.timeoutMs = settings.timeoutMs();
    this.retryBaseMs = settings.retryBaseMs();
    this.web = WebClient.create(vertx,
        new WebClientOptions().setUserAgent("targetdialer-capture").setConnectTimeout(Math.min(settings.timeoutMs(), 5_000))
            .setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(Math.max(8, settings.syncConcurrency() * 2)).setMaxWaitQueueSize(10_000));
  }

  public void close() {
    web.close();
  }

  /**
   * Every event of the window ({@code end > timeMin}, {@code start < timeMax}), recurring series expanded
   * into occurrences, deletions included, following {@code nextPageToken} to the last page with the
   * same query. A failed page fails the whole list: nothing is reconciled on partial data.
   */
  public Future<List<JsonObject>> listWindow(Tokens tokens, String calendarId, Instant timeMin, Instant timeMax) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("singleEvents", "true");
    query.put("showDeleted", "true");
    query.put("maxResults", PAGE_SIZE);
    query.put("timeMin", timeMin.truncatedTo(ChronoUnit.SECONDS).toString());
    query.put("timeMax", timeMax.truncatedTo(ChronoUnit.SECONDS).toString());
    return page(tokens, eventsUrl(calendarId), query, null, new ArrayList<>(), 1);
  }

  private Future<List<JsonObject>> page(Tokens tokens, String url, Map<String, String> query, String pageToken,
                                        List<JsonObject> items, int pages) {
    Map<String, String> params = new LinkedHashMap<>(query);
    if (pageToken != null) {
      params.put("pageToken", pageToken);
    }
    return call(tokens, HttpMethod.GET, url, params, null, Set.of(200)).compose(response -> {
      JsonObject body = response.bodyAsJsonObject();
      JsonArray page = body.getJsonArray("items", new JsonArray());
      for (Object item : page) {
        if (item instanceof JsonObject event) {
          items.add(event);
        }
      }
      String next = body.getString("nextPageToken");
      if (next == null || next.isEmpty()) {
        return Future.succeededFuture(items);
      }
      if (pages >= MAX_PAGES) {
        return Future.failedFuture(new GoogleApiException(200, "tooManyPages", "more than " + MAX_PAGES + " pages", null));
      }
      return page(tokens, url, query, next, items, pages + 1);
    });
  }

  /** {@code events.get}; null when the event does not exist (404 or 410). */
  public Future<JsonObject> getEvent(Tokens tokens, String calendarId, String eventId) {
    return call(tokens, HttpMethod.GET, eventsUrl(calendarId) + "/" + encode(eventId), Map.of(), null, Set.of(200, 404, 410))
        .map(response -> response.statusCode() == 200 ? response.bodyAsJsonObject() : null);
  }

  /** {@code events.watch}: a push channel to {@code address}; the answer carries resourceId and expiration. */
  public Future<JsonObject> watch(Tokens tokens, String calendarId, String channelId, String address, String channelToken, int ttlSeconds) {
    JsonObject body = new JsonObject()
        .put("id", channelId)
        .put("type", "web_hook")
        .put("address", address)
        .put("token", channelToken)
        .put("params", new JsonObject().put("ttl", Integer.toString(ttlSeconds)));
    return call(tokens, HttpMethod.POST, eventsUrl(calendarId) + "/watch", Map.of(), body, Set.of(200))
        .map(HttpResponse::bodyAsJsonObject);
  }

  /** {@code channels.stop}; true when stopped, false when Google no longer knew it (404: expired or stopped). */
  public Future<Boolean> stopChannel(Tokens tokens, String channelId, String resourceId) {
    JsonObject body = new JsonObject().put("id", channelId).put("resourceId", resourceId);
    return call(tokens, HttpMethod.POST, baseUrl + "/channels/stop", Map.of(), body, Set.of(200, 204, 404))
        .map(response -> response.statusCode() != 404);
  }

  private String eventsUrl(String calendarId) {
    return baseUrl + "/calendars/" + encode(calendarId) + "/events";
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Future<HttpResponse<Buffer>> call(Tokens tokens, HttpMethod method, String url, Map<String, String> query,
                                            JsonObject body, Set<Integer> expected) {
    return attempt(tokens, method, url, query, body, expected, 1, null);
  }

  private Future<HttpResponse<Buffer>> attempt(Tokens tokens, HttpMethod method, String url, Map<String, String> query,
                                               JsonObject body, Set<Integer> expected, int attempt, String forcedToken) {
    Future<String> token = forcedToken != null ? Future.succeededFuture(forcedToken) : tokens.current();
    return token.compose(bearer -> {
      HttpRequest<Buffer> request = web.requestAbs(method, url).bearerTokenAuthentication(bearer).timeout(timeoutMs);
      query.forEach(request::addQueryParam);
      Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
      return sent.transform(result -> {
        GoogleApiException failure;
        if (result.succeeded()) {
          HttpResponse<Buffer> response = result.result();
          if (expected.contains(response.statusCode())) {
            return Future.succeededFuture(response);
          }
          if (response.statusCode() == 401 && forcedToken == null) {
            // The cached token was revoked or expired early: one forced refresh, one more try.
            return tokens.refreshed().compose(fresh -> attempt(tokens, method, url, query, body, expected, attempt, fresh));
          }
          failure = GoogleApiException.fromResponse(response.statusCode(), response.body(), Retries.retryAfterMs(response.getHeader("Retry-After")));
        } else {
          failure = GoogleApiException.unreachable(result.cause());
        }
        if (!failure.retryable() || attempt >= maxAttempts) {
          return Future.failedFuture(failure);
        }
        long delay = failure.retryAfterMs() != null ? Math.min(failure.retryAfterMs(), MAX_BACKOFF_MS)
            : Retries.backoffMs(retryBaseMs, attempt, MAX_BACKOFF_MS);
        LOG.info("retrying Google Calendar call [call: {} {}, attempt: {}, in: {} ms, error: {}]",
            method, path(url), attempt, delay, failure.getMessage());
        return vertx.timer(Math.max(1, delay)).compose(ignored -> attempt(tokens, method, url, query, body, expected, attempt + 1, null));
      });
    });
  }

  private String path(String url) {
    return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
  }
}
