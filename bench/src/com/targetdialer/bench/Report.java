package com.targetdialer.bench;

import static com.targetdialer.bench.ReportFormat.line;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The figures of one run, printed as a small table once everything is measured. */
final class Report {

  private static final double ACCEPT_TARGET = 0.40;
  private static final double PERSIST_TARGET = 0.50;

  /** One level of (a): the same load against the bare server, then the service. */
  static final class Acceptance {
    final int inFlight;
    LoadGenerator.Result bare;
    LoadGenerator.Result service;
    LoadGenerator.Result ingest;
    double consumerApplied;
    long consumerPauses;
    CpuMeter.Usage bareCpu;
    CpuMeter.Usage serviceCpu;
    CpuMeter.Usage ingestCpu;

    Acceptance(int inFlight) {
      this.inFlight = inFlight;
    }

  }

  private String machine;
  private String settings;
  private int perPayload;
  private int maxInFlight;
  int envelopeBytes;
  final List<Acceptance> acceptance = new ArrayList<>();
  long inboxBacklog;
  Drain drain;
  double xaddPipelined;
  StoreLimits.Xadds xaddConnection;
  StoreLimits.Xadds xaddServiceClient;
  double bareInsertSmall;
  double bareInsertLarge;
  double mergeSmall;
  double mergeLarge;
  Benchmarks.EndToEnd e2e;
  long e2eConsumerPauses;
  long e2eUnacknowledged;
  CpuMeter.Usage e2eCpu;
  Benchmarks.EndToEnd seed;
  CpuMeter.Usage seedCpu;
  LoadGenerator.Result seedReplay;
  long seedReplayNotApplied;
  long seedRowsAfterReplay;
  long seedDeadLetters;
  CpuMeter.Usage before;

  void machine(int cores, int[] inFlight, int e2eInFlight, int clientLoops, int firstWarmup, int warmup, int measure, int segments,
               int perPayload, int seedWebhooks) {
    this.perPayload = perPayload;
    this.maxInFlight = Arrays.stream(inFlight).max().orElse(0);
    machine = ReportFormat.machine(cores);
    settings = String.format(Locale.ROOT, "client: HTTP/1.1 keep-alive, pool = requests in flight, %d event loop(s) of its own; "
            + "servers: %d HTTP verticle instances on %d event loops each; (a) in flight %s, bare levels then service levels, warm-up %d s + %d s per level, measured %d s; "
            + "(b) %,d segments, %d per webhook, %d in flight; (e) %,d seed-shaped webhooks, one segment each, %d in flight; "
            + "DB_POOL_SIZE 8; Postgres and Redis embedded, loopback",
        clientLoops, cores, 2 * cores, Arrays.toString(inFlight), firstWarmup, warmup, measure, segments, perPayload, e2eInFlight,
        seedWebhooks, e2eInFlight);
  }

  /** A backlog of status webhooks applied by the inbox consumer alone (no HTTP load). */
  record Drain(int queued, long applied, double seconds, CpuMeter.Usage usage) {
    /** Microseconds of {@code cores} per applied webhook. */
    double micros(double cores) {
      return cores * seconds / applied * 1e6;
    }
  }

  /** The run measured what it meant to: every segment arrived once, a replay added nothing, the bare server never failed. */
  boolean complete() {
    return (e2e == null || e2e.rows() == e2e.expected())
        && (seed == null || seed.rows() == seed.expected() && seedReplayNotApplied == 0 && seedRowsAfterReplay == seed.rows())
        && acceptance.stream().allMatch(level -> level.bare.failed() == 0);
  }

  void print(double totalSeconds) {
    StringBuilder out = new StringBuilder();
    line(out, "TargetDialer benchmarks");
    line(out, "machine:  " + machine);
    line(out, "settings: " + settings);
    line(out, "CPU in cores: client = load generator threads; server JVM = the rest of this JVM (service or bare server); "
        + "rest = kernel networking and other processes; machine busy before the run: %.2f", before.machine());
    line(out, "");
    if (!acceptance.isEmpty()) {
      printAcceptance(out);
    }
    if (e2e != null) {
      printPersistence(out);
    }
    if (seed != null) {
      printSeed(out);
    }
    line(out, "total %.0f s%s", totalSeconds,
        complete() ? "" : "; INCOMPLETE: rows missing, a replay not applied or adding rows, or the bare server failed (exit 3)");
    System.out.print(out);
    System.out.flush();
  }

  private void printAcceptance(StringBuilder out) {
    line(out, "(a) POST /webhook/vexa: signed meeting.status_change, %d B, unique event_id, existing bot session", envelopeBytes);
    line(out, "    %-9s %-34s %9s %8s %8s %9s %9s   %s", "in flight", "", "req/s", "p50 ms", "p99 ms", "non-200", "µs CPU/req",
        "CPU (cores)");
    for (Acceptance level : acceptance) {
      row(out, level.inFlight, "bare Vert.x server (body, 200)", level.bare, level.bareCpu);
      row(out, level.inFlight, "service (HMAC, XADD, 200)", level.service, level.serviceCpu);
      ratio(out, level.inFlight, "service / bare", level.service.perSecond() / level.bare.perSecond());
      line(out, "    %-9s meanwhile its inbox consumer applied %,.0f status events/s on the same cores, paused 1 s %d times", "",
          level.consumerApplied, level.consumerPauses);
      if (level.ingest != null) {
        row(out, level.inFlight, "ingest-only node (INBOX_APPLY=false)", level.ingest, level.ingestCpu);
        ratio(out, level.inFlight, "ingest-only / bare", level.ingest.perSecond() / level.bare.perSecond());
      }
    }
    acceptance.stream().filter(level -> level.service.firstError() != null).findFirst().ifPresent(level ->
        line(out, "    first service error at %d in flight: %s", level.inFlight, ReportFormat.abbreviate(level.service.firstError(), 160)));
    line(out, "    inbox backlog after (a): %,d entries not yet applied", inboxBacklog);
    if (drain != null) {
      line(out, "    inbox consumer alone: %,d queued status webhooks, %,d applied in %.2f s: %,.0f/s; CPU %s",
          drain.queued(), drain.applied(), drain.seconds(), drain.applied() / drain.seconds(), drain.usage());
      line(out, "      per applied webhook: %.0f µs CPU (JVM %.0f, PG %.0f, Redis %.0f)", drain.micros(drain.usage().server()),
          drain.micros(drain.usage().jvm()), drain.micros(drain.usage().postgres()), drain.micros(drain.usage().redis()));
    }
    line(out, "    Redis alone, XADD of that body: pipelined 1000/batch %,.0f/s; %d in flight on one connection %,.0f/s;",
        xaddPipelined, maxInFlight, xaddConnection.perSecond());
    line(out, "      %d in flight through a client with the service's settings (Backends.redisClient) %,.0f/s, %,d refused",
        maxInFlight, xaddServiceClient.perSecond(), xaddServiceClient.errors());
    line(out, "");
  }

  private void printPersistence(StringBuilder out) {
    line(out, "(b) segments into td_transcript_segments: %,d rows, %d-segment seed webhooks, fresh meeting each", e2e.expected(), perPayload);
    line(out, "    %-44s %11s %8s", "", "segments/s", "seconds");
    line(out, "    %-44s %,11.0f %8.2f", "bare unnest INSERT, " + perPayload + " rows/statement", bareInsertSmall, e2e.expected() / bareInsertSmall);
    line(out, "    %-44s %,11.0f %8.2f", "bare unnest INSERT, 5000 rows/statement", bareInsertLarge, e2e.expected() / bareInsertLarge);
    line(out, "    %-44s %,11.0f %8.2f", "service MERGE statement only, " + perPayload + " rows/statement", mergeSmall, e2e.expected() / mergeSmall);
    line(out, "    %-44s %,11.0f %8.2f", "service MERGE statement only, 5000 rows/statement", mergeLarge, e2e.expected() / mergeLarge);
    line(out, "    %-44s %,11.0f %8.2f   CPU %s", "end to end: first POST -> all rows", e2e.perSecond(), e2e.seconds(), e2eCpu);
    double persistRatio = e2e.perSecond() / bareInsertSmall;
    line(out, "    %-44s %10.0f%%   target >= %.0f%%: %s", "end to end / bare (" + perPayload + " per statement)", 100 * persistRatio,
        100 * PERSIST_TARGET, persistRatio >= PERSIST_TARGET ? "met" : "MISSED");
    line(out, "    %-44s %10.0f%%", "end to end / bare (5000 per statement)", 100 * e2e.perSecond() / bareInsertLarge);
    LoadGenerator.Result http = e2e.http();
    line(out, "    webhooks: %,d accepted within %.2f s (p50 %.1f ms, p99 %.1f ms from first send), %,d re-sent after a 503, %,d lost",
        http.ok(), http.seconds(), http.latencies().percentileMs(50), http.latencies().percentileMs(99), http.retried(), http.failed());
    line(out, "    inbox consumer: paused 1 s %d times (a failed read-and-apply round); %,d entries applied but never acknowledged",
        e2eConsumerPauses, e2eUnacknowledged);
    if (e2eConsumerPauses > 0 && e2e.seconds() > e2eConsumerPauses) {
      line(out, "    without those pauses (estimate: seconds - pauses): %,.0f segments/s, %.0f%% of the %d-row bare insert",
          e2e.rows() / (e2e.seconds() - e2eConsumerPauses), 100 * e2e.rows() / (e2e.seconds() - e2eConsumerPauses) / bareInsertSmall, perPayload);
    }
    line(out, "    rows found by count(*): %,d of %,d", e2e.rows(), e2e.expected());
    line(out, "");
  }

  private void printSeed(StringBuilder out) {
    line(out, "(e) seed-shaped webhooks into td_transcript_segments: one segment each, relative times as strings, no segment_id, "
        + "no session_uid; meeting found by its link");
    LoadGenerator.Result http = seed.http();
    line(out, "    %-44s %,11d", "webhooks sent", seed.expected());
    line(out, "    %-44s %,11d   within %.2f s of the first POST; %,d re-sent after a 503, %,d lost", "200 answers", http.ok(),
        http.seconds(), http.retried(), http.failed());
    line(out, "    %-44s %,11d", "rows stored", seed.rows());
    line(out, "    %-44s %,11d", "dead letters", seedDeadLetters);
    line(out, "    %-44s %11.2f", "seconds: first POST -> all rows", seed.seconds());
    line(out, "    %-44s %,11.0f   CPU %s", "webhooks/s (= segments/s)", seed.perSecond(), seedCpu);
    // The bare insert is measured by (b), when it ran.
    if (bareInsertSmall > 0) {
      line(out, "    %-44s %10.0f%%", "seed rate / bare INSERT, " + perPayload + " rows/statement", 100 * seed.perSecond() / bareInsertSmall);
      line(out, "    %-44s %10.0f%%", "seed rate / bare INSERT, 5000 rows/statement", 100 * seed.perSecond() / bareInsertLarge);
    }
    line(out, "    %d of %d stored", seed.rows(), seed.expected());
    String verdict = seedReplayNotApplied > 0 ? "REPLAY NOT APPLIED (" + seedReplayNotApplied + " left in the inbox)"
        : seedRowsAfterReplay == seed.rows() ? "a replay changes nothing" : "ROWS CHANGED";
    line(out, "    replay of the first webhooks: %,d answered 200, %,d lost; rows %,d -> %,d: %s", seedReplay.ok(), seedReplay.failed(),
        seed.rows(), seedRowsAfterReplay, verdict);
    line(out, "");
  }

  private static void ratio(StringBuilder out, int inFlight, String name, double ratio) {
    line(out, "    %-9d %-34s %8.0f%%   target >= %.0f%%: %s", inFlight, name, 100 * ratio, 100 * ACCEPT_TARGET,
        ratio >= ACCEPT_TARGET ? "met" : "MISSED");
  }

  // Server-side CPU (JVM minus client, plus Postgres and Redis) per 200 answer: the figure that a
  // busy neighbour or the shared cores disturb least.
  private static void row(StringBuilder out, int inFlight, String name, LoadGenerator.Result result, CpuMeter.Usage usage) {
    line(out, "    %-9d %-34s %,9.0f %8.2f %8.2f %,9d %9.0f   %s", inFlight, name, result.perSecond(), result.latencies().percentileMs(50),
        result.latencies().percentileMs(99), result.failed(), 1e6 * usage.server() / result.perSecond(), usage);
  }
}
