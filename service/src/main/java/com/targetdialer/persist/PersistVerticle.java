package com.targetdialer.persist;

import com.targetdialer.bus.Failures;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.bus.SegmentBatch;
import com.targetdialer.bus.DeadLetter;
import com.targetdialer.bus.BotStatusChange;
import com.targetdialer.bus.Addresses;
import com.targetdialer.bus.LocalJson;
import com.targetdialer.store.Backends;
import com.targetdialer.store.MeetingEvents;
import com.targetdialer.vexa.VexaSegments;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every transcript and bot-status write. Live segments go through {@link SegmentWriter} (merged
 * statements, several meetings' in flight at once); a finished session's final transcript is merged
 * on its own. Each accepted change is published on {@code transcript.live.<meetingId>}. Bot status
 * changes go through {@link StatusWriter}, one transaction per message (one change, or a batch).
 */
public final class PersistVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PersistVerticle.class);

  /** Event ids deleted per statement when pruning, so no statement holds many locks for long. */
  private static final int PRUNE_CHUNK = 10_000;
  private static final long PRUNE_EVERY_MS = 3_600_000;

  private final Backends backends;
  private final MeterRegistry metrics;
  private final int eventIdRetentionHours;
  private Pool pg;
  private StatusWriter statuses;
  private DeadLetters deadLetters;
  private SegmentWriter segments;
  private long pruneTimer = -1;

  /** @param eventIdRetentionHours how long webhook event ids are kept for deduplication (EVENT_ID_RETENTION_H) */
  public PersistVerticle(Backends backends, MeterRegistry metrics, int eventIdRetentionHours) {
    this.backends = backends;
    this.metrics = metrics;
    this.eventIdRetentionHours = eventIdRetentionHours;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    statuses = new StatusWriter(pg);
    deadLetters = new DeadLetters(pg, metrics);
    // Half the pool's connections are the live merges' own: status writes, the ledger and the read API share the rest.
    segments = new SegmentWriter(pg, Math.max(1, backends.poolSize() / 2), metrics, this::publishChanges);
    LocalJson.register(vertx.eventBus()); // its replies use it, also when deployed on its own
    pruneEventIds();
    pruneTimer = vertx.setPeriodic(PRUNE_EVERY_MS, id -> pruneEventIds());
    return Future.all(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PERSIST_SEGMENTS, this::onSegments).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PERSIST_STATUS, this::onStatus).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PERSIST_STATUSES, this::onStatuses).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PERSIST_DEAD_LETTER, this::onDeadLetter).completion());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pruneTimer);
    return segments.close().eventually(pg::close);
  }

  // --- event ids --------------------------------------------------------------------------------

  /** Forgets webhook event ids past their retention, a chunk at a time (every node may do it: deleting twice is harmless). */
  private void pruneEventIds() {
    pruneChunk(0);
  }

  private void pruneChunk(long deletedSoFar) {
    pg.preparedQuery(PersistSql.FORGET_OLD_EVENTS).execute(Tuple.of(eventIdRetentionHours, PRUNE_CHUNK)).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("pruning old webhook event ids failed, next try in an hour [error: {}]", result.cause().getMessage());
      } else if (result.result().rowCount() == PRUNE_CHUNK) {
        pruneChunk(deletedSoFar + PRUNE_CHUNK);
      } else if (deletedSoFar + result.result().rowCount() > 0) {
        LOG.info("old webhook event ids forgotten [count: {}, older than: {} h]", deletedSoFar + result.result().rowCount(), eventIdRetentionHours);
      }
    });
  }

  // --- segments ---------------------------------------------------------------------------------

  private void onSegments(Message<JsonObject> message) {
    SegmentBatch batch = read(message, SegmentBatch::fromJson);
    if (batch == null) {
      return;
    }
    Future<Integer> changed = batch.finalSession() != null ? mergeFinal(batch) : segments.write(batch);
    changed.onComplete(done -> reply(message, done.map(count -> new JsonObject().put("changed", count))));
  }

  /** Publishes each merged row to its meeting's live transcript, and the meetings' new segment counts. */
  private void publishChanges(List<Row> changed) {
    Map<Long, Integer> counts = new HashMap<>();
    for (Row row : changed) {
      long meetingId = row.getLong(SegmentRows.MEETING_ID);
      Integer count = row.getInteger(SegmentRows.MEETING_SEGMENT_COUNT);
      if (count != null) {
        counts.put(meetingId, count);
      }
      vertx.eventBus().publish(Addresses.transcriptLive(meetingId), SegmentRows.toJson(row));
    }
    counts.forEach((meetingId, count) ->
        MeetingUpdate.segmentCount(meetingId, count).publish(vertx.eventBus()));
  }

  /**
   * A bot session's final transcript (after {@code meeting.completed}): merge it, retract that
   * session's drafts the final transcript does not hold, and record what the backfill changed.
   */
  private Future<Integer> mergeFinal(SegmentBatch batch) {
    long meetingId = batch.meetingId();
    SegmentBatch.FinalSession session = batch.finalSession();
    JsonArray segments = batch.segments().copy();
    String[] finalKeys = SegmentRows.keysOf(segments).stream().map(String::valueOf).toArray(String[]::new);
    return pg.preparedQuery(PersistSql.RETRACT_STALE_DRAFTS)
        .execute(Tuple.of(meetingId, session.sessionUid()).addValue(finalKeys))
        .compose(stale -> {
          stale.forEach(row -> segments.add(VexaSegments.retraction(row.getString("segment_key"), session.sessionUid())));
          SegmentRows rows = new SegmentRows(segments.size());
          segments.forEach(segment -> rows.add(meetingId, (JsonObject) segment));
          return rows.size() == 0 ? Future.succeededFuture(0)
              : pg.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(false)).map(result -> {
                MergedRows merged = MergedRows.of(result);
                if (!merged.goneMeetings().isEmpty()) {
                  throw new MergedRows.MeetingGone(meetingId);
                }
                publishChanges(merged.changed());
                return merged.changed().size();
              });
        })
        .compose(changed -> pg.preparedQuery(PersistSql.MARK_BACKFILLED).execute(Tuple.of(session.sessionId(), changed))
            .compose(ignored -> MeetingEvents.append(pg, meetingId, "transcript_backfilled", MeetingEvents.INFO,
                new JsonObject().put("session_id", session.sessionId()).put("final_segments", finalKeys.length).put("changed", changed)))
            .map(changed));
  }

  // --- bot status -------------------------------------------------------------------------------

  /** One change: the reply is its outcome, as for a batch ({@code applied}, {@code duplicate} or {@code unknown_bot}). */
  private void onStatus(Message<JsonObject> message) {
    BotStatusChange change = read(message, BotStatusChange::fromJson);
    if (change == null) {
      return;
    }
    statuses.apply(List.of(change)).onComplete(result -> {
      if (result.failed()) {
        reply(message, result.map((JsonObject) null));
        return;
      }
      JsonObject outcome = result.result().get(0);
      announce(outcome);
      message.reply(outcome);
    });
  }

  /** Several changes in one transaction: {@code {"changes": [...]}} answered by {@code {"outcomes": [...]}}, in order. */
  private void onStatuses(Message<JsonObject> message) {
    JsonArray given = message.body().getJsonArray("changes");
    if (given == null) {
      message.fail(Failures.BAD_REQUEST, "persist.statuses needs changes");
      return;
    }
    List<BotStatusChange> changes = new ArrayList<>();
    JsonObject[] outcomes = new JsonObject[given.size()];
    for (int i = 0; i < given.size(); i++) {
      try {
        changes.add(BotStatusChange.fromJson(given.getJsonObject(i)));
      } catch (IllegalArgumentException | ClassCastException e) {
        outcomes[i] = new JsonObject().put("applied", false).put("error", e.getMessage());
      }
    }
    statuses.apply(changes).onComplete(result -> {
      if (result.failed()) {
        reply(message, result.map((JsonObject) null));
        return;
      }
      Iterator<JsonObject> applied = result.result().iterator();
      for (int i = 0; i < outcomes.length; i++) {
        if (outcomes[i] == null) {
          outcomes[i] = applied.next();
          announce(outcomes[i]);
        }
      }
      message.reply(new JsonObject().put("outcomes", new JsonArray(List.of((Object[]) outcomes))), LocalJson.noCopy());
    });
  }

  private void announce(JsonObject outcome) {
    if (outcome.containsKey("meeting")) {
      vertx.eventBus().publish(Addresses.MEETINGS_UPDATES, outcome.getJsonObject("meeting")); // a MeetingUpdate's JSON
    }
    if (outcome.getBoolean("applied", false) && outcome.getBoolean("terminal", false)) {
      vertx.eventBus().send(Addresses.BOT_SESSION_ENDED, new JsonObject().put("meeting_id", outcome.getLong("meeting_id")));
    }
  }


  // --- dead letters -----------------------------------------------------------------------------

  private void onDeadLetter(Message<JsonObject> message) {
    DeadLetter letter = read(message, DeadLetter::fromJson);
    if (letter == null) {
      return;
    }
    deadLetters.keep(letter).onComplete(result -> reply(message, result.map(new JsonObject().put("kept", true))));
  }

  /** The request's body as its typed message, or null once the request is failed with 400 for what is wrong with it. */
  private static <T> T read(Message<JsonObject> message, Function<JsonObject, T> fromJson) {
    try {
      return fromJson.apply(message.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      message.fail(Failures.BAD_REQUEST, e.getMessage());
      return null;
    }
  }

  private static void reply(Message<JsonObject> message, io.vertx.core.AsyncResult<JsonObject> result) {
    if (result.succeeded()) {
      message.reply(result.result());
    } else {
      LOG.warn("persist failed [address: {}, error: {}]", message.address(), result.cause().getMessage());
      message.fail(result.cause() instanceof MergedRows.MeetingGone ? Failures.NOT_FOUND : Failures.INTERNAL,
          String.valueOf(result.cause().getMessage()));
    }
  }
}
