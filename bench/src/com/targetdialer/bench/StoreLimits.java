package com.targetdialer.bench;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.persist.MergeProbe;
import com.targetdialer.store.Backends;
import com.targetdialer.vexa.VexaSegments;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/** What the stores alone can do, measured with the same client libraries the service uses. */
final class StoreLimits {

  private StoreLimits() {
  }

  /**
   * A plain insert of the merge's row shape, no merge logic: the ceiling for segment persistence.
   * One connection, one statement at a time, each the next {@code batch} rows.
   *
   * @return rows per second
   */
  static double bareInsert(Vertx vertx, DatabaseUrl db, long meetingId, String sessionUid, int total, int batch, Instant meetingStart) {
    PgConnection connection = PgConnection.connect(vertx, new PgConnectOptions().setHost(db.host()).setPort(db.port())
        .setDatabase(db.database()).setUser(db.user()).setCachePreparedStatements(true)).await();
    try {
      long start = System.nanoTime();
      insertFrom(connection, total, batch, meetingId, sessionUid, meetingStart).await(5, TimeUnit.MINUTES);
      return total / ((System.nanoTime() - start) / 1e9);
    } catch (Exception e) {
      throw new IllegalStateException("bare insert failed", e);
    } finally {
      connection.close().await();
    }
  }

  /**
   * The service's own merge statement (PersistSql.MERGE_SEGMENTS, through {@link MergeProbe}) on
   * one connection, {@code batch} normalized segments per statement: what the SQL costs, without
   * the inbox, the event bus or the batching. Only the statements are timed (building the JSON
   * input is the consumer's work, not the statement's).
   *
   * @return rows per second of statement time
   */
  static double serviceMerge(Vertx vertx, DatabaseUrl db, long meetingId, String sessionUid, int total, int batch, Instant meetingStart) {
    PgConnection connection = PgConnection.connect(vertx, new PgConnectOptions().setHost(db.host()).setPort(db.port())
        .setDatabase(db.database()).setUser(db.user()).setCachePreparedStatements(true)
        .setPreparedStatementCacheSqlLimit(Backends.STATEMENT_CACHE_SQL_LIMIT)).await(); // the merge is longer than the client's default limit
    try {
      long[] statementNanos = {0};
      mergeFrom(connection, total, batch, meetingId, sessionUid, meetingStart, statementNanos).await(5, TimeUnit.MINUTES);
      return total / (statementNanos[0] / 1e9);
    } catch (Exception e) {
      throw new IllegalStateException("merge failed", e);
    } finally {
      connection.close().await();
    }
  }

  private static Future<Void> mergeFrom(PgConnection connection, int total, int batch, long meetingId, String sessionUid,
                                        Instant meetingStart, long[] statementNanos) {
    return oneAfterAnother(total, batch, (from, size) -> {
      List<JsonObject> segments = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        segments.add(VexaSegments.normalize(Payloads.segment("merge-" + meetingId, from + i, meetingStart), sessionUid, true));
      }
      long start = System.nanoTime();
      return MergeProbe.merge(connection, meetingId, segments).compose(changed -> {
        statementNanos[0] += System.nanoTime() - start;
        return changed.equals(size) ? Future.succeededFuture() : Future.failedFuture("merge changed " + changed + " of " + size + " rows");
      });
    });
  }

  /**
   * Runs {@code statement(from, size)} over {@code [0, total)} in slices of {@code batch}, each
   * as the previous one answers. Callbacks rather than a compose chain: thousands of statements
   * must not nest thousands of futures, whose completion would overflow the stack.
   */
  private static Future<Void> oneAfterAnother(int total, int batch, BiFunction<Integer, Integer, Future<?>> statement) {
    Promise<Void> done = Promise.promise();
    runFrom(0, total, batch, statement, done);
    return done.future();
  }

  private static void runFrom(int from, int total, int batch, BiFunction<Integer, Integer, Future<?>> statement, Promise<Void> done) {
    if (from >= total) {
      done.complete();
      return;
    }
    int size = Math.min(batch, total - from);
    statement.apply(from, size).onComplete(result -> {
      if (result.failed()) {
        done.fail(result.cause());
      } else {
        runFrom(from + size, total, batch, statement, done);
      }
    });
  }

  private static final String INSERT = """
      INSERT INTO td_transcript_segments (meeting_id, segment_key, session_uid, text, speaker, language,
          start_time, end_time, absolute_start_time, absolute_end_time, completed, retracted, source_updated_at)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                           $7::float8[], $8::float8[], $9::timestamptz[], $10::timestamptz[],
                           $11::bool[], $12::bool[], $13::timestamptz[])
      """;

  private static Future<Void> insertFrom(PgConnection connection, int total, int batch, long meetingId,
                                         String sessionUid, Instant meetingStart) {
    return oneAfterAnother(total, batch, (from, size) -> insertSlice(connection, from, size, meetingId, sessionUid, meetingStart));
  }

  private static Future<?> insertSlice(PgConnection connection, int from, int size, long meetingId, String sessionUid,
                                       Instant meetingStart) {
    Long[] meetings = new Long[size];
    String[] keys = new String[size];
    String[] sessions = new String[size];
    String[] texts = new String[size];
    String[] speakers = new String[size];
    String[] languages = new String[size];
    Double[] starts = new Double[size];
    Double[] ends = new Double[size];
    OffsetDateTime[] absoluteStarts = new OffsetDateTime[size];
    OffsetDateTime[] absoluteEnds = new OffsetDateTime[size];
    Boolean[] completed = new Boolean[size];
    Boolean[] retracted = new Boolean[size];
    OffsetDateTime[] updated = new OffsetDateTime[size];
    for (int i = 0; i < size; i++) {
      long n = from + i;
      OffsetDateTime at = meetingStart.plusMillis(n * 2_500).atOffset(ZoneOffset.UTC);
      meetings[i] = meetingId;
      keys[i] = "bare-" + n;
      sessions[i] = sessionUid;
      texts[i] = Payloads.sentence(n);
      speakers[i] = "Speaker " + (n % 4);
      languages[i] = "en";
      starts[i] = n * 2.5;
      ends[i] = n * 2.5 + 2.4;
      absoluteStarts[i] = at;
      absoluteEnds[i] = at.plusNanos(2_400_000_000L);
      completed[i] = true;
      retracted[i] = false;
    }
    Tuple row = Tuple.tuple();
    for (Object column : new Object[] {meetings, keys, sessions, texts, speakers, languages, starts, ends,
        absoluteStarts, absoluteEnds, completed, retracted, updated}) {
      row.addValue(column);
    }
    return connection.preparedQuery(INSERT).execute(row);
  }

  /**
   * XADD of a webhook-sized body, {@code batch} commands per round trip: what Redis can take at
   * best on this machine. Bounded by count and time.
   *
   * @return entries per second
   */
  static double xaddPipelined(Redis redis, String stream, Buffer body, int total, int batch, long maxMillis) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    int sent = 0;
    while (sent < total && System.nanoTime() < deadline) {
      List<Request> commands = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        commands.add(Request.cmd(Command.XADD).arg(stream).arg("*").arg("body").arg(body).arg("received_at").arg(0));
      }
      redis.batch(commands).await();
      sent += batch;
    }
    double rate = sent / ((System.nanoTime() - start) / 1e9);
    redis.send(Request.cmd(Command.DEL).arg(stream)).await();
    return rate;
  }

  /** XADDs per second, and how many failed. */
  record Xadds(double perSecond, long errors) {
  }

  /**
   * XADD one body per command, {@code inFlight} commands outstanding at any time, through
   * {@code sender} (a single pipelining connection, or a pooled client like the service's edge).
   * A refused command is retried 1 ms later, as a caller that did not give up would. Bounded by
   * count and time.
   */
  static Xadds xaddInFlight(Vertx vertx, Function<Request, Future<Response>> sender, String stream, Buffer body,
                            int inFlight, int total, long maxMillis) {
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMillis);
    long[] state = {0, 0, inFlight}; // added, refused, active loops; touched on one event loop only
    Context context = vertx.getOrCreateContext();
    context.runOnContext(ignored -> {
      for (int i = 0; i < inFlight; i++) {
        xaddLoop(context, sender, stream, body, total, deadline, state, done);
      }
    });
    done.future().await();
    double rate = state[0] / ((System.nanoTime() - start) / 1e9);
    sender.apply(Request.cmd(Command.DEL).arg(stream)).await();
    return new Xadds(rate, state[1]);
  }

  private static void xaddLoop(Context context, Function<Request, Future<Response>> sender, String stream, Buffer body,
                               int total, long deadline, long[] state, Promise<Void> done) {
    if (state[0] >= total || System.nanoTime() >= deadline) {
      if (--state[2] == 0) {
        done.complete();
      }
      return;
    }
    sender.apply(Request.cmd(Command.XADD).arg(stream).arg("*").arg("body").arg(body).arg("received_at").arg(0))
        .onComplete(answer -> {
          if (answer.succeeded()) {
            state[0]++;
            xaddLoop(context, sender, stream, body, total, deadline, state, done);
          } else {
            // A pool refusal fails at once, on this stack: try again from a timer.
            state[1]++;
            context.owner().setTimer(1, id -> xaddLoop(context, sender, stream, body, total, deadline, state, done));
          }
        });
  }
}
