package com.targetdialer.bench;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 18: how many live meetings one node follows at p99 persist lag ≤ 1 s with nothing lost.
 * The service on embedded stores, a fake Vexa 0.12 on loopback ({@link FakeVexa}), ONE {@code /ws}
 * from the service; every live meeting says one segment every 2 s, as a draft then 1 s later its
 * confirmation. Lag = the confirmed row's {@code updated_at} minus when its confirming frame was
 * sent (same clock); "visible" = when PersistVerticle published it after commit ({@link CommitProbe}).
 * Levels ramp up (meetings are only ever added), each with a warm-up and a measured hold; or, with
 * {@code -Dcapacity.soak=S}, one level held S seconds with memory printed every minute, then every
 * meeting ended and memory printed again. With {@code -Dcapacity.page=true} (the default) one person's
 * page follows the first live meeting, and its latency is measured alone first, then in every hold.
 * Exit 0 once printed, 1 on an error, 4 if the watchdog fired.
 */
public final class CapacityBench {

  private static final int[] LEVELS = Arrays.stream(System.getProperty("capacity.levels", "2000,5000,8000,10000,12000").split(","))
      .map(String::trim).mapToInt(Integer::parseInt).toArray();
  private static final int HOLD_S = Integer.getInteger("capacity.hold", 60);
  private static final int WARMUP_S = Integer.getInteger("capacity.warmup", 20);
  /** How long after a hold its confirmations may still arrive before they count as not persisted. */
  private static final int DRAIN_S = Integer.getInteger("capacity.drain", 15);
  private static final int SUBSCRIBE_WAIT_S = Integer.getInteger("capacity.subscribeWait", 120);
  private static final int SOAK_S = Integer.getInteger("capacity.soak", 0);
  private static final int SOAK_LEVEL = Integer.getInteger("capacity.soakLevel", 10_000);
  /** The service's default; the resync is what finds the meetings, and what it costs at this many is part of the load. */
  private static final int RESYNC_S = Integer.getInteger("capacity.resync", 5);
  /** Levels above one that failed only take time and pile a backlog onto the next: stop unless asked. */
  private static final boolean CONTINUE_AFTER_FAIL = Boolean.getBoolean("capacity.continueAfterFail");
  private static final String RESULTS = System.getProperty("capacity.results");
  /** One person's page in headless Chromium following one live meeting: its latency alone, then at each level ({@link LivePage}). */
  private static final boolean PAGE = Boolean.parseBoolean(System.getProperty("capacity.page", "true"));
  /** How long after a hold the page may still show its segments. */
  private static final int PAGE_WAIT_S = 10;

  private CapacityBench() {
  }

  public static void main(String[] args) {
    int perLevel = SUBSCRIBE_WAIT_S + WARMUP_S + HOLD_S + DRAIN_S + (PAGE ? PAGE_WAIT_S : 0) + 30;
    int pageS = PAGE ? SUBSCRIBE_WAIT_S + 3 * 60 + HOLD_S + PAGE_WAIT_S : 0; // the page opened (its bounded waits), then alone
    int watchdog = Integer.getInteger("capacity.watchdog",
        pageS + (SOAK_S > 0 ? perLevel + SOAK_S + 2 * Math.max(120, SOAK_LEVEL / 25) + 240 : perLevel * LEVELS.length + 240));
    Watchdog.start(watchdog);
    ErrorLog errors = ErrorLog.attach();
    int exit;
    try {
      exit = run(errors, watchdog);
    } catch (Exception | Error e) { // an Error too: the service's threads would keep the JVM up until the watchdog
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit);
  }

  private static int run(ErrorLog errors, int watchdog) throws Exception {
    Path dir = Files.createTempDirectory("td-capacity");
    FakeVexa vexa = new FakeVexa();
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
         EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir.resolve("redis"), 0)) {
      int vexaPort = vexa.start();
      Map<String, String> env = BenchEnv.onStores(postgres, redis);
      env.put("VEXA_API_URL", "http://127.0.0.1:" + vexaPort);
      env.put("VEXA_API_KEY", vexa.apiKey());
      env.put("LIVE_RESYNC_INTERVAL_S", String.valueOf(RESYNC_S));
      env.put("UI_TOKEN", "capacity-bench-ui-token-0001"); // else the service prints a generated one on stdout
      if (PAGE) {
        LivePage.signIn(env);
      }
      CpuMeter cpu = new CpuMeter(dir.resolve("pg"));
      CpuMeter.Usage idle = idleMachine(cpu);
      TargetDialer service = TargetDialer.start(new Arguments(null, false), env);
      LivePage page = null;
      try (Connection db = DriverManager.getConnection(postgres.url().jdbcUrl(), "postgres", null)) {
        CommitProbe probe = CommitProbe.attach(service.vertx(), vexa::nowMicros);
        LiveMeetings meetings = new LiveMeetings(db);
        CapacityReport report = new CapacityReport(SOAK_S > 0);
        report.machine(idle, String.format(java.util.Locale.ROOT,
            "one /ws from the service; each live meeting: 1 segment / 2 s (draft, then its confirmation 1 s later); levels %s; "
                + "warm-up %d s, hold %d s, drain up to %d s; LIVE_RESYNC_INTERVAL_S %d; DB_POOL_SIZE and the rest: the service's defaults; "
                + "Postgres and Redis embedded, loopback; watchdog %d s",
            SOAK_S > 0 ? "[" + SOAK_LEVEL + "] soak " + SOAK_S + " s" : Arrays.toString(LEVELS), WARMUP_S, HOLD_S, DRAIN_S, RESYNC_S, watchdog));
        Thread.sleep(5_000); // the service's start-up work (migrations, first sweeps) done before the baseline
        heapAfterGc();
        report.baselineHeap = heapAfterGc();
        report.baselineRss = rssKb();
        page = PAGE ? openPage(service, vexa, meetings) : null;
        Run run = new Run(vexa, meetings, probe, cpu, errors, page);
        if (page != null) {
          report.pageAlone = run.pageAlone(HOLD_S);
        }
        long started = System.nanoTime();
        if (SOAK_S > 0) {
          run.soak(report);
        } else {
          for (int level : LEVELS) {
            CapacityReport.Level result = run.level(level, HOLD_S);
            report.levels.add(result);
            report.printLevel(result);
            if (!result.holds() && !CONTINUE_AFTER_FAIL) {
              report.stoppedEarly = true;
              break;
            }
          }
        }
        report.totalSeconds = (System.nanoTime() - started) / 1e9;
        report.connections = vexa.connections();
        String text = report.print();
        if (RESULTS != null) {
          Files.writeString(Path.of(RESULTS), text);
        }
      } finally {
        if (page != null) {
          page.close();
        }
        vexa.quiet();
        Thread.sleep(2_000); // what was sent is written before the service stops
        service.stop();
        vexa.close();
      }
    } finally {
      deleteQuietly(dir);
    }
    return 0;
  }

  /**
   * The page's person owns the first live meeting, the only one so far: the page opens once it is
   * subscribed, so that it has live segments to show.
   */
  private static LivePage openPage(TargetDialer service, FakeVexa vexa, LiveMeetings meetings) throws Exception {
    LiveMeetings.Meeting followed = meetings.growTo(1).get(0);
    meetings.own(followed.id(), LivePage.PERSON);
    vexa.add(List.of(followed));
    if (!waitFor(SUBSCRIBE_WAIT_S, () -> vexa.subscribed() >= 1)) {
      throw new IllegalStateException("the page's meeting was not subscribed within " + SUBSCRIBE_WAIT_S + " s");
    }
    return LivePage.open(service.vertx(), service.httpPort(), followed.id());
  }

  /** One run's moving parts; {@code page} is null without {@code capacity.page}. */
  private record Run(FakeVexa vexa, LiveMeetings meetings, CommitProbe probe, CpuMeter cpu, ErrorLog errors, LivePage page) {

    /** The page's latency with only its meeting live: what "unchanged at that load" compares with. */
    LivePage.Figures pageAlone(int holdS) throws Exception {
      page.start();
      Thread.sleep(holdS * 1000L);
      page.stop();
      return page.figures(PAGE_WAIT_S);
    }

    /** Grows to {@code level} live meetings, warms up, and measures a hold of {@code holdS} seconds. */
    CapacityReport.Level level(int level, int holdS) throws Exception {
      CapacityReport.Level result = growAndWarmUp(level);
      measure(result, holdS);
      return result;
    }

    /** Grows to {@code level} live meetings, notes how many the service subscribed and how fast, then warms up. */
    private CapacityReport.Level growAndWarmUp(int level) throws Exception {
      CapacityReport.Level result = new CapacityReport.Level(level);
      long subscribeStart = System.nanoTime();
      vexa.add(meetings.growTo(level));
      // The service finds new meetings at its next resync and subscribes each; bounded by SUBSCRIBE_WAIT_S.
      boolean all = waitFor(SUBSCRIBE_WAIT_S, () -> vexa.subscribed() >= level);
      result.subscribed = vexa.subscribed();
      result.subscribeSeconds = all ? (System.nanoTime() - subscribeStart) / 1e9 : Double.NaN;
      Thread.sleep(WARMUP_S * 1000L);
      return result;
    }

    void measure(CapacityReport.Level result, int holdS) throws Exception {
      long errors0 = errors.errors();
      long warnings0 = errors.warnings();
      long exceptions0 = errors.exceptions();
      long dead0 = meetings.deadLetters();
      int connections0 = vexa.connections();
      CpuMeter.Snapshot usage = cpu.start(vexa::cpuNanos);
      probe.start();
      if (page != null) {
        page.start();
      }
      vexa.startWindow();
      Thread.sleep(holdS * 1000L);
      FakeVexa.Window window = vexa.endWindow();
      if (page != null) {
        page.stop();
      }
      result.cpu = usage.until();
      result.holdSeconds = (window.endMicros - window.startMicros) / 1e6;
      result.window = window;
      // Until every confirmation of the hold was published after its commit, at most DRAIN_S.
      Map<Long, Long> visible = new HashMap<>();
      long drainStart = System.nanoTime();
      waitFor(DRAIN_S, () -> {
        probe.drainInto(visible);
        for (int i = 0; i < window.confirmations; i++) {
          if (!visible.containsKey(LiveMeetings.key(window.meetingIds[i], window.seqs[i]))) {
            return false;
          }
        }
        return true;
      });
      result.drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      probe.stop();
      if (page != null) {
        result.page = page.figures(PAGE_WAIT_S);
      }
      probe.drainInto(visible);
      Map<Long, Long> written = meetings.confirmedSince(window.startMicros - 10_000_000);
      Latencies lags = new Latencies();
      Latencies visibleLags = new Latencies();
      List<Latencies> buckets = new ArrayList<>();
      for (int i = 0; i < window.confirmations; i++) {
        long key = LiveMeetings.key(window.meetingIds[i], window.seqs[i]);
        Long updated = written.get(key);
        if (updated != null) {
          result.persisted++;
          lags.add((updated - window.sentMicros[i]) * 1_000);
          int bucket = (int) Math.max(0, (window.sentMicros[i] - window.startMicros) / (CapacityReport.BUCKET_S * 1_000_000L));
          while (buckets.size() <= bucket) {
            buckets.add(new Latencies());
          }
          buckets.get(bucket).add((updated - window.sentMicros[i]) * 1_000);
        }
        Long seen = visible.get(key);
        if (seen != null) {
          visibleLags.add((seen - window.sentMicros[i]) * 1_000);
        }
      }
      result.summarize(lags, visibleLags, buckets);
      window.dropSegments();
      result.errors = errors.errors() - errors0;
      result.exceptions = errors.exceptions() - exceptions0;
      result.warnings = errors.warnings() - warnings0;
      result.firstError = errors.first();
      result.deadLetters = meetings.deadLetters() - dead0;
      result.reconnects = vexa.connections() - connections0;
      result.leases = meetings.leases();
      written.clear();
      visible.clear();
      result.heapAfterGc = heapAfterGc();
      result.rssKb = rssKb();
    }

    /**
     * One level held for the soak, measured minute by minute (memory each time), then every meeting
     * ended on the stream; memory again once the service has let go of them.
     */
    void soak(CapacityReport report) throws Exception {
      CapacityReport.Level first = growAndWarmUp(SOAK_LEVEL);
      int minutes = Math.max(1, (SOAK_S + 59) / 60);
      for (int minute = 1; minute <= minutes; minute++) {
        CapacityReport.Level result = minute == 1 ? first : new CapacityReport.Level(SOAK_LEVEL);
        result.subscribed = first.subscribed;
        result.subscribeSeconds = first.subscribeSeconds;
        result.minute = minute;
        measure(result, Math.min(60, SOAK_S - (minute - 1) * 60));
        report.levels.add(result);
        report.printLevel(result);
      }
      long errors0 = errors.errors();
      long endStart = System.nanoTime();
      report.endFrames = vexa.endAll();
      // The statuses go through PersistVerticle; the next resync unfollows, releases the leases and forgets them.
      // Every status is its own transaction: 1,000 at once took about 12 s on a busy 2-core machine.
      int endWait = Math.max(120, SOAK_LEVEL / 25);
      boolean ended = waitFor(endWait, () -> meetings.inFlight() == 0);
      report.endWait = endWait;
      report.endSeconds = ended ? (System.nanoTime() - endStart) / 1e9 : Double.NaN;
      report.stillInFlight = meetings.inFlight();
      waitFor(60, () -> meetings.leases() == 0);
      Thread.sleep((2L * RESYNC_S + 5) * 1000L); // two resyncs more
      waitFor(endWait, () -> meetings.notBackfilled() == 0);
      report.notBackfilled = meetings.notBackfilled();
      vexa.forgetEnded(); // its own per-meeting state, so that what the heap keeps is the service's
      report.leasesAfterEnd = meetings.leaseSummary();
      report.heapAfterEnd = heapAfterGc();
      report.rssAfterEnd = rssKb();
      report.errorsAtEnd = errors.errors() - errors0;
      report.framesAfterEnd = vexa.framesSent();
    }
  }

  /** Polls every 200 ms until true or {@code seconds} passed; false on timeout. */
  private static boolean waitFor(int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (check.ok()) {
        return true;
      }
      Thread.sleep(200);
    }
    return check.ok();
  }

  @FunctionalInterface
  private interface Check {
    boolean ok() throws Exception;
  }

  private static CpuMeter.Usage idleMachine(CpuMeter cpu) throws InterruptedException {
    CpuMeter.Snapshot idle = cpu.start(() -> 0);
    Thread.sleep(1_000);
    return idle.until();
  }

  /** Heap in use right after a full collection (System.gc: G1 does a full, stop-the-world one). */
  static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** This process's resident set (VmRSS of /proc/self/status), in kB; -1 where there is none. */
  static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
    }
  }
}
