package com.targetdialer.bench;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.RedisUrl;
import com.targetdialer.store.Backends;
import com.targetdialer.store.Migrations;
import com.targetdialer.webhook.Inbox;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bash bench/run}: (a) webhook acceptance of the real service against a bare Vert.x server,
 * (b) segments from HTTP to {@code td_transcript_segments} against a bare unnest insert, (e) webhooks
 * in exactly the seed plan's shape, one segment each, until every one is a row. Everything
 * runs in this JVM against one embedded Postgres and one embedded Redis in a temp directory, over
 * loopback only. Every loop is bounded by a count and a time. Knobs are system properties
 * ({@code -Dbench.seconds=10} etc.), so the defaults are what {@code bench/run} measures.
 */
public final class Benchmarks {

  /** Which parts to run: {@code -Dbench.parts=b} runs only (b). */
  private static final String PARTS = System.getProperty("bench.parts", "a,b,e");
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  /** Requests in flight for (a), one measured level each: the brief's 64, and one the edge's Redis pool can take. */
  private static final int[] IN_FLIGHT = Arrays.stream(System.getProperty("bench.inflight", "64,16").split(","))
      .mapToInt(level -> Integer.parseInt(level.trim())).toArray();
  private static final int MAX_IN_FLIGHT = Arrays.stream(IN_FLIGHT).max().orElse(64);
  /** Requests in flight for the end-to-end runs of (b) and (e). */
  private static final int E2E_IN_FLIGHT = Integer.getInteger("bench.e2eInflight", 64);
  /** Hard stop for the whole run, whatever hangs. */
  private static final int WATCHDOG_S = Integer.getInteger("bench.watchdog", 300);
  /** JIT warm-up: once per server before the first level (the first seconds run at a fraction of the speed), then per level. */
  private static final int FIRST_WARMUP_S = Integer.getInteger("bench.firstWarmup", 8);
  private static final int WARMUP_S = Integer.getInteger("bench.warmup", 2);
  private static final int MEASURE_S = Integer.getInteger("bench.seconds", 10);
  private static final int CLIENT_LOOPS = Integer.getInteger("bench.clientLoops", CORES);
  private static final int SEGMENTS = Integer.getInteger("bench.segments", 100_000);
  private static final int PER_PAYLOAD = Integer.getInteger("bench.perPayload", 50);
  /** Status webhooks queued for the inbox-drain measurement of (a). */
  private static final int DRAIN_EVENTS = Integer.getInteger("bench.drainEvents", 100_000);
  private static final int E2E_TIMEOUT_S = Integer.getInteger("bench.e2eTimeout", 90);
  /** Seed-shaped webhooks for (e), one segment each; the first SEED_REPLAY of them are sent again afterwards. */
  private static final int SEED_WEBHOOKS = Integer.getInteger("bench.seedWebhooks", 60_000);
  private static final int SEED_REPLAY = Math.min(1_000, SEED_WEBHOOKS);
  /** PersistVerticle.MAX_BATCH_SEGMENTS: the largest statement the service writes. */
  private static final int SERVICE_MAX_BATCH = 5_000;
  private static final String SECRET = "bench-webhook-secret-" + UUID.randomUUID();

  private final Path root;
  private final DatabaseUrl db;
  private final String redisUrl;
  private final BenchDb tables;
  private final Report report = new Report();
  private final CpuMeter cpu;
  /** InboxConsumer logs this, then waits 1 s, whenever a read-and-apply round fails. */
  private final LogCounter consumerPauses = LogCounter.attach("com.targetdialer.webhook.InboxConsumer", "inbox read failed");

  private Benchmarks(Path root, DatabaseUrl db, String redisUrl, Connection jdbc) {
    this.root = root;
    this.db = db;
    this.redisUrl = redisUrl;
    this.tables = new BenchDb(jdbc, "Benchmark meeting");
    this.cpu = new CpuMeter(root.resolve("pg"));
  }

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    Watchdog.start(WATCHDOG_S);
    BenchStores stores = BenchStores.inTempDirectory("td-bench");
    int exit = 1;
    try {
      stores.start();
      DatabaseUrl db = stores.postgres().url();
      Migrations.migrate(db, Duration.ofSeconds(30));
      try (Connection jdbc = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
        Benchmarks bench = new Benchmarks(stores.dir(), db, stores.redis().url().value(), jdbc);
        bench.report.machine(CORES, IN_FLIGHT, E2E_IN_FLIGHT, CLIENT_LOOPS, FIRST_WARMUP_S, WARMUP_S, MEASURE_S, SEGMENTS, PER_PAYLOAD,
            SEED_WEBHOOKS);
        // How busy the machine is before anything runs: other work skews every figure.
        CpuMeter.Snapshot idle = bench.cpu.start(() -> 0);
        Thread.sleep(1_000);
        bench.report.before = idle.until();
        if (PARTS.contains("a")) {
          bench.webhookAcceptance();
        }
        if (PARTS.contains("b")) {
          bench.segmentPersistence();
        }
        if (PARTS.contains("e")) {
          bench.seedWebhooks();
        }
        bench.report.print((System.nanoTime() - started) / 1e9);
        exit = bench.report.complete() ? 0 : 3;
      }
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      stores.close();
    }
    // Vert.x and driver threads must not keep the JVM up past the report.
    System.exit(exit);
  }

  // --- (a) webhook acceptance ---------------------------------------------------------------------

  private void webhookAcceptance() throws Exception {
    String sessionUid = "bench-session-" + UUID.randomUUID();
    tables.insertMeeting("acc-" + Fresh.id(), sessionUid);
    Payloads payloads = new Payloads(SECRET, sessionUid);
    report.envelopeBytes = payloads.statusChangeBytes();

    // Both servers run in this process with the same event-loop count (Vert.x default, 2 × cores)
    // and the same number of HTTP verticle instances (the service's default, one per core).
    BareServer.Running bare = BareServer.start(CORES);
    String prefix = "bench-a-" + Fresh.id() + ":";
    TargetDialer service = startService(prefix);
    try (LoadGenerator load = new LoadGenerator(CLIENT_LOOPS, MAX_IN_FLIGHT)) {
      Duration warmup = Duration.ofSeconds(WARMUP_S);
      Duration measure = Duration.ofSeconds(MEASURE_S);
      long cap = 5_000_000; // count bound; never reached on loopback in 10 s
      // All bare levels first, then all service levels: once the service has taken load, its inbox
      // consumer may still be catching up, and would slow the bare server down too.
      List<Report.Acceptance> levels = new ArrayList<>();
      load.run(bare.port(), "/webhook/vexa", MAX_IN_FLIGHT, payloads::statusChange, cap, Duration.ofSeconds(FIRST_WARMUP_S), false);
      for (int inFlight : IN_FLIGHT) {
        Report.Acceptance level = new Report.Acceptance(inFlight);
        load.run(bare.port(), "/webhook/vexa", inFlight, payloads::statusChange, cap, warmup, false);
        CpuMeter.Snapshot bareCpu = cpu.start(load::cpuNanos);
        level.bare = load.run(bare.port(), "/webhook/vexa", inFlight, payloads::statusChange, cap, measure, false);
        level.bareCpu = bareCpu.until();
        levels.add(level);
      }
      load.run(service.httpPort(), "/webhook/vexa", MAX_IN_FLIGHT, payloads::statusChange, cap, Duration.ofSeconds(FIRST_WARMUP_S), false);
      for (Report.Acceptance level : levels) {
        load.run(service.httpPort(), "/webhook/vexa", level.inFlight, payloads::statusChange, cap, warmup, false);
        long appliedBefore = tables.count("SELECT count(*) FROM td_webhook_events_seen");
        long pausesBefore = consumerPauses.count();
        long t0 = System.nanoTime();
        CpuMeter.Snapshot serviceCpu = cpu.start(load::cpuNanos);
        level.service = load.run(service.httpPort(), "/webhook/vexa", level.inFlight, payloads::statusChange, cap, measure, false);
        level.serviceCpu = serviceCpu.until();
        double window = (System.nanoTime() - t0) / 1e9;
        // The inbox consumer applies what the edge accepted, on the same cores: how far it kept up.
        level.consumerApplied = (tables.count("SELECT count(*) FROM td_webhook_events_seen") - appliedBefore) / window;
        level.consumerPauses = consumerPauses.count() - pausesBefore;
        report.acceptance.add(level);
      }

      // Redis alone, same body: pipelined batches (the ceiling), one pipelining connection with the
      // same number in flight, and the service's own client settings (Backends.redisClient).
      Redis client = Redis.createClient(bare.vertx(), new RedisOptions().setConnectionString(redisUrl).setMaxWaitingHandlers(4096));
      report.inboxBacklog = inboxLength(client, prefix);
      // Left in Redis, a backlog of a few hundred MB would be rewritten to its AOF during (b).
      service.stop();
      client.send(Request.cmd(Command.DEL).arg(prefix + "inbox:vexa")).await();

      // The same edge on an ingest-only node (INBOX_APPLY=false): acceptance alone, nothing applied on these cores.
      String ingestPrefix = "bench-ingest-" + Fresh.id() + ":";
      TargetDialer ingest = startService(ingestPrefix, Map.of("INBOX_APPLY", "false"));
      try {
        load.run(ingest.httpPort(), "/webhook/vexa", MAX_IN_FLIGHT, payloads::statusChange, cap, Duration.ofSeconds(FIRST_WARMUP_S), false);
        for (Report.Acceptance level : levels) {
          load.run(ingest.httpPort(), "/webhook/vexa", level.inFlight, payloads::statusChange, cap, warmup, false);
          CpuMeter.Snapshot ingestCpu = cpu.start(load::cpuNanos);
          level.ingest = load.run(ingest.httpPort(), "/webhook/vexa", level.inFlight, payloads::statusChange, cap, measure, false);
          level.ingestCpu = ingestCpu.until();
        }
      } finally {
        ingest.stop();
        client.send(Request.cmd(Command.DEL).arg(ingestPrefix + "inbox:vexa")).await();
      }
      Buffer body = payloads.statusChange().body();
      report.xaddPipelined = StoreLimits.xaddPipelined(client, "bench:xadd", body, 200_000, 1_000, 5_000);
      RedisConnection connection = client.connect().await();
      report.xaddConnection = StoreLimits.xaddInFlight(bare.vertx(), connection::send, "bench:xadd", body, MAX_IN_FLIGHT, 200_000, 3_000);
      connection.close().await();
      Redis serviceLike = new Backends(db, RedisUrl.parse("REDIS_URL", redisUrl), "0", "bench:", 8).redisClient(bare.vertx());
      report.xaddServiceClient = StoreLimits.xaddInFlight(bare.vertx(), serviceLike::send, "bench:xadd", body, MAX_IN_FLIGHT, 200_000, 3_000);
      serviceLike.close().await();
      report.drain = inboxDrain(client, payloads);
      client.close().await();
    } finally {
      // Stopped rather than drained (stop() is idempotent): its backlog would only slow down part (b).
      service.stop();
      bare.close();
    }
  }

  /**
   * The inbox consumer alone: status webhooks queued straight into a fresh inbox (no HTTP), then a
   * service started on it applies them. How fast a backlog left by a burst is caught up, and what
   * one applied webhook costs.
   */
  private Report.Drain inboxDrain(Redis client, Payloads payloads) throws Exception {
    String prefix = "bench-drain-" + Fresh.id() + ":";
    Inbox inbox = new Inbox(client, prefix);
    for (int queued = 0; queued < DRAIN_EVENTS; queued += 1_000) {
      List<Request> appends = new ArrayList<>();
      for (int i = queued; i < Math.min(DRAIN_EVENTS, queued + 1_000); i++) {
        appends.add(inbox.append(payloads.statusChange().body(), System.currentTimeMillis()));
      }
      client.batch(appends).await();
    }
    TargetDialer service = startService(prefix);
    try {
      long start = System.nanoTime();
      long leftAtStart = inboxLength(client, prefix);
      CpuMeter.Snapshot usage = cpu.start(() -> 0);
      long remaining = untilInboxEmpty(client, prefix);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Report.Drain(DRAIN_EVENTS, leftAtStart - remaining, seconds, usage.until());
    } finally {
      service.stop();
      client.send(Request.cmd(Command.DEL).arg(prefix + "inbox:vexa")).await();
    }
  }

  // --- (b) segment persistence --------------------------------------------------------------------

  private void segmentPersistence() throws Exception {
    Instant meetingStart = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Vertx vertx = Vertx.vertx();
    String prefix = "bench-b-" + Fresh.id() + ":";
    TargetDialer service = null;
    try (LoadGenerator load = new LoadGenerator(CLIENT_LOOPS, E2E_IN_FLIGHT)) {
      // Bare insert: warm the JIT and the table, then one run per batch size, each into a fresh meeting.
      String uid = "bare-" + Fresh.id();
      StoreLimits.bareInsert(vertx, db, tables.insertMeeting("bare-warm-" + Fresh.id(), uid), uid, 10_000, PER_PAYLOAD, meetingStart);
      report.bareInsertSmall = StoreLimits.bareInsert(vertx, db, tables.insertMeeting("bare-" + Fresh.id(), uid), uid, SEGMENTS, PER_PAYLOAD, meetingStart);
      report.bareInsertLarge = StoreLimits.bareInsert(vertx, db, tables.insertMeeting("bare-" + Fresh.id(), uid), uid, SEGMENTS, SERVICE_MAX_BATCH, meetingStart);
      // The service's merge statement alone, same sizes: how much of the gap is SQL.
      StoreLimits.serviceMerge(vertx, db, tables.insertMeeting("merge-warm-" + Fresh.id(), uid), uid, 10_000, PER_PAYLOAD, meetingStart);
      report.mergeSmall = StoreLimits.serviceMerge(vertx, db, tables.insertMeeting("merge-" + Fresh.id(), uid), uid, SEGMENTS, PER_PAYLOAD, meetingStart);
      report.mergeLarge = StoreLimits.serviceMerge(vertx, db, tables.insertMeeting("merge-" + Fresh.id(), uid), uid, SEGMENTS, SERVICE_MAX_BATCH, meetingStart);

      service = startService(prefix);
      Payloads payloads = new Payloads(SECRET, "e2e-" + Fresh.id());
      // Warm-up: a tenth of the run through the whole path, into a meeting of its own.
      int warmSegments = Math.max(PER_PAYLOAD, SEGMENTS / 10 / PER_PAYLOAD * PER_PAYLOAD);
      endToEnd(load, service, payloads, warmSegments, meetingStart);
      payloads.resetSegments();
      long pausesBefore = consumerPauses.count();
      CpuMeter.Snapshot e2eCpu = cpu.start(load::cpuNanos);
      report.e2e = endToEnd(load, service, payloads, SEGMENTS, meetingStart);
      report.e2eCpu = e2eCpu.until();
      report.e2eConsumerPauses = consumerPauses.count() - pausesBefore;
      // Applied but never acknowledged: Redis redelivers these after INBOX_CLAIM_IDLE_MS.
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl));
      report.e2eUnacknowledged = redis.send(Request.cmd(Command.XPENDING).arg(prefix + "inbox:vexa").arg("capture")).await().get(0).toLong();
      redis.close().await();
    } finally {
      if (service != null) {
        service.stop();
      }
      vertx.close().await();
    }
  }

  /** Posts {@code segments} segments for a fresh meeting and waits until they are all rows. */
  private EndToEnd endToEnd(LoadGenerator load, TargetDialer service, Payloads payloads, int segments, Instant meetingStart) throws Exception {
    String nativeId = "e2e-" + Fresh.id();
    String sessionUid = "e2e-session-" + Fresh.id();
    long meetingId = tables.insertMeeting(nativeId, sessionUid);
    int requests = segments / PER_PAYLOAD;
    // Built and signed before the clock starts: the load generator shares the cores with the service.
    LoadGenerator.Request[] bodies = new LoadGenerator.Request[requests];
    for (int i = 0; i < requests; i++) {
      bodies[i] = payloads.seedSegments(nativeId, sessionUid, PER_PAYLOAD, meetingStart);
    }
    // segment_count moves in the same statement as the rows (PersistSql.MERGE_SEGMENTS), so it is
    // exact; polling it costs Postgres nothing, where a count(*) every 50 ms over up to 100k fresh
    // rows would take CPU from the run it measures. count(*) confirms once at the end.
    String segmentCount = "SELECT segment_count FROM td_meetings WHERE id = " + meetingId;
    return postUntilStored(load, service, bodies, meetingId, segments, segmentCount, 50);
  }

  /**
   * Posts every body and waits until {@code progress} (a count) reaches {@code expected}, polled every
   * {@code pollMs}, or the timeout; then counts the meeting's rows. Timed from the first POST.
   */
  private EndToEnd postUntilStored(LoadGenerator load, TargetDialer service, LoadGenerator.Request[] bodies, long meetingId, int expected,
                                   String progress, int pollMs) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<LoadGenerator.Result> posted = CompletableFuture.supplyAsync(() -> post(load, service, bodies, bodies.length));
    long deadline = start + Duration.ofSeconds(E2E_TIMEOUT_S).toNanos();
    long persisted = 0;
    while (persisted < expected && System.nanoTime() < deadline) {
      Thread.sleep(pollMs);
      persisted = tables.count(progress);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LoadGenerator.Result http = posted.get();
    long rows = tables.count("SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId);
    return new EndToEnd(expected, rows, seconds, http);
  }

  /** POSTs the first {@code count} bodies, E2E_IN_FLIGHT at a time; refused ones (503) are re-sent, as Vexa does, so each arrives once. */
  private static LoadGenerator.Result post(LoadGenerator load, TargetDialer service, LoadGenerator.Request[] bodies, int count) {
    AtomicInteger next = new AtomicInteger();
    return load.run(service.httpPort(), "/webhook/vexa", E2E_IN_FLIGHT, () -> bodies[next.getAndIncrement()], count,
        Duration.ofSeconds(E2E_TIMEOUT_S), true);
  }

  /** (b)'s end-to-end run: rows found, seconds from the first POST until the last row, and the HTTP side. */
  record EndToEnd(int expected, long rows, double seconds, LoadGenerator.Result http) {
    double perSecond() {
      return rows / seconds;
    }
  }

  // --- (e) seed-shaped webhooks -------------------------------------------------------------------

  /**
   * Webhooks exactly as the seed plan's example, one segment each, for a meeting named by its link
   * only: each needs the meeting and its bot session looked up, and is keyed by session, relative
   * start and speaker. Then the first ones again: a replay must not add a row.
   */
  private void seedWebhooks() throws Exception {
    String nativeId = "seed-" + Fresh.id();
    String sessionUid = "seed-session-" + Fresh.id();
    long meetingId = tables.insertMeeting(nativeId, sessionUid);
    String rows = "SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId;
    String deadLetters = "SELECT count(*) FROM td_dead_letters";
    long deadLettersBefore = tables.count(deadLetters);
    // Built and signed before the clock starts, as in (b).
    Payloads payloads = new Payloads(SECRET, sessionUid);
    LoadGenerator.Request[] bodies = new LoadGenerator.Request[SEED_WEBHOOKS];
    for (int i = 0; i < SEED_WEBHOOKS; i++) {
      bodies[i] = payloads.seedExample(nativeId, i);
    }
    Vertx vertx = Vertx.vertx();
    String prefix = "bench-e-" + Fresh.id() + ":";
    TargetDialer service = startService(prefix);
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl));
    try (LoadGenerator load = new LoadGenerator(CLIENT_LOOPS, E2E_IN_FLIGHT)) {
      CpuMeter.Snapshot usage = cpu.start(load::cpuNanos);
      // The rows themselves are the verdict here, so count(*) is polled, every 100 ms to spare Postgres.
      report.seed = postUntilStored(load, service, bodies, meetingId, SEED_WEBHOOKS, rows, 100);
      report.seedCpu = usage.until();
      report.seedReplay = post(load, service, bodies, SEED_REPLAY);
      // Once the inbox is empty the replay has been applied, or kept as dead letters.
      report.seedReplayNotApplied = untilInboxEmpty(redis, prefix);
      report.seedRowsAfterReplay = tables.count(rows);
      report.seedDeadLetters = tables.count(deadLetters) - deadLettersBefore;
    } finally {
      service.stop();
      redis.close().await();
      vertx.close().await();
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** Applied entries are deleted from the stream: its length is what is left, and asking costs nothing. */
  private static long inboxLength(Redis client, String redisPrefix) {
    return client.send(Request.cmd(Command.XLEN).arg(redisPrefix + "inbox:vexa")).await().toLong();
  }

  /** Waits until the service's inbox is empty, or the timeout; returns what is left. */
  private static long untilInboxEmpty(Redis client, String redisPrefix) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(E2E_TIMEOUT_S).toNanos();
    long left = inboxLength(client, redisPrefix);
    while (left > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
      left = inboxLength(client, redisPrefix);
    }
    return left;
  }

  private TargetDialer startService(String redisPrefix) {
    return startService(redisPrefix, Map.of());
  }

  private TargetDialer startService(String redisPrefix, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("DATABASE_URL", "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database());
    env.put("REDIS_URL", redisUrl);
    env.put("REDIS_KEY_PREFIX", redisPrefix);
    // A fixed free port: with HTTP_PORT=0 each of the N instances may bind a port of its own.
    env.put("HTTP_PORT", Integer.toString(Fresh.port()));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("VEXA_WEBHOOK_SECRET", SECRET);
    env.put("INTERNAL_API_KEY", "bench-internal-key-" + UUID.randomUUID());
    env.put("DATA_DIR", root.resolve("data").toString());
    return TargetDialer.start(new Arguments(null, false), env);
  }
}
