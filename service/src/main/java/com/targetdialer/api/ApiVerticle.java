package com.targetdialer.api;

import com.targetdialer.access.MeetingAccess;
import com.targetdialer.access.Viewer;
import com.targetdialer.access.ViewerAuth;
import com.targetdialer.cluster.Membership;
import com.targetdialer.config.Settings;
import com.targetdialer.events.Subscriptions;
import com.targetdialer.store.Backends;
import com.targetdialer.vexa.WebhookSignature;
import com.targetdialer.webhook.Inbox;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/**
 * The HTTP edge: routing, auth, body limits, the JSON error shape, health, readiness, metrics,
 * bot dispatch requests and the Vexa webhook inbox. It makes no business decisions and writes
 * nothing but the durable inbox append.
 * Deployed with one instance per core; all instances share the listening port.
 */
public final class ApiVerticle extends VerticleBase {


  private final Settings settings;
  private final Backends backends;
  private final PrometheusMeterRegistry metrics;

  private Pool pg;
  private Redis redis;
  private PinnedRedisConnection inboxConnection;
  private ReadinessCheck readiness;

  private final Secrets secrets;

  private final Membership membership;
  private final int port;
  private final Clock clock;
  private final ViewerAuth viewers;

  /**
   * @param viewers who a token says the reader is; shared by every instance
   * @param port  the port every instance listens on (HTTP_PORT, or the free one chosen for 0)
   * @param clock what "today" is for the coverage report
   */
  public ApiVerticle(Settings settings, Backends backends, PrometheusMeterRegistry metrics, Secrets secrets, ViewerAuth viewers,
                     Membership membership, int port, Clock clock) {
    this.viewers = viewers;
    this.clock = clock;
    this.settings = settings;
    this.backends = backends;
    this.metrics = metrics;
    this.secrets = secrets;
    this.membership = membership;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    redis = backends.redisClient(vertx);
    readiness = new ReadinessCheck(pg, redis, backends.schemaVersion());

    Router router = Router.router(vertx);
    // Before the body handler: SockJS transports read their own request bodies.
    router.route("/eventbus/*").subRouter(EventBusBridge.router(vertx, viewers, new MeetingAccess(pg)));
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.httpBodyLimitBytes()));
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));
    router.post("/dispatch/bot").handler(new BearerAuth("INTERNAL_API_KEY", settings.internalApiKey()))
        .handler(new DispatchHandler(vertx, settings));
    inboxConnection = new PinnedRedisConnection(redis, context);
    router.post("/webhook/vexa").handler(new VexaWebhookHandler(new Inbox(redis, backends.redisKeyPrefix()), inboxConnection,
        new WebhookSignature(secrets.vexaWebhook(), settings.vexa().webhookToleranceSeconds()), settings.vexa().acceptBearer()));
    ViewerHandler uiAuth = new ViewerHandler(viewers);
    router.get("/api/me").handler(uiAuth).handler(ApiVerticle::me);
    MeetingsHandler meetings = new MeetingsHandler(pg);
    router.get("/api/meetings").handler(uiAuth).handler(meetings::list);
    router.get("/api/meetings/:id").handler(uiAuth).handler(meetings::one);
    router.get("/api/meetings/:id/transcript").handler(uiAuth).handler(meetings::transcript);
    router.get("/api/coverage").handler(uiAuth).handler(new CoverageHandler(pg, clock)::report);
    BearerAuth internalAuth = new BearerAuth("INTERNAL_API_KEY", settings.internalApiKey());
    CalendarsHandler calendars = new CalendarsHandler(vertx);
    router.post("/calendars").handler(internalAuth).handler(calendars::connect);
    router.get("/calendars").handler(internalAuth).handler(calendars::list);
    router.get("/api/calendars").handler(uiAuth).handler(calendars::listOwn); // the page's banner: calendars that need re-authorising
    router.delete("/calendars/:id").handler(internalAuth).handler(calendars::disconnect);
    router.get("/calendars/:id/events").handler(internalAuth).handler(calendars::events);
    SubscriptionsHandler subscriptions = new SubscriptionsHandler(new Subscriptions(pg));
    router.post("/subscriptions").handler(internalAuth).handler(subscriptions::create);
    router.get("/subscriptions").handler(internalAuth).handler(subscriptions::list);
    router.delete("/subscriptions/:id").handler(internalAuth).handler(subscriptions::delete);
    router.post("/subscriptions/:id/replay").handler(internalAuth).handler(subscriptions::replay);
    router.get("/api/events").handler(internalAuth).handler(subscriptions::events);
    router.post("/calendar/notifications").handler(new CalendarNotificationsHandler(vertx));
    // UTF-8 whatever the JVM's default charset (a bare POSIX locale makes it ASCII, and the page's text garbled).
    router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setDefaultContentEncoding("UTF-8"));
    router.route().failureHandler(JsonErrors::handleFailure);
    router.errorHandler(404, JsonErrors::handleFailure);
    router.errorHandler(405, JsonErrors::handleFailure);

    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port, settings.httpHost());
  }

  /** {@code GET /api/me}: who the token says this is, for the page's "signed in as". */
  private static void me(RoutingContext ctx) {
    Viewer viewer = ViewerHandler.viewer(ctx);
    ctx.json(new JsonObject().put("person", viewer.person()).put("admin", viewer.admin()));
  }

  @Override
  public Future<?> stop() {
    return Future.join(pg.close(), inboxConnection.close()).eventually(redis::close);
  }

  // Liveness: answers from memory, so a slow database never gets the process restarted.
  private void health(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP").put("cluster", membership.toJson()));
  }

  private void ready(RoutingContext ctx) {
    readiness.run().map(result -> result.put("cluster", membership.toJson())).onSuccess(result -> {
      if ("UP".equals(result.getString("status"))) {
        ctx.json(result);
      } else {
        JsonErrors.send(ctx, 503, result.put("error", "not_ready"));
      }
    });
  }
}
