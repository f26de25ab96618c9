package com.targetdialer.events;

import com.targetdialer.config.EventsSettings;
import com.targetdialer.store.Backends;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Outbound events: every EVENT_POLL_MS it numbers the newly committed events ({@link Sequencer}), moves
 * idle subscriptions past events not of their types, and leases the subscriptions with an event due, each delivered by its own {@link SubscriberRun}. Leases
 * make each subscription delivered by one node of a cluster at a time; a node that dies lets its
 * leases run out and another carries on from the last accepted seq. It also prunes events past
 * EVENT_RETENTION_DAYS and keeps the delivery-lag gauges current.
 */
public final class DeliveryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  private static final long LAG_INTERVAL_MS = 5_000;
  private static final long PRUNE_INTERVAL_MS = 3_600_000;

  private final EventsSettings settings;
  private final Backends backends;
  private final MeterRegistry metrics;
  /** Written here, read by the /metrics scrape on another thread. */
  private final Map<String, Double> lags = new ConcurrentHashMap<>();
  private final Map<String, Gauge> lagGauges = new HashMap<>();
  private Pool pg;
  private WebClient web;
  private Sequencer sequencer;
  private DeliveryContext context;
  private boolean polling;
  private boolean measuring;
  private final Set<Long> timers = new HashSet<>();
  /** Subscriptions this node is delivering now: not leased again until their run ends (a slow one whose lease ran out, one replayed). */
  private final Set<String> running = new HashSet<>();

  public DeliveryVerticle(EventsSettings settings, Backends backends, MeterRegistry metrics) {
    this.settings = settings;
    this.backends = backends;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(settings.deliveryTimeoutMs()).setFollowRedirects(false));
    sequencer = new Sequencer(pg);
    context = new DeliveryContext("node-" + UUID.randomUUID(), settings, metrics);
    timers.add(vertx.setPeriodic(settings.pollMs(), id -> poll()));
    timers.add(vertx.setPeriodic(LAG_INTERVAL_MS, id -> measureLag()));
    timers.add(vertx.setPeriodic(1, PRUNE_INTERVAL_MS, id -> prune()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    web.close();
    // Leases handed back, so another node (or the next start) carries on at once.
    return pg.preparedQuery(EventsSql.RELEASE_ALL).execute(Tuple.of(context.node())).<Void>mapEmpty().recover(e -> Future.succeededFuture()).eventually(pg::close);
  }

  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    sequencer.run()
        .compose(ignored -> pg.query(EventsSql.SKIP_AHEAD).execute())
        .compose(ignored -> pg.preparedQuery(EventsSql.CLAIM).execute(Tuple.tuple().addValue(context.node()).addValue(context.leaseMs())
            .addValue(running.toArray(String[]::new))))
        .onSuccess(claimed -> {
          for (Row subscription : claimed) {
            String id = subscription.getString("id");
            running.add(id);
            new SubscriberRun(pg, web, context, subscription).run().onComplete(done -> running.remove(id));
          }
        })
        .onFailure(e -> LOG.warn("event poll failed [error: {}]", e.getMessage()))
        .onComplete(done -> polling = false);
  }

  private void prune() {
    pg.preparedQuery(EventsSql.PRUNE).execute(Tuple.of(settings.retentionDays()))
        .onSuccess(rows -> {
          if (rows.rowCount() > 0) {
            LOG.info("outbound events pruned [count: {}, older than days: {}]", rows.rowCount(), settings.retentionDays());
          }
        })
        .onFailure(e -> LOG.warn("pruning outbound events failed [error: {}]", e.getMessage()));
  }

  /** td.events.delivery.lag.seconds per subscription: the age of its oldest undelivered event. */
  private void measureLag() {
    if (measuring) {
      return;
    }
    measuring = true;
    pg.query(EventsSql.LAG).execute().onSuccess(rows -> {
      Set<String> seen = new HashSet<>();
      for (Row row : rows) {
        String id = row.getString("id");
        seen.add(id);
        lags.put(id, row.getDouble("lag"));
        lagGauges.computeIfAbsent(id, key -> Gauge.builder("td.events.delivery.lag.seconds", lags, values -> values.getOrDefault(key, 0.0))
            .tag("subscription", key).description("Age of the oldest event not yet accepted by the subscriber").register(metrics));
      }
      lagGauges.keySet().removeIf(id -> {
        if (seen.contains(id)) {
          return false;
        }
        // A deleted subscription's meters go with it, so /metrics does not grow with every one ever made.
        metrics.remove(lagGauges.get(id));
        DeliveryContext.COUNTERS.forEach(name -> metrics.find(name).tag("subscription", id).meters().forEach(metrics::remove));
        lags.remove(id);
        return true;
      });
    }).onFailure(e -> LOG.warn("measuring event delivery lag failed [error: {}]", e.getMessage()))
        .onComplete(done -> measuring = false);
  }
}
