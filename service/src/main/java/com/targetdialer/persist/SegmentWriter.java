package com.targetdialer.persist;

import com.targetdialer.bus.SegmentBatch;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Merges live segment batches into the transcript. Meetings are spread over lanes, each with at most
 * one statement in flight: a meeting always takes the same lane, so its batches are applied in the
 * order they came, while other meetings' statements run beside it. Batches that arrive while their
 * lane writes are merged into its next statement, so statements grow with load and a quiet system
 * writes at once. The merged rows go to {@code changed} once the lane's next statement is on its way.
 * Each lane keeps a connection of its own: taken from the shared pool per statement, a merge queued
 * behind whatever else waited for a connection (thousands of gap fills when many meetings start at
 * once), and the live lag with it. Used from one event loop only.
 */
final class SegmentWriter {

  /** Upper bound for one statement; a larger backlog is written in several. */
  static final int MAX_BATCH_SEGMENTS = 5_000;

  private final Pool pg;
  private final Consumer<List<Row>> changed;
  private final Lane[] lanes;
  private final Timer queueWait;
  private final Timer statementTime;
  private final DistributionSummary statementSize;
  private int backlog;

  SegmentWriter(Pool pg, int lanes, MeterRegistry metrics, Consumer<List<Row>> changed) {
    this.pg = pg;
    this.changed = changed;
    this.lanes = new Lane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new Lane();
    }
    queueWait = Timer.builder("td.persist.queue.wait").description("Time a segment batch waited for its lane's statement")
        .publishPercentiles(0.5, 0.99).register(metrics);
    statementTime = Timer.builder("td.persist.statement").description("Time of one segment merge statement")
        .publishPercentiles(0.5, 0.99).register(metrics);
    statementSize = DistributionSummary.builder("td.persist.statement.segments").description("Segments per merge statement")
        .publishPercentiles(0.5, 0.99).register(metrics);
    Gauge.builder("td.persist.backlog.segments", this, writer -> writer.backlog)
        .description("Live segments waiting for a merge statement").register(metrics);
  }

  /** Completes with how many of the batch's segments changed the transcript. */
  Future<Integer> write(SegmentBatch batch) {
    Promise<Integer> done = Promise.promise();
    Lane lane = lanes[Math.floorMod(Long.hashCode(batch.meetingId()), lanes.length)];
    lane.waiting.add(new Waiting(batch, done, System.nanoTime()));
    backlog += batch.segments().size();
    lane.writeNext();
    return done.future();
  }

  /** A batch waiting for its lane's next statement. */
  private record Waiting(SegmentBatch batch, Promise<Integer> done, long sinceNanos) {
  }

  private final class Lane {

    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private boolean writing;
    private SqlConnection connection;
    private Promise<Void> drained;

    void writeNext() {
      if (writing || waiting.isEmpty()) {
        if (!writing && drained != null) {
          drained.tryComplete();
        }
        return;
      }
      List<Waiting> next = new ArrayList<>();
      int segments = 0;
      long now = System.nanoTime();
      while (!waiting.isEmpty() && (next.isEmpty() || segments + waiting.peek().batch().segments().size() <= MAX_BATCH_SEGMENTS)) {
        Waiting request = waiting.poll();
        segments += request.batch().segments().size();
        queueWait.record(now - request.sinceNanos(), TimeUnit.NANOSECONDS);
        next.add(request);
      }
      backlog -= segments;
      writing = true;
      // A deadlock with another writer of the same meetings (a status batch, another node): once more.
      Future.<MergedRows>future(merged -> merge(next).onComplete(merged)) // a throw fails the batch, not the lane
          .recover(failure -> deadlocked(failure) ? merge(next) : Future.failedFuture(failure)).onComplete(result -> {
        if (result.failed() && connection != null && !(result.cause() instanceof PgException)) {
          connection.close(); // not an answer from Postgres: a broken connection, and the next statement takes a new one
          connection = null;
        }
        writing = false;
        if (result.failed()) {
          next.forEach(request -> request.done().fail(result.cause()));
          writeNext();
          return;
        }
        MergedRows merged = result.result();
        Map<Long, Set<String>> keys = changedKeys(merged.changed());
        next.forEach(request -> {
          long meetingId = request.batch().meetingId();
          if (merged.goneMeetings().contains(meetingId)) {
            request.done().fail(new MergedRows.MeetingGone(meetingId));
          } else {
            request.done().complete(countFor(request.batch(), keys));
          }
        });
        writeNext(); // before the live publish: the next statement need not wait for it
        if (!merged.changed().isEmpty()) {
          changed.accept(merged.changed());
        }
      });
    }

    private Future<MergedRows> merge(List<Waiting> requests) {
      SegmentRows rows = rowsOf(requests);
      if (rows.size() == 0) {
        return Future.succeededFuture(MergedRows.NONE);
      }
      statementSize.record(rows.size());
      Future<SqlConnection> open = connection != null ? Future.succeededFuture(connection)
          : pg.getConnection().onSuccess(taken -> connection = taken);
      return open.compose(taken -> {
        long started = System.nanoTime();
        return taken.preparedQuery(PersistSql.MERGE_SEGMENTS).execute(rows.tuple(requests.stream().anyMatch(request -> request.batch().live())))
            .onSuccess(ignored -> statementTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
            .map(MergedRows::of);
      });
    }

    /** Once what waits is written: the writers stop after the producers, so nothing new comes. */
    Future<Void> close() {
      if (writing || !waiting.isEmpty()) {
        Promise<Void> drained = Promise.promise();
        this.drained = drained;
        return drained.future().compose(ignored -> close());
      }
      return connection == null ? Future.succeededFuture() : connection.close();
    }
  }

  /** Writes what waits, then gives the lanes' connections back to the pool. */
  Future<Void> close() {
    return Future.join(java.util.Arrays.stream(lanes).map(Lane::close).toList()).mapEmpty();
  }

  private static SegmentRows rowsOf(List<Waiting> requests) {
    int size = 0;
    for (Waiting request : requests) {
      size += request.batch().segments().size();
    }
    SegmentRows rows = new SegmentRows(size);
    for (Waiting request : requests) {
      long meetingId = request.batch().meetingId();
      request.batch().segments().forEach(segment -> rows.add(meetingId, (JsonObject) segment));
    }
    return rows;
  }

  private static Map<Long, Set<String>> changedKeys(List<Row> changed) {
    Map<Long, Set<String>> keys = new HashMap<>();
    for (Row row : changed) {
      keys.computeIfAbsent(row.getLong(SegmentRows.MEETING_ID), id -> new HashSet<>()).add(row.getString(SegmentRows.SEGMENT_KEY));
    }
    return keys;
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

  static boolean deadlocked(Throwable failure) {
    return failure instanceof PgException pg && "40P01".equals(pg.getSqlState());
  }
}
