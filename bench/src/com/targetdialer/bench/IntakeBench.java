package com.targetdialer.bench;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code bash bench/intake}: issue 18's intake target. In one run, on one embedded Postgres and one embedded
 * Redis: signed seed-shaped webhooks from wrk (2 threads, 64 connections) against a bare Vert.x server,
 * the service's {@code /health}, the service's {@code POST /webhook/vexa} (its inbox consumer applying every
 * accepted webhook on the same cores, into a meeting that exists, so segments become rows) and the seed
 * plan's receiver (bench/seed_design/app.py: FastAPI, uvicorn 2 workers, uvloop, httptools). Then bursts of
 * seed-shaped webhooks (60,000 distinct segments; and 180,000 webhooks carrying 60,000 segments ~3 times
 * each), repeated, each timed from the first send to the last 200 and to the last row in Postgres.
 * Exits 0 once the figures are printed, 3 if a burst lost rows or a target run failed, 4 on the watchdog.
 */
public final class IntakeBench {

  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final String PARTS = System.getProperty("bench.intakeParts", "accept,paced,burst");
  /** Which acceptance targets run (all by default): bare, health, service, ingest, seed; one alone is for profiling it. */
  private static final String TARGETS = System.getProperty("bench.intakeTargets", "bare,health,service,ingest,seed");
  private static final int WATCHDOG_S = Integer.getInteger("bench.watchdog", 1_500);
  private static final int THREADS = Integer.getInteger("bench.wrkThreads", 2);
  private static final int CONNECTIONS = Integer.getInteger("bench.connections", 64);
  /**
   * The first warm-up of each server (JIT, Python's first requests), then the measured window. 20 s: after 5 s
   * the JIT was still compiling the applying path (its C2 thread 13-15% of the measured window, by perf).
   */
  private static final int WARMUP_S = Integer.getInteger("bench.warmup", 20);
  private static final int MEASURE_S = Integer.getInteger("bench.seconds", 10);
  /**
   * Rounds of the applying service and the seed design (its list variant) measured in turn after the first pass,
   * each after a short warm-up: one pair of figures moved by up to 40% between runs on a shared 2-core box, so the
   * ratio is also given as the median of rounds taken minutes apart at most.
   */
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
  static final int ROUND_WARMUP_S = 3;
  /**
   * Signed bodies written per second of each wrk run (warm-up and window apiece): more than any target takes, so the
   * service sees a new segment in every request (a run that wrapped around its file says so in the report).
   */
  private static final int BODIES_PER_SECOND = Integer.getInteger("bench.bodiesPerSecond", 60_000);
  /** The seed's enqueue variants measured (SEED_ENQUEUE): arq is the seed plan as written, list the lightest reading. */
  private static final List<String> SEED_MODES = List.of(System.getProperty("bench.seedModes", "list,arq").split(","));
  /** Also measure an ingest-only node (INBOX_APPLY=false): acceptance without applying, for the split of the cost. */
  private static final boolean INGEST_ONLY = Boolean.parseBoolean(System.getProperty("bench.ingestOnly", "true"));
  /**
   * Part "paced": open-loop rates as multiples of the seed design's rate (the median of its rounds, else its first pass,
   * or -Dbench.pacedSeedRate): the latency the applying service holds while it takes that many webhooks a second, which a
   * closed loop at saturation (wrk) cannot tell apart from its throughput.
   */
  private static final double[] PACED_MULTIPLES = Arrays.stream(System.getProperty("bench.pacedMultiples", "1,2,3").split(","))
      .mapToDouble(multiple -> Double.parseDouble(multiple.trim())).toArray();
  private static final double PACED_SEED_RATE = Double.parseDouble(System.getProperty("bench.pacedSeedRate", "0"));
  static final int PACED_WARMUP_S = 5;
  private static final int BURST_SEGMENTS = Integer.getInteger("bench.burstSegments", 60_000);
  /** Copies of each segment per burst variant: 1 = 60,000 webhooks, 3 = the 180,000 carrying 60,000 segments. */
  private static final int[] BURST_COPIES = Arrays.stream(System.getProperty("bench.burstCopies", "1,3").split(","))
      .mapToInt(copies -> Integer.parseInt(copies.trim())).toArray();
  private static final int BURST_REPEATS = Integer.getInteger("bench.burstRepeats", 3);
  private static final int BURST_IN_FLIGHT = Integer.getInteger("bench.burstInflight", 64);
  /** How long a burst may take to be all rows; raise it (and the watchdog) to see a slow outlier through to its end. */
  private static final int BURST_TIMEOUT_S = Integer.getInteger("bench.burstTimeout", 120);
  /**
   * Fault injection, off by default: hold the burst meeting's td_meetings row lock for this many seconds,
   * from 3 s into each burst, so PersistVerticle's statements wait (as behind any long transaction on that
   * row). Past the event bus's 30 s reply timeout this shows the inbox's silent recovery path.
   */
  private static final int STALL_S = Integer.getInteger("bench.burstStall", 0);
  private static final String SECRET = "intake-bench-secret-" + UUID.randomUUID();
  private static final String PREFIX = "intake:";
  private static final String INBOX = PREFIX + "inbox:vexa";

  private final Path root;
  private final Path repo;
  private final Connection jdbc;
  private final BenchDb tables;
  private final DatabaseUrl dbUrl;
  private final Redis redis;
  private final String redisUrl;
  private final CpuMeter cpu;
  private final IntakeReport report = new IntakeReport();
  private final SeedWebhooks webhooks = new SeedWebhooks(SECRET);
  private final LogTap inboxLog = LogTap.onInboxConsumer();
  /** PersistVerticle logs this (WARN) when a statement failed; the entries it carried stay pending. */
  private final LogCounter persistFailures = LogCounter.attach("com.targetdialer.persist.PersistVerticle", "persist failed");
  private long nextSegment;
  private Map<String, String> serviceEnv;

  private IntakeBench(Path root, Path repo, DatabaseUrl dbUrl, Connection jdbc, Redis redis, String redisUrl) {
    this.root = root;
    this.dbUrl = dbUrl;
    this.repo = repo;
    this.jdbc = jdbc;
    this.tables = new BenchDb(jdbc, "Intake benchmark meeting");
    this.redis = redis;
    this.redisUrl = redisUrl;
    this.cpu = new CpuMeter(root.resolve("pg"));
  }

  public static void main(String[] args) throws Exception {
    long started = System.nanoTime();
    Watchdog.start(WATCHDOG_S);
    Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
    String missing = SeedDesign.missingModules();
    if (!Wrk.available() || missing != null) {
      System.err.println("bench: needs wrk and Debian's python3 with fastapi, uvicorn, uvloop, httptools, redis"
          + (missing == null ? "" : " (" + missing + ")") + "; install them with: " + SeedDesign.APT);
      System.exit(2);
    }
    BenchRun.exitAfter("td-intake-bench", (stores, vertx) -> {
      Path root = stores.dir();
      Map<String, String> env = BenchEnv.onStores(stores.postgres(), stores.redis());
      env.put("VEXA_WEBHOOK_SECRET", SECRET);
      env.put("REDIS_KEY_PREFIX", PREFIX);
      env.put("DATA_DIR", root.resolve("data").toString());
      TargetDialer service = TargetDialer.start(new Arguments(null, false), env);
      DatabaseUrl db = stores.postgres().url();
      String redisUrl = stores.redis().url().value();
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl));
      try (Connection jdbc = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
        IntakeBench bench = new IntakeBench(root, repo, db, jdbc, redis, redisUrl);
        bench.serviceEnv = env;
        boolean complete = bench.run(vertx, service);
        bench.report.print((System.nanoTime() - started) / 1e9);
        return complete ? 0 : 3;
      } finally {
        service.stop();
      }
    });
  }

  private boolean run(Vertx vertx, TargetDialer service) throws Exception {
    report.machine(CORES, THREADS, CONNECTIONS, WARMUP_S, MEASURE_S, BURST_SEGMENTS, BURST_COPIES, BURST_REPEATS, BURST_IN_FLIGHT);
    // How busy the machine is before anything runs: other work skews every figure.
    CpuMeter.Snapshot idle = cpu.start(() -> 0);
    Thread.sleep(1_000);
    report.before = idle.until();
    boolean complete = true;
    if (PARTS.contains("accept")) {
      complete &= acceptance(vertx, service);
    }
    if (PARTS.contains("paced")) {
      complete &= paced(service);
    }
    if (PARTS.contains("burst")) {
      complete &= bursts(service);
    }
    return complete;
  }

  // --- acceptance: one wrk load per target, same run ------------------------------------------------

  private boolean acceptance(Vertx vertx, TargetDialer service) throws Exception {
    Wrk wrk = new Wrk(repo.resolve("bench/wrk/intake.lua"), THREADS, CONNECTIONS);
    boolean complete = true;
    try (BareServer.Running bare = BareServer.start(CORES)) {
      if (TARGETS.contains("bare")) {
        complete &= measure(wrk, "bare Vert.x server (POST, reads body)", "http://127.0.0.1:" + bare.port() + "/webhook/vexa", Load.POST, null);
      }
    }
    String base = "http://127.0.0.1:" + service.httpPort();
    if (TARGETS.contains("health")) {
      complete &= measure(wrk, "service GET /health", base + "/health", Load.GET, null);
    }
    if (TARGETS.contains("service")) {
      complete &= measure(wrk, "service POST /webhook/vexa (applying)", base + "/webhook/vexa", Load.APPLIED, null);
    }
    // The same edge on an ingest-only node (INBOX_APPLY=false, inbox of its own): what accepting alone costs,
    // so the gap between the two rows is what applying on the same cores takes from acceptance.
    if (INGEST_ONLY && TARGETS.contains("ingest")) {
      Map<String, String> ingestEnv = new java.util.HashMap<>(serviceEnv);
      ingestEnv.put("INBOX_APPLY", "false");
      ingestEnv.put("REDIS_KEY_PREFIX", "intake-ingest:");
      TargetDialer ingest = TargetDialer.start(new Arguments(null, false), ingestEnv);
      try {
        complete &= measure(wrk, "service POST, ingest-only node", "http://127.0.0.1:" + ingest.httpPort() + "/webhook/vexa", Load.POST, null);
      } finally {
        ingest.stop();
        redis.send(Request.cmd(Command.DEL).arg("intake-ingest:inbox:vexa")).await();
      }
    }
    // The seed's Redis is the same server, database 1: its queue is dropped after each variant, the service's inbox untouched.
    String seedRedis = redisUrl + "/1";
    Redis seedDb = Redis.createClient(vertx, new RedisOptions().setConnectionString(seedRedis));
    try {
      for (String mode : TARGETS.contains("seed") ? SEED_MODES : List.<String>of()) {
        int port = Fresh.port();
        try (SeedDesign seed = SeedDesign.start(repo.resolve("bench/seed_design"), port, seedRedis, SECRET, mode.trim())) {
          complete &= measure(wrk, "seed design (FastAPI, enqueue " + mode.trim() + ")", "http://127.0.0.1:" + port + "/webhook/vexa",
              Load.POST, seed);
        }
        seedDb.send(Request.cmd(Command.FLUSHDB)).await();
      }
      if (ROUNDS > 0 && SEED_MODES.stream().anyMatch(mode -> mode.trim().equals("list"))) {
        complete &= rounds(wrk, base, seedRedis, seedDb);
      }
    } finally {
      seedDb.close().await();
    }
    return complete;
  }

  /** ROUNDS pairs: the applying service, then the seed design's list variant, each a measured window of its own. */
  private boolean rounds(Wrk wrk, String base, String seedRedis, Redis seedDb) throws Exception {
    boolean complete = true;
    int port = Fresh.port();
    try (SeedDesign seed = SeedDesign.start(repo.resolve("bench/seed_design"), port, seedRedis, SECRET, "list")) {
      for (int round = 1; round <= ROUNDS; round++) {
        complete &= measure(wrk, "round " + round + ": service POST (applying)", base + "/webhook/vexa", Load.APPLIED, null, ROUND_WARMUP_S, report.rounds);
        complete &= measure(wrk, "round " + round + ": seed design (list)", "http://127.0.0.1:" + port + "/webhook/vexa", Load.POST, seed,
            ROUND_WARMUP_S, report.rounds);
        seedDb.send(Request.cmd(Command.FLUSHDB)).await();
      }
    }
    return complete;
  }

  /** What a target is sent: plain GETs, signed webhooks, or signed webhooks the service applies (its rows counted). */
  private enum Load { GET, POST, APPLIED }

  /**
   * One target: a warm-up, then the measured window, fresh signed bodies for each, for a meeting of their own
   * (rows from earlier targets do not weigh on its merges). For the service, also how far its inbox consumer kept
   * up (its rows counted before and after) and how long the backlog it left took to apply, before the next
   * target takes the cores.
   */
  private boolean measure(Wrk wrk, String name, String url, Load load, SeedDesign seed) throws Exception {
    return measure(wrk, name, url, load, seed, WARMUP_S, report.targets);
  }

  private boolean measure(Wrk wrk, String name, String url, Load load, SeedDesign seed, int warmupSeconds,
                          List<IntakeReport.Target> into) throws Exception {
    Path warmupBodies = null;
    Path bodies = null;
    String rows = null;
    if (load != Load.GET) {
      String nativeId = "intake-" + Fresh.id();
      long meetingId = tables.insertMeeting(nativeId, "intake-session-" + Fresh.id());
      rows = load == Load.APPLIED ? "SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId : null;
      // Both before the warm-up, so nothing is written between it and the window; each segment is sent once.
      warmupBodies = writeBodies("warmup-requests", url, nativeId, warmupSeconds);
      bodies = writeBodies("window-requests", url, nativeId, MEASURE_S);
    }
    wrk.run(url, warmupBodies, warmupSeconds);
    long rowsBefore = rows == null ? 0 : tables.count(rows);
    long seedBefore = seed == null ? 0 : seed.cpuNanos();
    long t0 = System.nanoTime();
    CpuMeter.Snapshot usage = cpu.start(() -> 0);
    Wrk.Result result = wrk.run(url, bodies, MEASURE_S);
    CpuMeter.Usage used = usage.until();
    double window = (System.nanoTime() - t0) / 1e9;
    IntakeReport.Target target = new IntakeReport.Target(name, result, used, seed == null ? 0 : (seed.cpuNanos() - seedBefore) / 1e9 / window);
    if (rows != null) {
      target.applied = (tables.count(rows) - rowsBefore) / window;
      target.backlog = inboxLength();
      long drainStart = System.nanoTime();
      target.backlogLeft = untilInboxEmpty(Duration.ofSeconds(120));
      target.drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    }
    into.add(target);
    if (bodies != null) {
      SeedWebhooks.deleteRequests(warmupBodies, THREADS);
      SeedWebhooks.deleteRequests(bodies, THREADS);
    }
    return result.socketErrors() == 0 && result.requests() > 0;
  }

  /** Signed webhooks for {@code seconds} of wrk (BODIES_PER_SECOND each), for segments no earlier target was sent. */
  private Path writeBodies(String name, String url, String nativeId, int seconds) throws IOException {
    Path prefix = root.resolve(name);
    long count = (long) seconds * BODIES_PER_SECOND;
    webhooks.writeRequests(prefix, THREADS, URI.create(url), nativeId, nextSegment, count);
    nextSegment += count;
    return prefix;
  }

  // --- paced: open loop at fixed rates ----------------------------------------------------------------

  /** The bare server at the highest rate (the limit beside), then the applying service at each rate. */
  private boolean paced(TargetDialer service) throws Exception {
    double seedRate = PACED_SEED_RATE > 0 ? PACED_SEED_RATE : report.seedRate();
    if (Double.isNaN(seedRate)) {
      System.err.println("bench: the paced part needs the seed design's rate: measure the seed (-Dbench.intakeTargets with seed) or set -Dbench.pacedSeedRate");
      return false;
    }
    report.pacedSeedRate = seedRate;
    boolean complete = true;
    try (PacedLoad load = new PacedLoad(THREADS)) {
      try (BareServer.Running bare = BareServer.start(CORES)) {
        double top = Arrays.stream(PACED_MULTIPLES).max().orElse(IntakeReport.RATIO_TARGET);
        complete &= pacedRun(load, "bare Vert.x server (POST, reads body)", bare.port(), top * seedRate, "paced-bare", null);
      }
      for (double multiple : PACED_MULTIPLES) {
        String nativeId = "paced-" + Fresh.id();
        long meetingId = tables.insertMeeting(nativeId, "paced-session-" + Fresh.id());
        complete &= pacedRun(load, String.format(Locale.ROOT, "service POST (applying) at %.1fx", multiple), service.httpPort(),
            multiple * seedRate, nativeId, meetingId);
      }
    }
    return complete;
  }

  /**
   * One open-loop run (wrk's thread count of event loops): a warm-up at the rate, then the measured window, each request a
   * new segment signed as it is sent.
   * {@code meetingId} is the meeting whose rows are counted, null for the bare server.
   */
  private boolean pacedRun(PacedLoad load, String name, int port, double rate, String nativeId, Long meetingId) throws Exception {
    AtomicLong segment = new AtomicLong(nextSegment);
    URI url = URI.create("http://127.0.0.1:" + port + "/webhook/vexa");
    Supplier<Buffer> requests = () -> Buffer.buffer(webhooks.rawRequest(url, nativeId, segment.getAndIncrement()));
    load.run(port, CONNECTIONS, rate, requests, Duration.ofSeconds(PACED_WARMUP_S));
    String rows = meetingId == null ? null : "SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId;
    long rowsBefore = rows == null ? 0 : tables.count(rows);
    CpuMeter.Snapshot usage = cpu.start(load::cpuNanos);
    PacedLoad.Result result = load.run(port, CONNECTIONS, rate, requests, Duration.ofSeconds(MEASURE_S));
    IntakeReport.Paced paced = new IntakeReport.Paced(name, rate, result, usage.until());
    if (rows != null) {
      paced.applied = (tables.count(rows) - rowsBefore) / result.seconds();
      paced.backlog = inboxLength();
      paced.backlogLeft = untilInboxEmpty(Duration.ofSeconds(120));
    }
    report.paced.add(paced);
    nextSegment = segment.get();
    return result.failed() == 0 && result.ok() > 0;
  }

  // --- bursts ---------------------------------------------------------------------------------------

  private boolean bursts(TargetDialer service) throws Exception {
    boolean complete = true;
    try (LoadGenerator load = new LoadGenerator(CORES, BURST_IN_FLIGHT)) {
      for (int copies : BURST_COPIES) {
        for (int repeat = 1; repeat <= BURST_REPEATS; repeat++) {
          IntakeReport.Burst burst = burst(load, service, copies, repeat);
          report.bursts.add(burst);
          complete &= burst.rows == BURST_SEGMENTS;
        }
      }
    }
    return complete;
  }

  /**
   * One burst into a fresh meeting: every webhook built and signed before the clock starts, then sent
   * BURST_IN_FLIGHT at a time (refused ones re-sent, as Vexa does); count(*) polled every 100 ms until
   * every segment is a row, and the inbox every second (entries are deleted once applied, so its length
   * is what is left; pending ones were read but not acknowledged).
   */
  private IntakeReport.Burst burst(LoadGenerator load, TargetDialer service, int copies, int repeat) throws Exception {
    String nativeId = "burst-" + Fresh.id();
    long meetingId = tables.insertMeeting(nativeId, "burst-session-" + Fresh.id());
    int total = BURST_SEGMENTS * copies;
    LoadGenerator.Request[] requests = new LoadGenerator.Request[total];
    // Blocks of 200 segments, each block's versions in order: a segment's copies arrive close together, as Vexa re-sends a growing one.
    int next = 0;
    for (int block = 0; block < BURST_SEGMENTS; block += 200) {
      for (int version = 0; version < copies; version++) {
        for (int n = block; n < Math.min(BURST_SEGMENTS, block + 200); n++) {
          requests[next++] = webhooks.signed(nativeId, n, version, copies);
        }
      }
    }
    String rows = "SELECT count(*) FROM td_transcript_segments WHERE meeting_id = " + meetingId;
    String deadLetters = "SELECT count(*) FROM td_dead_letters";
    long deadLettersBefore = tables.count(deadLetters);
    LogTap.Counts logBefore = inboxLog.counts();
    long persistFailuresBefore = persistFailures.count();
    IntakeReport.Burst burst = new IntakeReport.Burst(total, BURST_SEGMENTS, repeat);
    burst.pendingBefore = pending();
    burst.backlogBefore = inboxLength();

    AtomicInteger issued = new AtomicInteger();
    CompletableFuture<Void> stall = STALL_S > 0 ? CompletableFuture.runAsync(() -> holdMeetingRow(meetingId)) : CompletableFuture.completedFuture(null);
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(BURST_TIMEOUT_S).toNanos();
    CpuMeter.Snapshot usage = cpu.start(load::cpuNanos);
    CompletableFuture<LoadGenerator.Result> posted = CompletableFuture.supplyAsync(() -> load.run(service.httpPort(), "/webhook/vexa",
        BURST_IN_FLIGHT, () -> requests[issued.getAndIncrement()], total, Duration.ofSeconds(BURST_TIMEOUT_S), true));
    long found = 0;
    long lastSample = 0;
    double lastRowAt = Double.NaN;
    double appliedAt = Double.NaN;
    long rowsAtLastMove = 0;
    long lastMove = System.nanoTime();
    long lastStuckNote = 0;
    // Until every segment is a row and the inbox is empty (the 3-copy variant's later versions are applied
    // after the last row exists), bounded by BURST_TIMEOUT_S; the timeline is kept for a slow run.
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      found = tables.count(rows);
      double at = (System.nanoTime() - start) / 1e9;
      if (found >= BURST_SEGMENTS && Double.isNaN(lastRowAt)) {
        lastRowAt = at;
      }
      if (System.nanoTime() - lastSample >= 1_000_000_000L || !Double.isNaN(lastRowAt)) {
        lastSample = System.nanoTime();
        long backlog = inboxLength();
        long pendingNow = pending();
        burst.timeline.add(new IntakeReport.Sample(at, issued.get(), found, backlog, pendingNow));
        // No new row for 5 s with work in the inbox: what the consumer group and Postgres are doing (twice at most).
        if (found == rowsAtLastMove && backlog > 0 && System.nanoTime() - lastMove > 5_000_000_000L && burst.stuck.size() < 2
            && System.nanoTime() - lastStuckNote > 10_000_000_000L) {
          lastStuckNote = System.nanoTime();
          burst.stuck.add(String.format(java.util.Locale.ROOT, "at %.0f s, no new row for %.0f s: %s", at,
              (System.nanoTime() - lastMove) / 1e9, ServiceProbe.describe(service) + "; " + stuckSnapshot()));
        }
        if (found != rowsAtLastMove) {
          rowsAtLastMove = found;
          lastMove = System.nanoTime();
        }
        if (!Double.isNaN(lastRowAt) && posted.isDone() && backlog == 0) {
          appliedAt = at;
          break;
        }
      }
    }
    burst.cpu = usage.until();
    burst.http = posted.get();
    stall.get();
    burst.lastRowSeconds = lastRowAt;
    burst.allAppliedSeconds = appliedAt;
    burst.rows = tables.count(rows);
    burst.deadLetters = tables.count(deadLetters) - deadLettersBefore;
    burst.backlogAfter = inboxLength();
    burst.pendingAfter = pending();
    burst.persistFailures = persistFailures.count() - persistFailuresBefore;
    burst.log = inboxLog.counts().since(logBefore);
    // The next burst starts on an empty inbox, so each one is timed alone (bounded; a leftover is reported).
    untilInboxEmpty(Duration.ofSeconds(60));
    return burst;
  }

  /** The fault of STALL_S: a transaction holding the meeting's row lock, on a connection of its own. */
  private void holdMeetingRow(long meetingId) {
    DatabaseUrl db = dbUrl;
    try (Connection holder = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      Thread.sleep(3_000);
      holder.setAutoCommit(false);
      try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM td_meetings WHERE id = ? FOR UPDATE")) {
        lock.setLong(1, meetingId);
        lock.executeQuery().close();
      }
      System.err.printf("bench: holding meeting %d's row lock for %d s%n", meetingId, STALL_S);
      Thread.sleep(STALL_S * 1000L);
      holder.commit();
    } catch (SQLException | InterruptedException e) {
      System.err.println("bench: the stall failed: " + e);
    }
  }

  /**
   * Where an inbox entry waits when rows stop moving: the consumer group (XINFO GROUPS: pending, last delivered;
   * XINFO CONSUMERS: pending and idle per consumer) and Postgres (pg_stat_activity: state and wait per backend).
   */
  private String stuckSnapshot() {
    StringBuilder out = new StringBuilder();
    try {
      Response groups = redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(INBOX)).await();
      out.append("group ").append(groups);
      Response consumers = redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(INBOX).arg("capture")).await();
      out.append("; consumers ").append(consumers);
    } catch (RuntimeException e) {
      out.append("XINFO failed: ").append(e.getMessage());
    }
    try (PreparedStatement query = jdbc.prepareStatement("""
        SELECT state, coalesce(wait_event_type || ':' || wait_event, '-') AS waiting, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query,
               round(extract(epoch FROM now() - query_start)::numeric, 1) AS seconds
        FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY query_start""");
         ResultSet rows = query.executeQuery()) {
      out.append("; Postgres backends:");
      while (rows.next()) {
        out.append(String.format(java.util.Locale.ROOT, " [%s, %s, %s s: %s]", rows.getString("state"), rows.getString("waiting"),
            rows.getString("seconds"), rows.getString("query")));
      }
    } catch (SQLException e) {
      out.append("; pg_stat_activity failed: ").append(e.getMessage());
    }
    return out.toString();
  }

  // --- helpers --------------------------------------------------------------------------------------

  private long inboxLength() {
    return redis.send(Request.cmd(Command.XLEN).arg(INBOX)).await().toLong();
  }

  /** Entries read by the consumer group and not acknowledged yet (XPENDING's summary count). */
  private long pending() {
    try {
      Response summary = redis.send(Request.cmd(Command.XPENDING).arg(INBOX).arg("capture")).await();
      return summary == null || summary.size() == 0 ? 0 : summary.get(0).toLong();
    } catch (RuntimeException noGroupYet) {
      return -1;
    }
  }

  /** Waits until the service's inbox is empty, or the timeout; returns what is left. */
  private long untilInboxEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long left = inboxLength();
    while (left > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = inboxLength();
    }
    return left;
  }
}
