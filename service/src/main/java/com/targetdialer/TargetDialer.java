package com.targetdialer;

import com.targetdialer.access.ViewerAuth;
import com.targetdialer.store.CredentialCipher;
import com.targetdialer.bus.LocalJson;
import com.targetdialer.api.ApiVerticle;
import com.targetdialer.api.Secrets;
import com.targetdialer.cluster.ClusterNode;
import com.targetdialer.cluster.Membership;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import com.targetdialer.calendar.CalendarVerticle;
import com.targetdialer.config.ConfigException;
import com.targetdialer.http.Tokens;
import com.targetdialer.config.ConfigLoader;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.RedisUrl;
import com.targetdialer.config.Settings;
import com.targetdialer.events.DeliveryVerticle;
import com.targetdialer.ledger.LedgerVerticle;
import com.targetdialer.store.Backends;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.store.Migrations;
import com.targetdialer.dispatch.DispatchVerticle;
import com.targetdialer.health.HealthVerticle;
import com.targetdialer.persist.PersistVerticle;
import com.targetdialer.vexa.WebhookReachability;
import com.targetdialer.vexa.WebhookSecret;
import com.targetdialer.webhook.WebhookVerticle;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service: config, then the embedded stores where no URL is given, then migrations, then the
 * verticles. {@link #stop()} undoes it in reverse: stop taking HTTP, drain and undeploy the rest,
 * close Vert.x, stop the embedded stores.
 */
public final class TargetDialer {

  private static final Logger LOG = LoggerFactory.getLogger(TargetDialer.class);

  private final Settings settings;
  private final Clock clock;
  private final List<AutoCloseable> embeddedStores = new ArrayList<>();
  /** Deployment ids of the verticles behind the HTTP edge, newest first. */
  private final List<String> deployments = new ArrayList<>();
  private Vertx vertx;
  private String apiDeployment;
  private ViewerAuth viewers;
  private int httpPort;
  private String uiUrl;

  private TargetDialer(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts the whole service; blocks the calling thread, which must not be an event loop. */
  public static TargetDialer start(Arguments arguments, Map<String, String> env) {
    return start(arguments, env, Clock.systemUTC());
  }

  /** As {@link #start(Arguments, Map)}, with the clock every time rule reads (tests move it). */
  public static TargetDialer start(Arguments arguments, Map<String, String> env, Clock clock) {
    Settings settings = loadSettings(arguments, env);
    TargetDialer service = new TargetDialer(settings, clock);
    try {
      service.startAll();
      return service;
    } catch (RuntimeException e) {
      service.stop();
      throw e;
    }
  }

  static Settings loadSettings(Arguments arguments, Map<String, String> env) {
    Vertx bootstrap = Vertx.vertx();
    try {
      JsonObject config = ConfigLoader.load(bootstrap, arguments.configFile(), env).await(30, TimeUnit.SECONDS);
      if (arguments.cluster()) {
        config.put("CLUSTER", true);
      }
      return Settings.from(config);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException(ConfigLoader.CONFIG_FILE_ENV, "cannot load the configuration: " + e.getMessage());
    } finally {
      bootstrap.close().await();
    }
  }

  private void startAll() {
    warnIfVexaCannotReachUs();
    DatabaseUrl database = settings.databaseUrl() != null ? settings.databaseUrl() : startEmbeddedPostgres();
    RedisUrl redis = settings.redisUrl() != null ? settings.redisUrl() : startEmbeddedRedis();
    String schemaVersion = Migrations.migrate(database, Duration.ofSeconds(settings.dbConnectRetrySeconds()));
    Backends backends = new Backends(database, redis, schemaVersion, settings.redisKeyPrefix(), settings.dbPoolSize());

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Membership membership = startVertx(metrics);
    if (!vertx.isNativeTransportEnabled()) {
      LOG.info("Netty's epoll transport is not available here, Java NIO is used [cause: {}]", String.valueOf(vertx.unavailableNativeTransportCause()));
    }

    Secrets secrets = new Secrets(resolveWebhookSecret(backends),
        settings.uiToken() != null ? settings.uiToken() : Tokens.random(24));
    CredentialCipher cipher = CredentialCipher.resolve(settings.calendar(), settings.databaseUrl() == null, settings.dataDir());
    // Consumers first, then the HTTP edge, so nothing is accepted before it can be handled.
    deploy(new PersistVerticle(backends, metrics, settings.eventIdRetentionHours()));
    deploy(new WebhookVerticle(settings, backends, membership, clock));
    deploy(new DispatchVerticle(settings, backends, secrets.vexaWebhook(), cipher));
    deploy(new HealthVerticle(settings, backends, metrics, clock));
    deploy(new LedgerVerticle(settings, backends, metrics, clock));
    deploy(new CalendarVerticle(settings, backends, cipher, clock));
    deploy(new DeliveryVerticle(settings.events(), backends, metrics));
    // HTTP_PORT 0 means any free port: chosen here, so every instance shares the same one.
    httpPort = settings.httpPort() > 0 ? settings.httpPort() : freePort();
    try {
      // One for every HTTP instance: each answers with the same JWKS keys, fetched once.
      viewers = new ViewerAuth(vertx, settings.access(), secrets.uiToken());
      viewers.start().await();
      apiDeployment = vertx.deployVerticle(() -> new ApiVerticle(settings, backends, metrics, secrets, viewers, membership, httpPort, clock),
          new DeploymentOptions().setInstances(settings.effectiveHttpInstances())).await();
    } catch (Exception e) {
      throw bindFailure(e);
    }
    LOG.info("targetdialer started [http: {}:{}, database: {}, redis: {}]", settings.httpHost(), httpPort, database, redis);
    uiUrl = (settings.apiUrl() != null ? settings.apiUrl() : "http://localhost:" + httpPort) + "/?token=" + secrets.uiToken();
    if (settings.uiToken() == null) {
      // Generated for this run only: printed so a person can open the UI (set UI_TOKEN to keep one).
      System.out.println("Live transcript UI: " + uiUrl);
    }
  }

  /** Vexa drops webhooks to loopback or private addresses without a word: say so once, at start. */
  private void warnIfVexaCannotReachUs() {
    if (!settings.vexa().configured()) {
      return;
    }
    String problem = WebhookReachability.problem(settings.publicApiUrl(), settings.vexa().apiUrl(), InetAddress::getAllByName);
    if (problem != null) {
      LOG.warn("PUBLIC_API_URL {} cannot receive Vexa's webhooks: {}. Vexa at {} refuses such addresses (its SSRF guard) and drops "
              + "the webhooks silently; statuses then come only from the live stream and the health sweep. Set PUBLIC_API_URL to an "
              + "address Vexa can reach (a public host or a tunnel)", settings.publicApiUrl(), problem, settings.vexa().apiUrl());
    }
  }

  private Membership startVertx(PrometheusMeterRegistry metrics) {
    // Netty's epoll transport where the jar carries it (Linux x86-64): an applying node took 18% more
    // webhooks a second on it than on Java NIO (bench/intake, alternating runs). Event-bus meters are off:
    // every persisted segment is published once, and per-message meter lookups cost more there than they
    // tell (td_* meters count what matters).
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
    if (!settings.cluster().enabled()) {
      vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(metrics)).build();
      LocalJson.register(vertx.eventBus());
      return Membership.single();
    }
    HazelcastClusterManager manager = ClusterNode.manager(settings.cluster());
    try {
      vertx = Vertx.builder()
          .with(options.setEventBusOptions(ClusterNode.eventBus(settings.cluster())))
          .withMetrics(new MicrometerMetricsFactory(metrics))
          .withClusterManager(manager)
          .buildClustered()
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (addressInUse(e)) {
        throw new ConfigException("EVENTBUS_PORT", "port " + settings.cluster().eventBusPort() + " on " + settings.cluster().host()
            + " is already in use: the clustered event bus needs its own port on each node of a host (set EVENTBUS_PORT, or 0 for any free one)");
      }
      throw new ConfigException("CLUSTER_HOST", "cannot join the cluster on " + settings.cluster().host() + ":" + settings.cluster().port()
          + " (members " + settings.cluster().members() + "): " + e.getMessage());
    }
    LocalJson.register(vertx.eventBus());
    Membership membership = Membership.of(manager);
    LOG.info("joined the cluster [name: {}, node: {}, members: {}]", settings.cluster().name(), membership.nodeId(), membership.size());
    return membership;
  }

  private void deploy(VerticleBase verticle) {
    try {
      deployments.add(0, vertx.deployVerticle(verticle).await());
    } catch (Exception e) {
      throw new IllegalStateException(verticle.getClass().getSimpleName() + " did not deploy", e);
    }
  }

  private String resolveWebhookSecret(Backends backends) {
    Pool pg = backends.pgPool(vertx);
    try {
      return WebhookSecret.resolve(pg, settings.vexa()).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the Vexa webhook secret from the database", e);
    } finally {
      pg.close();
    }
  }

  private DatabaseUrl startEmbeddedPostgres() {
    try {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(settings.dataDir().resolve("pg"), settings.embeddedPgPort());
      embeddedStores.add(0, server);
      LOG.info("embedded postgres started [data: {}, url: {}]", settings.dataDir().resolve("pg").toAbsolutePath().normalize(), server.url());
      return server.url();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("DATABASE_URL", "not set, and the embedded Postgres under " + settings.dataDir().resolve("pg") + " did not start: " + e.getMessage());
    }
  }

  private RedisUrl startEmbeddedRedis() {
    try {
      EmbeddedRedisServer server = EmbeddedRedisServer.start(settings.dataDir().resolve("redis"), settings.embeddedRedisPort());
      embeddedStores.add(0, server);
      LOG.info("embedded redis started [data: {}, url: {}]", settings.dataDir().resolve("redis").toAbsolutePath().normalize(), server.url());
      return server.url();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("REDIS_URL", "not set, and the embedded Redis under " + settings.dataDir().resolve("redis") + " did not start: " + e.getMessage());
    }
  }

  private RuntimeException bindFailure(Exception e) {
    if (addressInUse(e)) {
      return new ConfigException("HTTP_PORT", "port " + httpPort + " on " + settings.httpHost() + " is already in use");
    }
    return new IllegalStateException("the HTTP edge did not deploy", e);
  }

  private static boolean addressInUse(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** Stops in order within SHUTDOWN_TIMEOUT_S; safe to call more than once. */
  public synchronized void stop() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.shutdownTimeoutSeconds());
    if (vertx != null) {
      Vertx closing = vertx;
      vertx = null;
      LOG.info("stopping: no new HTTP requests");
      if (apiDeployment != null) {
        awaitQuietly(closing.undeploy(apiDeployment), deadline);
      }
      if (viewers != null) {
        viewers.close();
      }
      // The rest in reverse order, each draining its work: the producers stop before PersistVerticle.
      for (String deployment : deployments) {
        awaitQuietly(closing.undeploy(deployment), deadline);
      }
      deployments.clear();
      awaitQuietly(closing.close(), deadline);
    }
    for (AutoCloseable store : embeddedStores) {
      try {
        store.close();
      } catch (Exception e) {
        LOG.warn("embedded store did not stop cleanly [store: {}, error: {}]", store.getClass().getSimpleName(), e.getMessage());
      }
    }
    embeddedStores.clear();
    LOG.info("stopped");
  }

  private static void awaitQuietly(Future<?> future, long deadlineNanos) {
    try {
      future.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown step did not finish in time: {}", e.getMessage());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new ConfigException("HTTP_PORT", "0 asks for any free port, and none could be found: " + e.getMessage());
    }
  }

  /** The UI's address with its token, as printed at start. */
  public String uiUrl() {
    return uiUrl;
  }

  /** The running Vert.x instance, for embedding (the demo) and tests. */
  public Vertx vertx() {
    return vertx;
  }

  public int httpPort() {
    return httpPort;
  }

  public Settings settings() {
    return settings;
  }
}
