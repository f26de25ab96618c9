package com.targetdialer.health;

import com.targetdialer.bus.ReplyTimeouts;
import com.targetdialer.bus.SegmentBatch;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.Addresses;
import com.targetdialer.config.Settings;
import com.targetdialer.bus.BotStatusChange;
import com.targetdialer.store.Backends;
import com.targetdialer.store.MeetingEvents;
import com.targetdialer.store.SoleRunner;
import com.targetdialer.vexa.VexaBot;
import com.targetdialer.vexa.VexaClient;
import com.targetdialer.vexa.VexaSegments;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The periodic sweep: deaf bots (active, no segment for DEAF_TIMEOUT_S) are restarted at most
 * MAX_BOT_RESTARTS times, then failed; bots stuck joining or in the lobby are reported; our view is
 * reconciled with Vexa's own, so missed webhooks are repaired. Holds no state between sweeps: all
 * of it is in Postgres, and each change is a conditional claim, so a sweep that dies halfway
 * leaves nothing inconsistent and two nodes never act twice.
 */
public final class HealthVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HealthVerticle.class);

  private final Settings settings;
  private final Backends backends;
  private final MeterRegistry metrics;
  private final Clock clock;
  private Pool pg;
  private VexaClient vexa;
  private Alerts alerts;
  private DeliveryOptions dispatchDelivery;
  private Timer sweepTimer;
  private long periodic = -1;
  private SoleRunner sweeps;
  private LobbyRescue lobby;

  public HealthVerticle(Settings settings, Backends backends, MeterRegistry metrics, Clock clock) {
    this.settings = settings;
    this.backends = backends;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    sweeps = new SoleRunner(pg, "td.health.sweep");
    alerts = new Alerts(vertx, pg, settings.health(), clock);
    sweepTimer = Timer.builder("td.health.sweep").description("Duration of one health sweep").register(metrics);
    dispatchDelivery = ReplyTimeouts.restart(settings);
    if (!settings.vexa().configured()) {
      LOG.warn("VEXA_API_URL or VEXA_API_KEY not set: the health sweep is off");
      return Future.succeededFuture();
    }
    vexa = new VexaClient(vertx, settings.vexa());
    lobby = new LobbyRescue(vertx, pg, settings, clock, alerts, dispatchDelivery);
    periodic = vertx.setPeriodic(settings.health().sweepIntervalSeconds() * 1000L, id -> sweep());
    // A bot turned away at the door gets its next knock on time, not a sweep later.
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.MEETINGS_UPDATES, message -> {
      if (BotStatus.FAILED.value().equals(message.body().getString("bot_status")) && !message.body().containsKey("type")) {
        lobby.failed(message.body().getLong("id"));
      }
    }).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(periodic);
    alerts.close();
    if (vexa != null) {
      vexa.close();
    }
    return pg.close();
  }

  /** One sweep, on one node at a time (a node that finds another holding the lock counts one too). */
  private Future<Void> sweep() {
    if (sweeps.busy()) {
      return Future.succeededFuture();
    }
    Timer.Sample sample = Timer.start(metrics);
    return sweeps.run(this::runSweep)
        .onFailure(e -> LOG.warn("health sweep failed [error: {}]", e.getMessage()))
        .onComplete(done -> sample.stop(sweepTimer))
        .mapEmpty();
  }

  private Future<Void> runSweep() {
    return reconcile()
        .compose(ignored -> deafBots())
        .compose(ignored -> stuckBots())
        .compose(ignored -> lobby.nudges())
        .compose(ignored -> lobby.reKnocks(null))
        .compose(ignored -> stalledRestarts())
        .compose(ignored -> missedBackfills());
  }

  // --- deaf bots --------------------------------------------------------------------------------

  private Future<Void> deafBots() {
    return pg.preparedQuery(HealthSql.SILENT_BOTS).execute(Tuple.of((double) settings.health().deafTimeoutSeconds(), now()))
        .compose(rows -> each(rows, this::deafBot));
  }

  private Future<Void> deafBot(Row meeting) {
    long meetingId = meeting.getLong("id");
    long vexaId = meeting.getLong("vexa_meeting_id");
    // Before acting, ask Vexa: a bot it already reports finished is reconciled, not restarted, and
    // a bot whose transcript holds what we never received is heard fine: our stream missed it.
    return vexa.meeting(vexaId).compose(bot -> {
      if (bot.finished()) {
        return applyVexaStatus(bot, "reconcile");
      }
      return missedSegments(meeting).compose(missed -> missed.isEmpty() ? actOnDeafBot(meeting) : fillIn(meeting, missed));
    });
  }

  private Future<JsonArray> missedSegments(Row meeting) {
    return vexa.transcript(meeting.getLong("vexa_meeting_id"), meeting.getString("platform"), meeting.getString("native_meeting_id"))
        .compose(raw -> {
          // Segments that cannot be keyed are kept as dead letters by the backfill, once, at the session's end.
          JsonArray segments = VexaSegments.normalizeAll(raw, meeting.getString("session_uid"), null, true).segments();
          String[] keys = segments.stream().map(segment -> ((JsonObject) segment).getString("segment_key")).toArray(String[]::new);
          return pg.preparedQuery(HealthSql.KNOWN_SEGMENTS).execute(Tuple.of(meeting.getLong("id")).addValue(keys)).map(known -> {
            Set<String> have = new HashSet<>();
            known.forEach(row -> have.add(row.getString("segment_key")));
            JsonArray missed = new JsonArray();
            segments.forEach(segment -> {
              JsonObject s = (JsonObject) segment;
              if (!have.contains(s.getString("segment_key")) && !s.getBoolean("retracted")) {
                missed.add(s);
              }
            });
            return missed;
          });
        });
  }

  private Future<Void> fillIn(Row meeting, JsonArray missed) {
    LOG.warn("bot is not deaf: Vexa holds segments our live stream missed, filling them in [meeting: {}, bot: {}, segments: {}]",
        meeting.getLong("id"), meeting.getLong("vexa_meeting_id"), missed.size());
    return SegmentBatch.live(meeting.getLong("id"), missed).send(vertx.eventBus()).mapEmpty();
  }

  private Future<Void> actOnDeafBot(Row meeting) {
    long meetingId = meeting.getLong("id");
    long vexaId = meeting.getLong("vexa_meeting_id");
    metrics.counter("td.deaf.detections").increment();
    int restarts = meeting.getInteger("restart_count");
    double silentMinutes = Math.round(meeting.getDouble("silent_seconds") / 6.0) / 10.0;
    JsonObject detail = new JsonObject()
        .put("bot", vexaId)
        .put("attempt", meeting.getInteger("attempt"))
        .put("silent_minutes", silentMinutes)
        .put("gap_from", meeting.getOffsetDateTime("silent_since").toInstant().toString())
        .put("restart_count", restarts);
    if (restarts >= settings.health().maxBotRestarts()) {
      return fail(meetingId, detail);
    }
    return alerts.raise(meetingId, MeetingEvents.ALERT, "deaf_bot", "deaf bot, restarting", detail.put("restart", restarts + 1))
        .compose(ignored -> vertx.eventBus().<JsonObject>request(Addresses.DISPATCH_RESTART,
            new JsonObject().put("meeting_id", meetingId).put("restart_count", restarts), dispatchDelivery))
        .onSuccess(reply -> metrics.counter("td.bot.restarts").increment())
        .mapEmpty();
  }

  private Future<Void> fail(long meetingId, JsonObject detail) {
    metrics.counter("td.meeting.failures", "reason", "deaf_bot").increment();
    return vertx.eventBus().<JsonObject>request(Addresses.DISPATCH_STOP,
            new JsonObject().put("meeting_id", meetingId).put("failure_reason", "deaf_bot"), dispatchDelivery)
        .compose(ignored -> alerts.raise(meetingId, MeetingEvents.CRITICAL, "deaf_bot_failed",
            "deaf bot after " + detail.getInteger("restart_count") + " restarts, meeting failed", detail));
  }

  // --- bots stuck before the call ---------------------------------------------------------------

  private Future<Void> stuckBots() {
    return pg.preparedQuery(HealthSql.STUCK)
        .execute(Tuple.of((double) settings.health().joinTimeoutSeconds(), (double) settings.health().lobbyTimeoutSeconds(), now()))
        .compose(rows -> each(rows, meeting -> {
          String kind = meeting.getString("kind");
          String message = kind.equals("stuck_in_lobby") ? "bot waiting in the lobby, nobody admitted it" : "bot has not joined the call";
          return alerts.raise(meeting.getLong("id"), MeetingEvents.ALERT, kind, message, new JsonObject()
              .put("attempt", meeting.getInteger("attempt"))
              .put("bot", meeting.getLong("vexa_meeting_id"))
              .put("bot_status", meeting.getString("bot_status"))
              .put("waiting_minutes", Math.round(meeting.getDouble("stuck_seconds") / 6.0) / 10.0));
        }));
  }

  // --- reconciliation with Vexa -----------------------------------------------------------------

  private Future<Void> reconcile() {
    return vexa.runningBots().compose(running -> {
      Map<Long, VexaBot> byId = running.stream().collect(Collectors.toMap(VexaBot::id, Function.identity(), (a, b) -> b));
      return pg.preparedQuery(HealthSql.IN_FLIGHT).execute(Tuple.of(now())).compose(rows -> each(rows, meeting -> {
        long vexaId = meeting.getLong("vexa_meeting_id");
        VexaBot listed = byId.get(vexaId);
        if (listed != null) {
          // Most listed bots are as we have them: only a difference is worth a status transaction
          // (at thousands of live meetings, one each per sweep would compete with the transcript).
          return listed.ourStatus() == BotStatus.of(meeting.getString("bot_status")) ? Future.succeededFuture()
              : applyVexaStatus(listed, "reconcile");
        }
        // A bot Vexa does not list yet (just dispatched) gets two sweeps before it is looked up.
        if (meeting.getDouble("quiet_seconds") < 2.0 * settings.health().sweepIntervalSeconds()) {
          return Future.succeededFuture();
        }
        // Vexa no longer lists it as running: it ended, and we missed the webhook.
        return vexa.meeting(vexaId).compose(bot -> applyVexaStatus(bot, "reconcile"));
      }));
    });
  }

  private Future<Void> applyVexaStatus(VexaBot bot, String source) {
    BotStatus status = bot.ourStatus();
    if (status == null) {
      return Future.succeededFuture();
    }
    // Vexa's row says when a bot became active and when it ended; other stages only that they are.
    Instant receivedAt = clock.instant();
    Instant producerTime = status == BotStatus.ACTIVE ? bot.startTime() : status.terminal() ? bot.endTime() : null;
    BotStatusChange change = new BotStatusChange(null, "reconcile", null, bot.id(), status, BotStatusChange.happenedAt(producerTime, receivedAt),
        receivedAt, new BotStatusChange.Why(bot.completionReason(), bot.failureStage(), null, bot.transcriptionOutcome()), source);
    return vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUS, change.toJson())
        .onSuccess(reply -> {
          if (reply.body().getBoolean("applied", false)) {
            LOG.info("reconciled bot status with Vexa [meeting: {}, vexa id: {}, status: {}]", reply.body().getLong("meeting_id"), bot.id(), status);
            if (status == BotStatus.FAILED) {
              metrics.counter("td.meeting.failures", "reason", bot.completionReason() == null ? "bot_failed" : bot.completionReason()).increment();
            }
          }
        })
        .mapEmpty();
  }

  // --- unfinished work --------------------------------------------------------------------------

  private Future<Void> stalledRestarts() {
    double stalledAfter = settings.health().restartStopWaitSeconds() + 30.0;
    return pg.preparedQuery(HealthSql.STALLED_RESTARTS).execute(Tuple.of(stalledAfter, now()))
        .compose(rows -> each(rows, meeting -> vertx.eventBus()
            .request(Addresses.DISPATCH_RESTART, new JsonObject().put("meeting_id", meeting.getLong("id")).put("resume", true), dispatchDelivery)
            .mapEmpty()));
  }

  private Future<Void> missedBackfills() {
    return pg.preparedQuery(HealthSql.MISSED_BACKFILLS).execute(Tuple.of(now())).compose(rows -> {
      rows.forEach(row -> vertx.eventBus().send(Addresses.BOT_SESSION_ENDED, new JsonObject().put("meeting_id", row.getLong("meeting_id"))));
      return Future.<Void>succeededFuture();
    });
  }

  /** The sweep's "now": every time rule reads this clock, not the database's. */
  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  /** Runs the action for each row one after another; one meeting's failure does not stop the others. */
  static Future<Void> each(Iterable<Row> rows, Function<Row, Future<?>> action) {
    List<Row> list = new ArrayList<>();
    rows.forEach(list::add);
    Future<Void> chain = Future.succeededFuture();
    for (Row row : list) {
      chain = chain.compose(ignored -> action.apply(row)
          .<Void>mapEmpty()
          .recover(e -> {
            LOG.warn("health action failed [meeting: {}, error: {}]", row.getLong("id"), e.getMessage());
            return Future.succeededFuture();
          }));
    }
    return chain;
  }
}
