package com.targetdialer.bench;

import static com.targetdialer.bench.ReportFormat.line;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** bench/intake's figures, printed as a small table once everything is measured (Report's layout). */
final class IntakeReport {

  static final double RATIO_TARGET = 3.0;
  private static final double P99_TARGET_MS = 10.0;
  private static final double BURST_TARGET = 1.5;

  /** One wrk target: its result, where the CPU went, and for the service how far its consumer kept up. */
  static final class Target {
    final String name;
    final Wrk.Result result;
    final CpuMeter.Usage cpu;
    /** Cores used by the seed design's processes during the window (0 for the others). */
    final double seedCores;
    double applied = Double.NaN;
    long backlog;
    long backlogLeft;
    double drainSeconds;

    Target(String name, Wrk.Result result, CpuMeter.Usage cpu, double seedCores) {
      this.name = name;
      this.result = result;
      this.cpu = cpu;
      this.seedCores = seedCores;
    }

    boolean isSeed() {
      return name.startsWith("seed design");
    }
  }

  /** One open-loop run at a fixed rate (part "paced"); for the service also how far its consumer kept up. */
  static final class Paced {
    final String name;
    final double offered;
    final PacedLoad.Result result;
    final CpuMeter.Usage cpu;
    double applied = Double.NaN;
    long backlog;
    long backlogLeft;

    Paced(String name, double offered, PacedLoad.Result result, CpuMeter.Usage cpu) {
      this.name = name;
      this.offered = offered;
      this.result = result;
      this.cpu = cpu;
    }
  }

  /** One point of a burst's timeline: seconds since the first send, requests issued, rows, inbox length, pending entries. */
  record Sample(double at, long issued, long rows, long backlog, long pending) {
  }

  /** One burst. */
  static final class Burst {
    final int webhooks;
    final int segments;
    final int repeat;
    final List<Sample> timeline = new ArrayList<>();
    /** Snapshots taken when rows stopped moving (IntakeBench.stuckSnapshot). */
    final List<String> stuck = new ArrayList<>();
    LoadGenerator.Result http;
    CpuMeter.Usage cpu;
    double lastRowSeconds;
    double allAppliedSeconds;
    long rows;
    long deadLetters;
    long backlogBefore;
    long pendingBefore;
    long backlogAfter;
    long pendingAfter;
    long persistFailures;
    LogTap.Counts log;

    Burst(int webhooks, int segments, int repeat) {
      this.webhooks = webhooks;
      this.segments = segments;
      this.repeat = repeat;
    }

    /** Last row (or, with several copies per segment, everything applied) over the burst's own duration. */
    double ratio() {
      double done = webhooks > segments ? allAppliedSeconds : lastRowSeconds;
      return done / http.seconds();
    }
  }

  private String machine;
  private String settings;
  private int threads;
  private int connections;
  private int burstInFlight;
  CpuMeter.Usage before;
  final List<Target> targets = new ArrayList<>();
  /** Alternating measured windows after the first pass: service, seed, service, seed, ... */
  final List<Target> rounds = new ArrayList<>();
  final List<Paced> paced = new ArrayList<>();
  /** The seed design's rate the paced runs are multiples of. */
  double pacedSeedRate = Double.NaN;
  final List<Burst> bursts = new ArrayList<>();

  void machine(int cores, int threads, int connections, int warmup, int measure, int burstSegments, int[] copies, int repeats,
               int burstInFlight) {
    this.threads = threads;
    this.connections = connections;
    this.burstInFlight = burstInFlight;
    machine = ReportFormat.machine(cores);
    settings = String.format(Locale.ROOT, "wrk %d threads, %d connections, warm-up %d s + measured %d s per target, signed seed-shaped "
            + "webhooks (one segment, new segment each request, read by wrk from files as it sends) with timestamps of that run; service: HTTP instances = cores, inbox "
            + "consumer applying; seed: uvicorn 2 workers, uvloop, httptools, Debian python3; bursts: %,d segments x %s copies, %d runs "
            + "each, %d in flight (Java client, this JVM); Postgres and Redis embedded, loopback",
        threads, connections, warmup, measure, burstSegments, Arrays.toString(copies), repeats, burstInFlight);
  }

  void print(double seconds) {
    StringBuilder out = new StringBuilder();
    line(out, "TargetDialer intake benchmark (issue 18), %.0f s", seconds);
    line(out, "machine: %s", machine);
    line(out, "settings: %s", settings);
    line(out, "before the run (1 s idle): %s  <- other work on the machine skews every figure", before);
    line(out, "");
    if (!targets.isEmpty()) {
      printTargets(out);
    }
    if (!rounds.isEmpty()) {
      printRounds(out);
    }
    if (!paced.isEmpty()) {
      printPaced(out);
    }
    if (!bursts.isEmpty()) {
      printBursts(out);
    }
    System.out.print(out);
    System.out.flush();
  }

  private void printTargets(StringBuilder out) {
    line(out, "(1) signed webhook acceptance, wrk, one run");
    line(out, "    %-40s %9s %8s %8s %8s %7s  %s", "target", "2xx/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "CPU (cores)");
    for (Target target : targets) {
      Wrk.Result r = target.result;
      // CpuMeter's "rest" holds wrk and the seed's processes (not this JVM's threads): shown apart.
      String cpu = String.format(Locale.ROOT, "%s; wrk %.2f%s", target.cpu, r.wrkCores(),
          target.isSeed() ? String.format(Locale.ROOT, ", seed processes %.2f", target.seedCores) : "");
      line(out, "    %-40s %,9.0f %8.2f %8.2f %8.1f %,7d  %s%s%s", target.name, r.okPerSecond(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.non2xx(), cpu,
          r.socketErrors() > 0 ? "  SOCKET ERRORS " + r.socketErrors() : "", repeats(r));
      if (!Double.isNaN(target.applied)) {
        line(out, "    %-40s %,9.0f rows/s applied during the window; inbox backlog at its end %,d, applied %s %.1f s later",
            "  its inbox consumer, same cores", target.applied, target.backlog, target.backlogLeft == 0 ? "all" : "NOT all (" + target.backlogLeft + " left)",
            target.drainSeconds);
      }
    }
    Target service = targets.stream().filter(t -> t.name.startsWith("service POST")).findFirst().orElse(null);
    Target bestSeed = targets.stream().filter(Target::isSeed).max((a, b) -> Double.compare(a.result.okPerSecond(), b.result.okPerSecond())).orElse(null);
    Target bare = targets.stream().filter(t -> t.name.startsWith("bare")).findFirst().orElse(null);
    if (service != null) {
      if (bare != null) {
        line(out, "    service POST / bare Vert.x                %8.0f%%", 100 * service.result.okPerSecond() / bare.result.okPerSecond());
      }
      for (Target seed : targets.stream().filter(Target::isSeed).toList()) {
        double ratio = service.result.okPerSecond() / seed.result.okPerSecond();
        line(out, "    service POST / %-27s %7.2fx%s", seed.name.replace("seed design ", "seed "), ratio,
            seed == bestSeed ? String.format(Locale.ROOT, "   target >= %.0fx (against the fastest seed variant): %s", RATIO_TARGET,
                ratio >= RATIO_TARGET ? "met" : "MISSED") : "");
      }
      double p99 = service.result.p99Ms();
      line(out, "    service POST p99 at %d connections      %8.2f ms   target <= %.0f ms: %s", connections, p99, P99_TARGET_MS,
          p99 <= P99_TARGET_MS ? "met" : "MISSED");
    }
    line(out, "    (CPU: server JVM = the service or the bare server; rest = everything outside this JVM, Postgres and Redis,"
        + " of which wrk and the seed's uvicorn processes are shown)");
    line(out, "");
  }

  private void printRounds(StringBuilder out) {
    line(out, "(1b) the applying service and the seed design (list) in turn, %d rounds, warm-up %d s each", rounds.size() / 2,
        IntakeBench.ROUND_WARMUP_S);
    line(out, "    %-40s %9s %8s %8s %8s  %s", "round", "2xx/s", "p50 ms", "p99 ms", "ratio", "CPU (cores)");
    List<Double> ratios = new ArrayList<>();
    List<Double> p99s = new ArrayList<>();
    for (int i = 0; i + 1 < rounds.size(); i += 2) {
      Target service = rounds.get(i);
      Target seed = rounds.get(i + 1);
      double ratio = service.result.okPerSecond() / seed.result.okPerSecond();
      ratios.add(ratio);
      p99s.add(service.result.p99Ms());
      for (Target target : List.of(service, seed)) {
        line(out, "    %-40s %,9.0f %8.2f %8.2f %8s  %s; wrk %.2f%s", target.name, target.result.okPerSecond(), target.result.p50Ms(),
            target.result.p99Ms(), target == seed ? String.format(Locale.ROOT, "%.2fx", ratio) : "", target.cpu, target.result.wrkCores(),
            repeats(target.result));
      }
    }
    double median = median(ratios);
    line(out, "    service / seed, median of the rounds   %7.2fx (lowest %.2fx, highest %.2fx)   target >= %.0fx: %s", median,
        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
        RATIO_TARGET, median >= RATIO_TARGET ? "met" : "MISSED");
    double p99 = median(p99s);
    line(out, "    service p99, median of the rounds       %7.2f ms   target <= %.0f ms: %s", p99, P99_TARGET_MS, p99 <= P99_TARGET_MS ? "met" : "MISSED");
    line(out, "");
  }

  /** The seed design's rate: the median of its rounds, else its first pass (list variant); NaN when it was not measured. */
  double seedRate() {
    List<Double> seedRounds = new ArrayList<>();
    for (int i = 1; i < rounds.size(); i += 2) {
      seedRounds.add(rounds.get(i).result.okPerSecond());
    }
    if (!seedRounds.isEmpty()) {
      return median(seedRounds);
    }
    return targets.stream().filter(target -> target.name.equals("seed design (FastAPI, enqueue list)"))
        .mapToDouble(target -> target.result.okPerSecond()).findFirst().orElse(Double.NaN);
  }

  private void printPaced(StringBuilder out) {
    line(out, "(1c) open loop: signed webhooks at a fixed rate, multiples of the seed design's %,.0f/s, at most %d connections (a lean Java "
        + "client in this JVM, %d event loops), warm-up %d s + %d s; latency from when each request was due, so a stall counts in full", pacedSeedRate, connections, threads,
        IntakeBench.PACED_WARMUP_S, paced.isEmpty() ? 0 : Math.round(paced.get(0).result.seconds()));
    line(out, "    %-40s %9s %9s %8s %8s %8s %7s  %s", "target", "offered/s", "2xx/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "CPU (cores)");
    Paced atTarget = null;
    for (Paced run : paced) {
      PacedLoad.Result r = run.result;
      line(out, "    %-40s %,9.0f %,9.0f %8.2f %8.2f %8.1f %,7d  %s", run.name, run.offered, r.perSecond(), r.latencies().percentileMs(50),
          r.latencies().percentileMs(99), r.latencies().percentileMs(100), r.failed(), run.cpu);
      if (!Double.isNaN(run.applied)) {
        line(out, "    %-40s %,9.0f rows/s applied during the window; inbox backlog at its end %,d, left after draining %,d", "  its inbox consumer",
            run.applied, run.backlog, run.backlogLeft);
        if (Math.abs(run.offered - RATIO_TARGET * pacedSeedRate) < 1) {
          atTarget = run;
        }
      }
      if (r.firstError() != null) {
        line(out, "      first refused answer: %s", ReportFormat.abbreviate(r.firstError(), 160));
      }
    }
    if (atTarget != null) {
      double p99 = atTarget.result.latencies().percentileMs(99);
      boolean keptUp = atTarget.result.failed() == 0 && atTarget.result.perSecond() >= 0.99 * atTarget.offered && atTarget.backlogLeft == 0;
      line(out, "    service at %.0fx the seed's rate: %s, p99 %.2f ms   target <= %.0f ms: %s", RATIO_TARGET,
          keptUp ? "took every webhook and applied it" : "DID NOT KEEP UP", p99, P99_TARGET_MS, keptUp && p99 <= P99_TARGET_MS ? "met" : "MISSED");
    }
    line(out, "");
  }

  /** Said when a wrk thread ran through its file of bodies and sent some again (raise -Dbench.bodiesPerSecond). */
  private static String repeats(Wrk.Result result) {
    return result.wraps() > 0 ? "  BODIES REPEATED (files wrapped " + result.wraps() + "x)" : "";
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private void printBursts(StringBuilder out) {
    line(out, "(2) bursts of signed seed-shaped webhooks into a fresh meeting each, sent as fast as %d requests in flight allow",
        burstInFlight);
    line(out, "    %-26s %8s %9s %9s %7s %8s %9s %7s %7s %6s  %s", "burst", "send s", "last row", "applied", "ratio", "200s", "non-200",
        "re-sent", "rows", "dead", "verdict (target: done <= 1.5x the burst's duration)");
    for (Burst burst : bursts) {
      LoadGenerator.Result http = burst.http;
      double ratio = burst.ratio();
      String verdict = burst.rows < burst.segments ? "ROWS MISSING (" + burst.rows + " of " + burst.segments + ")"
          : Double.isNaN(ratio) ? "NOT DONE within the timeout" : ratio <= BURST_TARGET ? "met" : "MISSED";
      line(out, "    %-26s %8.2f %9.2f %9.2f %6.2fx %,8d %,9d %,7d %,7d %6d  %s",
          String.format(Locale.ROOT, "%,d webhooks/%,d seg #%d", burst.webhooks, burst.segments, burst.repeat),
          http.seconds(), burst.lastRowSeconds, burst.allAppliedSeconds, ratio, http.ok(), http.failed(), http.retried(), burst.rows,
          burst.deadLetters, verdict);
      LogTap.Counts log = burst.log;
      line(out, "      CPU %s; inbox before %,d (pending %,d), after %,d (pending %,d); not applied %,d, claims %d (%,d entries), "
              + "persist failures %d, read failures %d, ack failures %d%s",
          burst.cpu, burst.backlogBefore, burst.pendingBefore, burst.backlogAfter, burst.pendingAfter, log.notApplied(), log.claims(),
          log.claimed(), burst.persistFailures, log.readFailures(), log.ackFailures(),
          log.reasons().isEmpty() ? "" : "; why not applied: " + log.reasons());
      for (String note : burst.stuck) {
        line(out, "      stalled %s", note);
      }
      if (http.firstError() != null) {
        line(out, "      first refused answer: %s", ReportFormat.abbreviate(http.firstError(), 160));
      }
      // A slow or incomplete burst shows where the time went: rows, what is left in the inbox, what was read and not acknowledged.
      if (Double.isNaN(ratio) || ratio > BURST_TARGET || burst.rows < burst.segments || Boolean.getBoolean("bench.timeline")) {
        printTimeline(out, burst);
      }
    }
    line(out, "    send s = first send -> last 200; last row = first send -> count(*) reaches the segments; applied = first send -> "
        + "inbox empty after the last 200 (every copy applied); ratio = last row (1 copy) or applied (3 copies) / send s");
    line(out, "");
  }

  private static void printTimeline(StringBuilder out, Burst burst) {
    line(out, "      timeline (s: requests issued, rows, inbox length, pending):");
    StringBuilder row = new StringBuilder();
    int shown = 0;
    for (Sample sample : burst.timeline) {
      row.append(String.format(Locale.ROOT, "  %.0f: %d %d %d %d;", sample.at(), sample.issued(), sample.rows(), sample.backlog(), sample.pending()));
      if (++shown % 6 == 0) {
        line(out, "     %s", row);
        row.setLength(0);
      }
    }
    if (row.length() > 0) {
      line(out, "     %s", row);
    }
  }
}
