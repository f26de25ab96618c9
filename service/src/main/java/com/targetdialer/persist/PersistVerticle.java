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
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every transcript and bot-status write. Segment messages arriving while a write is in flight are
 * merged into the next statement, so batches grow with load and a quiet system still writes at
 * once. Each accepted change is published on {@code transcript.live.<meetingId>}. Bot status
 * changes go through {@link StatusWriter}, one transaction per message (one change, or a batch).
 */
public final class PersistVerticle extends VerticleBase {

  /** Upper bound for one statement; larger backlogs are written in several. */
  static final int MAX_BATCH_SEGMENTS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(PersistVerticle.class);

  /** Event ids deleted per statement when pruning, so no statement holds many locks for long. */
  private static final int PRUNE_CHUNK = 10_000;
  private static final long PRUNE_EVERY_MS = 3_600_000;

  private final Backends backends;
  private final MeterRegistry metrics;
  private final int eventIdRetentionHours;
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private Pool pg;
  private StatusWriter statuses;
  private DeadLetters deadLetters;
  private long pruneTimer;
  private boolean writing;

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
    return pg.close();
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
    if (batch.finalSession() != null) {
      mergeFinal(batch).onComplete(done -> reply(message, done.map(changed -> new JsonObject().put("changed", changed))));
      return;
    }
    waiting.add(new Waiting(message, batch));
    writeWaiting();
  }

  /** A segments request waiting for the next statement. */
  private record Waiting(Message<JsonObject> message, SegmentBatch batch) {
  }

  private void writeWaiting() {
    if (writing || waiting.isEmpty()) {
      return;
    }
    List<Waiting> next = new ArrayList<>();
    int segments = 0;
    while (!waiting.isEmpty() && (next.isEmpty() || segments + waiting.peek().batch().segments().size() <= MAX_BATCH_SEGMENTS)) {
      Waiting request = waiting.poll();
      segments += request.batch().segments().size();
      next.add(request);
    }
    writing = true;
    // A deadlock with another writer of the same meetings (a status batch, another node): once more.
    merge(next).recover(failure -> deadlocked(failure) ? merge(next) : Future.failedFuture(failure)).onComplete(result -> {
      writing = false;
      for (Waiting request : next) {
        reply(request.message(), result.map(changed -> new JsonObject().put("changed", countFor(request.batch(), changed))));
      }
      writeWaiting();
    });
  }

  /** Merges the segments of several requests in one statement; completes with the changed keys per meeting. */
  private Future<Map<Long, Set<String>>> merge(List<Waiting> requests) {
    int size = 0;
    boolean live = false;
    for (Waiting request : requests) {
      size += request.batch().segments().size();
      live |= request.batch().live();
    }
    SegmentRows rows = new SegmentRows(size);
    for (Waiting request : requests) {
      long meetingId = request.batch().meetingId();
      request.batch().segments().forEach(segment -> rows.add(meetingId, (JsonObject) segment));
    }
    if (rows.size() == 0) {
      return Future.succeededFuture(Map.of());
    }
    return pg.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(live)).map(this::publishChanges);
  }

  private Map<Long, Set<String>> publishChanges(RowSet<Row> changed) {
    Map<Long, Set<String>> keys = new HashMap<>();
    Map<Long, Integer> counts = new HashMap<>();
    for (Row row : changed) {
      long meetingId = row.getLong(SegmentRows.MEETING_ID);
      keys.computeIfAbsent(meetingId, id -> new HashSet<>()).add(row.getString(SegmentRows.SEGMENT_KEY));
      counts.put(meetingId, row.getInteger(SegmentRows.MEETING_SEGMENT_COUNT));
      vertx.eventBus().publish(Addresses.transcriptLive(meetingId), SegmentRows.toJson(row));
    }
    counts.forEach((meetingId, count) ->
        MeetingUpdate.segmentCount(meetingId, count).publish(vertx.eventBus()));
    return keys;
  }

  private static boolean deadlocked(Throwable failure) {
    return failure instanceof PgException pg && "40P01".equals(pg.getSqlState());
  }

  private static int countFor(SegmentBatch batch, Map<Long, Set<String>> changedKeys) {
    Set<String> changed = changedKeys.getOrDefault(batch.meetingId(), Set.of());
    int count = 0;
    for (Object segment : batch.segments()) {
      if (changed.contains(((JsonObject) segment).getString("segment_key"))) {
        count++;
      }
    }
    return count;
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
              : pg.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(false)).map(changed -> {
                publishChanges(changed);
                return changed.rowCount();
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
      message.fail(Failures.INTERNAL, String.valueOf(result.cause().getMessage()));
    }
  }
}
