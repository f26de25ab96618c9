package com.targetdialer.sim.vexa;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A faithful stand-in for the Vexa API (0.12, optionally 0.10), on loopback: REST, signed webhooks,
 * {@code /ws}, and scripted bots per native meeting id. See {@code shared/reference/vexa-api.md}.
 *
 * <p>Threading: all simulation state lives on this verticle's context. Settings (key, cap, scripts,
 * faults) may be changed from any thread at any time; inspection methods called from another thread
 * hop onto the context and wait for the answer (briefly), so they never race the event loop.
 */
public final class VexaSimulator extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(VexaSimulator.class);
  private static final long INSPECT_TIMEOUT_S = 10;

  private final int requestedPort;
  private final SimSettings settings = new SimSettings();
  private final List<FaultRule> faults = new ArrayList<>();
  private volatile boolean webSocketsEnabled = true;
  private volatile List<Long> retryWaitsMs = List.of(200L, 500L, 1000L);
  private volatile long webhookTimeoutMs = 2000;

  private volatile int port = -1;
  private volatile Thread loopThread;
  private WebClient client;
  private WebhookSender webhooks;
  private SimState state;

  /** On any free port. */
  public VexaSimulator() {
    this(0);
  }

  /** @param port the port to listen on, 0 for any free one (read it back with {@link #port()}) */
  public VexaSimulator(int port) {
    this.requestedPort = port;
  }

  @Override
  public Future<?> start() {
    loopThread = Thread.currentThread();
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgent("python-httpx/0.27.0"));
    webhooks = new WebhookSender(vertx, client);
    webhooks.retrySchedule(retryWaitsMs);
    webhooks.timeout(webhookTimeoutMs);
    state = new SimState(vertx, settings, webhooks);

    Router router = Router.router(vertx);
    router.route("/ws").handler(this::webSocket);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    router.route().handler(this::faultsThenAuth);
    new SimRest(state, settings).mount(router);
    router.errorHandler(404, ctx -> SimRest.detail(ctx, 404, "Not Found"));
    router.errorHandler(405, ctx -> SimRest.detail(ctx, 405, "Method Not Allowed"));
    router.errorHandler(500, ctx -> {
      LOG.error("simulator error [path: {}]", ctx.normalizedPath(), ctx.failure());
      SimRest.detail(ctx, 500, "Internal Server Error");
    });

    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(requestedPort, "127.0.0.1")
        .onSuccess(s -> {
          port = s.actualPort();
          LOG.info("vexa simulator listening [port: {}, legacy010: {}]", port, settings.legacy010);
        });
  }

  @Override
  public Future<?> stop() {
    // Timers die with the deployment; the server closes with it too. The client is ours to close.
    client.close();
    return Future.succeededFuture();
  }

  // ---- addresses ----

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  // ---- settings (any thread) ----

  /** The one valid {@code X-API-Key} (default {@code sim-key}). */
  public VexaSimulator setApiKey(String key) {
    settings.apiKey = key;
    return this;
  }

  public String apiKey() {
    return settings.apiKey;
  }

  /** The account's {@code max_concurrent_bots} (default 100; 0 or less rejects every spawn with 429). */
  public VexaSimulator setMaxConcurrentBots(int cap) {
    settings.maxConcurrentBots = cap;
    return this;
  }

  /**
   * Speak 0.10: DELETE answers 202 {@code {"message":...}}, timestamps are naive, REST segments have
   * relative {@code start_time}/{@code end_time} plus {@code created_at}, /ws sends {@code transcript.mutable},
   * webhooks use 0.10's event mapping and random event ids.
   */
  public VexaSimulator setLegacy010(boolean legacy) {
    settings.legacy010 = legacy;
    return this;
  }

  /** The script for native ids without one of their own (default {@link BotScript#normal()}). */
  public VexaSimulator setDefaultScript(BotScript script) {
    settings.defaultScript = script;
    return this;
  }

  /** Scripts per bot attempt for one native meeting id: attempt i uses script i, the last one repeats. */
  public VexaSimulator script(String nativeMeetingId, BotScript... perAttempt) {
    if (perAttempt.length == 0) {
      settings.scripts.remove(nativeMeetingId);
    } else {
      settings.scripts.put(nativeMeetingId, List.of(perAttempt));
    }
    return this;
  }

  /**
   * Self-hosted Jitsi deployments, comma-separated like Vexa's {@code VEXA_JITSI_HOSTS} (default none):
   * a {@code meeting_url} on one of them derives as jitsi even when its hostname has neither "jitsi"
   * in it nor a "meet" label.
   */
  /**
   * What Vexa's own parser ({@code collector/meeting_link.py}, as POST /bots runs it) makes of a link:
   * {@code {platform, native_meeting_id}}, or null. For tests that hold a client's idea of a call against Vexa's.
   */
  public static String[] deriveLikeVexa(String url, java.util.Set<String> jitsiHosts) {
    return SimRest.derive(url, jitsiHosts);
  }

  public VexaSimulator setJitsiHosts(String commaSeparatedHosts) {
    String raw = commaSeparatedHosts == null ? "" : commaSeparatedHosts;
    settings.jitsiHosts = Arrays.stream(raw.split(",")).map(String::strip).filter(h -> !h.isEmpty())
        .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    return this;
  }

  /** Waits between webhook attempts after a retryable failure; after the last one, dead-letter. */
  public VexaSimulator setWebhookRetrySchedule(Duration... waits) {
    retryWaitsMs = Arrays.stream(waits).map(Duration::toMillis).toList();
    WebhookSender w = webhooks;
    if (w != null) {
      w.retrySchedule(retryWaitsMs);
    }
    return this;
  }

  /** How long one webhook POST may take before it counts as a transport error (default 2 s). */
  public VexaSimulator setWebhookTimeout(Duration timeout) {
    webhookTimeoutMs = timeout.toMillis();
    WebhookSender w = webhooks;
    if (w != null) {
      w.timeout(webhookTimeoutMs);
    }
    return this;
  }

  /**
   * The next {@code count} requests whose method matches ({@code null} or {@code "*"} for any) and
   * whose path starts with {@code pathPrefix} get {@code status} with a realistic {@code detail}, and a
   * {@code Retry-After} header when given. Checked before authentication, as the edge does; also applies
   * to the {@code /ws} upgrade (as an HTTP status instead of a handshake).
   */
  public VexaSimulator failNext(String method, String pathPrefix, int status, int count, String retryAfterOrNull) {
    synchronized (faults) {
      faults.add(new FaultRule(method, pathPrefix, status, count, retryAfterOrNull));
    }
    return this;
  }

  public VexaSimulator clearFaults() {
    synchronized (faults) {
      faults.clear();
    }
    return this;
  }

  /** Configures the account webhook as {@code PUT /user/webhook} would (same keep-the-old-secret rule). */
  public void configureWebhook(String url, String secret, JsonObject events) {
    onContext(() -> {
      state.putWebhook(url, secret, events);
      return null;
    });
  }

  // ---- /ws control ----

  /** Closes every /ws connection (code 1012) now; new connections are still accepted. */
  public Future<Void> dropWebSockets() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> state.sockets().dropAll().onComplete(done));
    return done.future();
  }

  /** Off: /ws upgrades are refused with HTTP 503 and open sockets are dropped. On: accepted again. */
  public Future<Void> setWebSocketsEnabled(boolean enabled) {
    webSocketsEnabled = enabled;
    return enabled ? Future.succeededFuture() : dropWebSockets();
  }

  public int webSocketCount() {
    return onContext(() -> state.sockets().count());
  }

  // ---- meeting control ----

  /** Everyone leaves: the newest active bot for the native id completes now ({@code left_alone} by script). */
  public boolean endMeeting(String nativeMeetingId) {
    return onContext(() -> {
      SimMeeting target = null;
      for (SimMeeting m : state.all()) {
        if (m.nativeId.equals(nativeMeetingId) && "active".equals(m.status)) {
          target = m;
        }
      }
      if (target == null) {
        return false;
      }
      target.run.endNow();
      return true;
    });
  }

  // ---- inspection ----

  /** Every row, oldest first, in the {@code GET /meetings/{id}} shape. */
  public List<JsonObject> meetings() {
    return onContext(() -> state.all().stream().map(m -> m.response(false, settings.legacy010)).toList());
  }

  /** One row in the {@code GET /meetings/{id}} shape, or null. */
  public JsonObject meeting(long id) {
    return onContext(() -> {
      SimMeeting m = state.get(id);
      return m == null ? null : m.response(false, settings.legacy010);
    });
  }

  /** The newest row for a native id (any platform), or null. */
  public JsonObject latestMeeting(String nativeMeetingId) {
    return onContext(() -> {
      SimMeeting found = null;
      for (SimMeeting m : state.all()) {
        if (m.nativeId.equals(nativeMeetingId)) {
          found = m;
        }
      }
      return found == null ? null : found.response(false, settings.legacy010);
    });
  }

  /** The {@code GET /transcripts/by-id/{id}} body, or null. */
  public JsonObject transcript(long id) {
    return onContext(() -> {
      SimMeeting m = state.get(id);
      return m == null ? null : m.transcript(settings.legacy010);
    });
  }

  /** Every webhook attempt so far, in the order they completed. */
  public List<WebhookDelivery> deliveries() {
    WebhookSender w = webhooks;
    return w == null ? List.of() : w.deliveries();
  }

  /** How many bots were spawned (successful POST /bots) for the native id. */
  public int botsStarted(String nativeMeetingId) {
    return onContext(() -> state.botsStarted(nativeMeetingId));
  }

  /**
   * The passcode the newest bot for the link was spawned with: the POST /bots {@code passcode}, else
   * the one Vexa took from its {@code meeting_url} ({@code ?pwd=}, {@code ?p=}); null for none or no bot.
   */
  public String spawnedPasscode(String platform, String nativeMeetingId) {
    return onContext(() -> {
      SimMeeting m = state.newest(platform, nativeMeetingId);
      return m == null ? null : m.passcode;
    });
  }

  /** The {@code meeting_url} the newest bot for the link was spawned with; null when by native id or no bot. */
  public String spawnedMeetingUrl(String platform, String nativeMeetingId) {
    return onContext(() -> {
      SimMeeting m = state.newest(platform, nativeMeetingId);
      return m == null ? null : m.meetingUrl;
    });
  }

  /** How many authenticated DELETE /bots calls named the native id, including the ones answered 404. */
  public int deleteCount(String nativeMeetingId) {
    return onContext(() -> state.deleteCount(nativeMeetingId));
  }

  // ---- request plumbing ----

  private void webSocket(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (applyFault(ctx)) {
      return;
    }
    if (!webSocketsEnabled) {
      SimRest.detail(ctx, 503, "websocket endpoint unavailable");
      return;
    }
    if (!req.canUpgradeToWebSocket()) {
      SimRest.detail(ctx, 400, "Expected a WebSocket upgrade");
      return;
    }
    String key = req.getHeader("X-API-Key");
    if (key == null) {
      key = req.getParam("api_key");
    }
    String presented = key;
    req.toWebSocket()
        .onSuccess(ws -> state.sockets().accept(ws, presented))
        .onFailure(e -> LOG.warn("websocket upgrade failed [error: {}]", e.toString()));
  }

  private void faultsThenAuth(RoutingContext ctx) {
    if (applyFault(ctx)) {
      return;
    }
    String key = ctx.request().getHeader("X-API-Key");
    if (key == null || key.isEmpty()) {
      SimRest.detail(ctx, 401, "Missing API key");
    } else if (!key.equals(settings.apiKey)) {
      SimRest.detail(ctx, 401, "Invalid API key");
    } else {
      ctx.next();
    }
  }

  private boolean applyFault(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path = ctx.request().path();
    FaultRule hit = null;
    synchronized (faults) {
      for (FaultRule f : faults) {
        if (f.take(method, path)) {
          hit = f;
          break;
        }
      }
      faults.removeIf(FaultRule::spent);
    }
    if (hit == null) {
      return false;
    }
    LOG.info("injected fault [method: {}, path: {}, status: {}]", method, path, hit.status);
    if (hit.retryAfter != null) {
      ctx.response().putHeader("Retry-After", hit.retryAfter);
    }
    SimRest.detail(ctx, hit.status, hit.detail());
    return true;
  }

  /** Runs {@code action} on the simulator's context and waits for it, unless already there. */
  private <T> T onContext(Supplier<T> action) {
    if (context == null || state == null) {
      throw new IllegalStateException("the simulator is not deployed");
    }
    if (Thread.currentThread() == loopThread) {
      return action.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(INSPECT_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while inspecting the simulator", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("simulator inspection failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the simulator's event loop did not answer within " + INSPECT_TIMEOUT_S + " s", e);
    }
  }
}
