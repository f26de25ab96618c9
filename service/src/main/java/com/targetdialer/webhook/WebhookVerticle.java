package com.targetdialer.webhook;

import com.targetdialer.bus.Addresses;
import com.targetdialer.cluster.Membership;
import com.targetdialer.config.Settings;
import com.targetdialer.store.Backends;
import com.targetdialer.vexa.VexaClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/**
 * Everything that arrives from Vexa: the webhook inbox (a Redis consumer group) and the live
 * {@code /ws} transcript stream. Both become the same internal messages to PersistVerticle.
 */
public final class WebhookVerticle extends VerticleBase {

  private final Settings settings;
  private final Backends backends;
  private Pool pg;
  private Redis redis;
  private VexaClient vexa;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  /** How long a stop waits for inbox rounds already read to be applied and acknowledged. */
  private static final long INBOX_GRACE_MS = 3_000;

  private InboxConsumer inbox;
  private LiveStream live;
  private long resyncTimer = -1;

  private final Membership membership;
  private final Clock clock;

  public WebhookVerticle(Settings settings, Backends backends, Membership membership, Clock clock) {
    this.clock = clock;
    this.settings = settings;
    this.backends = backends;
    this.membership = membership;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    redis = backends.redisClient(vertx);
    vexa = settings.vexa().configured() ? new VexaClient(vertx, settings.vexa()) : null;
    Backfill backfill = new Backfill(vertx, pg, vexa);
    vertx.eventBus().<JsonObject>localConsumer(Addresses.BOT_SESSION_ENDED, message -> backfill.meeting(message.body().getLong("meeting_id")));
    SegmentBatcher segmentsOut = new SegmentBatcher(context, vertx.eventBus());
    inbox = new InboxConsumer(vertx, new Inbox(redis, backends.redisKeyPrefix()), pg, settings, membership.nodeId(), segmentsOut);
    if (vexa != null) {
      // A lease outlives a few missed renewals; a dead node's meetings move within ttl + one resync.
      double leaseTtl = Math.max(15, 4.0 * settings.liveResyncIntervalSeconds());
      live = new LiveStream(vertx, pg, settings.vexa(), vexa, new LiveLeases(pg, membership.nodeId(), leaseTtl), membership::size,
          new StreamOutages(pg, clock), segmentsOut);
      live.start();
      resyncTimer = vertx.setPeriodic(settings.liveResyncIntervalSeconds() * 1000L, id -> live.resync()
          .onFailure(e -> LOG.warn("live stream resync failed, next in {} s [error: {}]", settings.liveResyncIntervalSeconds(), e.getMessage())));
    }
    vertx.eventBus().<JsonObject>consumer(Addresses.BOT_STARTED, message -> {
      JsonObject bot = message.body();
      inbox.botStarted(bot.getLong("meeting_id"), bot.getLong("vexa_meeting_id"), bot.getString("session_uid"));
      if (live != null) {
        live.started(new LiveStream.Followed(bot.getLong("meeting_id"), bot.getLong("vexa_meeting_id"), bot.getString("session_uid"),
            bot.getString("platform"), bot.getString("native_meeting_id")));
      }
    });
    if (!settings.inboxApply()) {
      LOG.warn("INBOX_APPLY is false: webhooks are accepted into the inbox but not applied on this node");
      return Future.succeededFuture();
    }
    return inbox.start();
  }

  @Override
  public Future<?> stop() {
    // PersistVerticle stops after this one: the rounds in flight can still be written.
    Future<Void> inboxStopped = inbox.stop(INBOX_GRACE_MS);
    vertx.cancelTimer(resyncTimer);
    Future<Void> liveStopped = live == null ? Future.succeededFuture() : live.stop();
    if (vexa != null) {
      vexa.close();
    }
    return Future.join(inboxStopped, liveStopped).eventually(() -> Future.join(pg.close(), redis.close()));
  }
}
