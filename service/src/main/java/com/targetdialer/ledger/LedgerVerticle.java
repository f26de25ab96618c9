package com.targetdialer.ledger;

import com.targetdialer.bus.Addresses;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.config.LedgerSettings;
import com.targetdialer.config.Settings;
import com.targetdialer.dispatch.StartReason;
import com.targetdialer.events.EventTypes;
import com.targetdialer.events.Outbox;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.meeting.LobbyRetry;
import com.targetdialer.store.Backends;
import com.targetdialer.store.MeetingEvents;
import com.targetdialer.store.SoleRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The capture ledger: judges every meeting's outcome and coverage (CaptureJudge) and keeps the verdict
 * on its row. It judges a meeting when its bot reaches a final status (every node hears that on
 * {@code meetings.updates}; the write is idempotent) and, every LEDGER_SWEEP_INTERVAL_S, every meeting
 * under way or changed since it was last judged: that brings running meetings' coverage up to date and
 * catches what a message missed, including meetings the dispatch scheduler marked missed after a
 * restart. A first decision is appended to the meeting's event log, counted on /metrics and published.
 */
public final class LedgerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerticle.class);
  private static final int SWEEP_BATCH = 500;
  /**
   * How long a finished bot's meeting waits, before it is judged without them, for Vexa's reason (the
   * webhook after the live stream's bare status) and for its final transcript (the backfill).
   */
  private static final Duration REASON_GRACE = Duration.ofSeconds(60);

  private final LedgerSettings settings;
  private final LobbyRetry lobbyRetry;
  private final Duration knockPatience;
  private final Backends backends;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final String publicUrl;
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
  private final Map<GapCause, Counter> gapSeconds = new EnumMap<>(GapCause.class);
  private DistributionSummary coverage;
  private Pool pg;
  private long periodic = -1;
  private SoleRunner sweeps;

  public LedgerVerticle(Settings settings, Backends backends, MeterRegistry metrics, Clock clock) {
    this.settings = settings.ledger();
    this.lobbyRetry = new LobbyRetry(settings.lobby());
    this.knockPatience = lobbyRetry.patience(settings.health().sweepIntervalSeconds());
    this.backends = backends;
    this.metrics = metrics;
    this.clock = clock;
    this.publicUrl = settings.apiUrl() != null ? settings.apiUrl() : settings.publicApiUrl();
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    sweeps = new SoleRunner(pg, "td.ledger.sweep");
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, Counter.builder("td.meeting.outcomes").tag("outcome", outcome.value())
          .description("Meetings decided, by outcome").register(metrics));
    }
    for (GapCause cause : GapCause.values()) {
      gapSeconds.put(cause, Counter.builder("td.capture.gap.seconds").tag("cause", cause.value())
          .description("Time of decided meetings that no bot heard, by cause").register(metrics));
    }
    coverage = DistributionSummary.builder("td.meeting.coverage.ratio").description("Share of each decided meeting a bot heard")
        .serviceLevelObjectives(0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0).register(metrics);
    periodic = vertx.setPeriodic(settings.sweepIntervalSeconds() * 1000L, id -> sweep());
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.MEETINGS_UPDATES, message -> {
      JsonObject update = message.body();
      String status = update.getString("bot_status");
      if (status != null && !update.containsKey("type") && BotStatus.of(status).terminal()) {
        judge(List.of(update.getLong("id"))).onFailure(e -> LOG.warn("judging a finished meeting failed, the sweep will [meeting: {}, error: {}]",
            update.getLong("id"), e.getMessage()));
      }
    }).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(periodic);
    return pg.close();
  }

  private void sweep() {
    sweeps.run(() -> pg.preparedQuery(LedgerSql.DUE).execute(Tuple.of(SWEEP_BATCH)).compose(due -> {
          List<Long> ids = new ArrayList<>();
          due.forEach(row -> ids.add(row.getLong("id")));
          return judge(ids);
        }))
        .onFailure(e -> LOG.warn("ledger sweep failed [error: {}]", e.getMessage()));
  }

  /** Judges the meetings one after another; one's failure does not stop the others. */
  Future<Void> judge(List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] array = ids.toArray(Long[]::new);
    return pg.preparedQuery(LedgerSql.FACTS).execute(Tuple.tuple().addValue(array))
        .compose(meetings -> {
          Map<Long, OffsetDateTime> readAt = new HashMap<>();
          meetings.forEach(row -> readAt.put(row.getLong("id"), row.getOffsetDateTime("updated_at")));
          return pg.preparedQuery(LedgerSql.SESSIONS).execute(Tuple.tuple().addValue(array))
              .map(sessions -> judge(facts(meetings, sessions, clock.instant()), readAt));
        })
        .compose(chain -> chain);
  }

  private Future<Void> judge(List<CaptureFacts> facts, Map<Long, OffsetDateTime> readAt) {
    Instant now = clock.instant();
    Future<Void> chain = Future.succeededFuture();
    for (CaptureFacts meeting : facts) {
      Assessment verdict = CaptureJudge.assess(meeting, now, settings.captureMinCoverage());
      chain = chain.compose(ignored -> write(meeting.meetingId(), verdict, readAt.get(meeting.meetingId())).recover(e -> {
        LOG.warn("writing a meeting's outcome failed [meeting: {}, error: {}]", meeting.meetingId(), e.getMessage());
        return Future.succeededFuture();
      }));
    }
    return chain;
  }

  private Future<Void> write(long meetingId, Assessment verdict, OffsetDateTime factsAt) {
    JsonObject json = verdict.toJson();
    return pg.withTransaction(connection -> connection.preparedQuery(LedgerSql.WRITE)
            .execute(Tuple.tuple().addValue(meetingId).addValue(verdict.outcome().value()).addValue(verdict.reason())
                .addValue(verdict.coverageRatio()).addValue(verdict.gapsJson()).addValue(offset(verdict.coverageFrom()))
                .addValue(offset(verdict.coverageTo())).addValue(factsAt))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture((Row) null);
              }
              Row old = rows.iterator().next();
              String oldOutcome = old.getString("old_outcome");
              boolean decided = verdict.outcome() != Outcome.PENDING && !verdict.outcome().value().equals(oldOutcome);
              if (!decided) {
                return Future.succeededFuture(old);
              }
              // The first decision waited (REASON_GRACE) for every bot's final transcript: from here it is final.
              boolean first = Outcome.of(oldOutcome) == Outcome.PENDING;
              return MeetingEvents.append(connection, meetingId, "outcome", MeetingEvents.INFO, json.copy().put("message", verdict.reason()))
                  .compose(ignored -> Outbox.append(connection, EventTypes.MEETING_OUTCOME, meetingId, outcomeEvent(json, oldOutcome)))
                  .compose(ignored -> first ? Outbox.transcriptFinal(connection, meetingId, transcriptUrl(meetingId)) : Future.succeededFuture())
                  .map(old);
            }))
        .map(old -> {
          if (old != null) {
            published(meetingId, verdict, json, old);
          }
          return null;
        });
  }

  private void published(long meetingId, Assessment verdict, JsonObject json, Row old) {
    Outcome was = Outcome.of(old.getString("old_outcome"));
    boolean changed = verdict.outcome() != was || !Objects.equals(verdict.coverageRatio(), old.getDouble("old_coverage"))
        || !verdict.gapsJson().equals(gaps(old.getValue("old_gaps")));
    if (!changed) {
      return;
    }
    if (was == Outcome.PENDING && verdict.outcome() != Outcome.PENDING) {
      // Counted when first decided: a later change (a backfill, a rescheduled event) is in the row, not counted twice.
      outcomes.get(verdict.outcome()).increment();
      if (verdict.outcome().shouldRecord() && verdict.coverageRatio() != null) {
        coverage.record(verdict.coverageRatio());
      }
      verdict.gaps().forEach(gap -> gapSeconds.get(gap.cause()).increment(gap.length().toMillis() / 1000.0));
      LOG.info("meeting outcome [meeting: {}, outcome: {}, coverage: {}, reason: {}]", meetingId, verdict.outcome(),
          verdict.coverageRatio(), verdict.reason());
    }
    MeetingUpdate.capture(meetingId, json).publish(vertx.eventBus());
  }

  /** {@code meeting.outcome}'s data: the verdict with its reason under the contract's name, and what it was before. */
  private static JsonObject outcomeEvent(JsonObject verdict, String previous) {
    JsonObject data = verdict.copy().put("reason", verdict.getString("outcome_reason")).put("previous_outcome", previous);
    data.remove("outcome_reason");
    return data;
  }

  /** The transcript's address for a receiver: absolute when API_URL or PUBLIC_API_URL says where the service is. */
  private String transcriptUrl(long meetingId) {
    return (publicUrl == null ? "" : publicUrl) + "/api/meetings/" + meetingId + "/transcript";
  }

  private static JsonArray gaps(Object stored) {
    return stored instanceof JsonArray array ? array : new JsonArray();
  }

  private List<CaptureFacts> facts(Iterable<Row> meetings, Iterable<Row> sessionRows, Instant now) {
    Map<Long, List<CaptureFacts.Session>> sessions = new LinkedHashMap<>();
    Map<Long, Integer> reKnocks = new HashMap<>();
    for (Row row : sessionRows) {
      if (StartReason.RE_KNOCK.equals(row.getString("start_reason"))) {
        reKnocks.merge(row.getLong("meeting_id"), 1, Integer::sum);
      }
      sessions.computeIfAbsent(row.getLong("meeting_id"), id -> new ArrayList<>()).add(new CaptureFacts.Session(
          row.getInteger("attempt"), BotStatus.of(row.getString("status")), instant(row, "active_at"), instant(row, "ended_at"),
          row.getString("end_reason"), row.getString("completion_reason"), row.getString("failure_stage"),
          instant(row, "last_heard"), row.getBoolean("deaf"), row.getBoolean("transcribed")));
    }
    List<CaptureFacts> facts = new ArrayList<>();
    for (Row row : meetings) {
      long id = row.getLong("id");
      BotStatus status = BotStatus.of(row.getString("bot_status"));
      List<CaptureFacts.Session> its = sessions.getOrDefault(id, List.of());
      facts.add(new CaptureFacts(id, "calendar".equals(row.getString("source")), status,
          instant(row, "scheduled_start"), instant(row, "scheduled_end"), instant(row, "meeting_ended_at"),
          row.getString("failure_reason"), row.getInteger("segment_count"), row.getBoolean("ever_in_lobby"),
          row.getString("transcription"), its, outages(row.getValue("stream_down")),
          status.terminal() && status != BotStatus.CANCELLED ? waitUntil(its, instant(row, "scheduled_end"), reKnocks.getOrDefault(id, 0), now) : null));
    }
    return facts;
  }

  /**
   * Until when the finished meeting is not judged: its last bot's final transcript or Vexa's reason is still
   * due (at most REASON_GRACE), or the health sweep will knock again at the lobby it was turned away from; null
   * when nothing is awaited (or no longer hoped for).
   */
  private Instant waitUntil(List<CaptureFacts.Session> sessions, Instant scheduledEnd, int reKnocks, Instant now) {
    if (sessions.isEmpty()) {
      return null;
    }
    CaptureFacts.Session last = sessions.get(sessions.size() - 1);
    boolean reasonDue = last.completionReason() == null && last.failureStage() == null;
    if ((reasonDue || !last.transcribed()) && last.endedAt() != null && now.isBefore(last.endedAt().plus(REASON_GRACE))) {
      return last.endedAt().plus(REASON_GRACE);
    }
    boolean admitted = sessions.stream().anyMatch(session -> session.activeAt() != null);
    Instant knock = lobbyRetry.nextKnock(last.completionReason(), last.failureStage(), admitted, last.endedAt(), scheduledEnd, reKnocks);
    return knock != null && now.isBefore(knock.plus(knockPatience)) ? knock : null;
  }

  private static List<CaptureFacts.Outage> outages(Object stored) {
    List<CaptureFacts.Outage> outages = new ArrayList<>();
    if (stored instanceof JsonArray array) {
      for (Object item : array) {
        JsonObject outage = (JsonObject) item;
        String to = outage.getString("to");
        outages.add(new CaptureFacts.Outage(OffsetDateTime.parse(outage.getString("from")).toInstant(),
            to == null ? null : OffsetDateTime.parse(to).toInstant()));
      }
    }
    return outages;
  }

  private static OffsetDateTime offset(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
