package com.targetdialer.bench;

import static com.targetdialer.bench.ReportFormat.line;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The capacity benchmark's figures: one block per level (or soak minute) as it ends, a summary at the end. */
final class CapacityReport {

  private static final double TARGET_P99_MS = 1_000;
  /** UiLatencyBench's target for the page: a persisted segment shown within 250 ms at p99. */
  private static final double PAGE_TARGET_P99_MS = 250;
  /** The page reads as unchanged at load within this much (p50 and p99): under what a reader notices, over the noise of ~30 samples. */
  private static final double PAGE_UNCHANGED_MS = 50;
  static final int BUCKET_S = 5;

  /** p50, p99 and max in ms, and how many. */
  record Lags(double p50, double p99, double max, int count) {
    static Lags of(Latencies all) {
      return new Lags(all.percentileMs(50), all.percentileMs(99), all.percentileMs(100), all.count());
    }
  }

  /** One measured hold. */
  static final class Level {
    final int meetings;
    int minute;
    int subscribed;
    double subscribeSeconds;
    double holdSeconds;
    double drainSeconds;
    FakeVexa.Window window;
    long persisted;
    /** Lag figures only: the per-segment arrays are dropped once summarized, so a soak's memory is the service's. */
    Lags lag;
    Lags visibleLag;
    /** Worst lag per {@link #BUCKET_S} s of the hold, by send time: a periodic stall shows as a pattern. */
    List<Double> bucketMax = List.of();
    CpuMeter.Usage cpu;
    long heapAfterGc;
    long rssKb;
    long errors;
    long exceptions;
    long warnings;
    String firstError;
    long deadLetters;
    int reconnects;
    long leases;
    /** The page's latency during the hold; null without a page. */
    LivePage.Figures page;

    Level(int meetings) {
      this.meetings = meetings;
    }

    void summarize(Latencies lags, Latencies visible, List<Latencies> buckets) {
      lag = Lags.of(lags);
      visibleLag = Lags.of(visible);
      bucketMax = buckets.stream().map(b -> b.count() == 0 ? Double.NaN : b.percentileMs(100)).toList();
    }

    /** p99 <= 1 s, every confirmation of the hold persisted, and the load was the level's (all subscribed). */
    boolean holds() {
      return window != null && window.confirmations > 0 && persisted == window.confirmations
          && lag.p99() <= TARGET_P99_MS && subscribed >= meetings;
    }

    /** More than 1% of the hold's 10 ms slots went out over 100 ms late: the offered load was burstier than the level's. */
    boolean generatorBehind() {
      return window.lateSlots > holdSeconds * 1_000 / 10 / 100;
    }
  }

  private final boolean soak;
  private String machine;
  private String settings;
  private CpuMeter.Usage idle;
  final List<Level> levels = new ArrayList<>();
  long baselineHeap;
  long baselineRss;
  /** The page's latency with only its meeting live; null without a page. */
  LivePage.Figures pageAlone;
  boolean stoppedEarly;
  double totalSeconds;
  int connections;
  int endFrames;
  double endSeconds;
  long stillInFlight;
  String leasesAfterEnd;
  long notBackfilled;
  int endWait;
  long heapAfterEnd;
  long rssAfterEnd;
  long errorsAtEnd;
  long framesAfterEnd;
  private boolean headerPrinted;

  CapacityReport(boolean soak) {
    this.soak = soak;
  }

  void machine(CpuMeter.Usage idle, String settings) {
    this.idle = idle;
    this.settings = settings;
    machine = ReportFormat.machine(Runtime.getRuntime().availableProcessors());
  }

  /** Printed as soon as a level is measured, so a long run shows progress (and what it had if it is stopped). */
  void printLevel(Level level) {
    StringBuilder out = new StringBuilder();
    if (!headerPrinted) {
      header(out);
      headerPrinted = true;
    }
    block(out, level);
    System.out.print(out);
    System.out.flush();
  }

  /** The summary; returns the whole report (header, blocks, summary) for a results file. */
  String print() {
    StringBuilder out = new StringBuilder();
    summary(out);
    System.out.print(out);
    System.out.flush();
    StringBuilder all = new StringBuilder();
    header(all);
    levels.forEach(level -> block(all, level));
    all.append(out);
    return all.toString();
  }

  private void header(StringBuilder out) {
    line(out, "TargetDialer capacity: live meetings on one node, p99 persist lag <= 1 s and nothing lost (issue 18)");
    line(out, "machine:  " + machine);
    line(out, "settings: " + settings);
    line(out, "lag = the confirmed row's updated_at (the merge statement's now()) - when the confirming frame was sent; "
        + "visible = when PersistVerticle published it after commit - sent. CPU in cores; generator = the fake Vexa's one event loop "
        + "(frames and its REST answers); service JVM = the rest of this JVM; machine busy before the run: %.2f (rest %.2f)",
        idle.machine(), idle.others());
    line(out, "heap after a full GC before any meeting: %d MB; RSS %d MB", baselineHeap >> 20, baselineRss >> 10);
    if (pageAlone != null) {
      line(out, "page = one person's live transcript page (headless Chromium, their JWT) following their meeting, one of the live ones: "
          + "PersistVerticle's publish of a confirmed segment -> shown confirmed in the page (MutationObserver); wall clock, ms resolution; "
          + "1 segment / 2 s, so a hold's p99 is about its max. Chromium's CPU is in \"rest\"");
      line(out, "page with only its meeting live: %s", page(pageAlone));
    }
    line(out, "");
  }

  /** p50/p99/max and how many shown, or why there are none. */
  private static String page(LivePage.Figures page) {
    if (page.error() != null) {
      return String.format(Locale.ROOT, "the page did not answer (%d published): %s", page.published(), page.error());
    }
    return String.format(Locale.ROOT, "p50 %6.1f   p99 %6.1f   max %6.1f   (%d of %d published shown)",
        page.lag().p50(), page.lag().p99(), page.lag().max(), page.lag().count(), page.published());
  }

  /** The page's latency at a level against its latency alone: unchanged or not, and whether it stays within its target. */
  private String pageVersusAlone(LivePage.Figures page) {
    if (page.error() != null || page.lag().count() == 0 || pageAlone.lag().count() == 0) {
      return "not comparable";
    }
    double p50 = page.lag().p50() - pageAlone.lag().p50();
    double p99 = page.lag().p99() - pageAlone.lag().p99();
    int unseen = page.published() - page.lag().count();
    return String.format(Locale.ROOT, "%s: p50 %+.1f ms, p99 %+.1f ms vs alone (unchanged = both within +%.0f ms, all shown)%s; p99 <= %.0f ms: %s",
        p50 <= PAGE_UNCHANGED_MS && p99 <= PAGE_UNCHANGED_MS && unseen == 0 ? "unchanged" : "CHANGED", p50, p99, PAGE_UNCHANGED_MS,
        unseen > 0 ? String.format(Locale.ROOT, "; %d published never shown", unseen) : "", PAGE_TARGET_P99_MS,
        page.lag().p99() <= PAGE_TARGET_P99_MS ? "met" : "MISSED");
  }

  private void block(StringBuilder out, Level level) {
    FakeVexa.Window w = level.window;
    String name = level.minute > 0 ? String.format(Locale.ROOT, "%,d meetings, soak minute %d", level.meetings, level.minute)
        : String.format(Locale.ROOT, "%,d meetings", level.meetings);
    line(out, "%s: %s", name, level.holds() ? "HOLDS" : "does NOT hold" + reasons(level));
    line(out, "    subscribed %,d of %,d%s; hold %.1f s", level.subscribed, level.meetings,
        Double.isNaN(level.subscribeSeconds) ? " (not all within the wait)" : String.format(Locale.ROOT, " within %.1f s of the rows", level.subscribeSeconds),
        level.holdSeconds);
    line(out, "    lag ms          p50 %8.1f   p99 %8.1f   max %8.1f   (updated_at - sent)", level.lag.p50(), level.lag.p99(), level.lag.max());
    line(out, "    lag max ms per %d s of the hold: %s", BUCKET_S, level.bucketMax.stream()
        .map(max -> max.isNaN() ? "-" : String.format(Locale.ROOT, "%.0f", max)).toList());
    line(out, "    visible ms      p50 %8.1f   p99 %8.1f   max %8.1f   (published after commit - sent; %,d seen)", level.visibleLag.p50(),
        level.visibleLag.p99(), level.visibleLag.max(), level.visibleLag.count());
    if (level.page != null) {
      line(out, "    page ms         %s", page(level.page));
      line(out, "    page at load:   %s", pageVersusAlone(level.page));
    }
    line(out, "    confirmed segments sent %,d, persisted %,d (%.2f%%) within %.1f s of the hold's end", w.confirmations, level.persisted,
        w.confirmations == 0 ? 0 : 100.0 * level.persisted / w.confirmations, level.drainSeconds);
    line(out, "    frames sent %,d (%,.0f/s); generator: max %.0f ms behind its schedule, %,d slots > %d ms late%s, write queue full %,d times",
        w.frames, w.frames / level.holdSeconds, w.maxLateNanos / 1e6, w.lateSlots, FakeVexa.LATE_NANOS / 1_000_000,
        level.generatorBehind() ? " (FELL BEHIND: over 1% of slots late, the load came in bursts)" : "", w.writeQueueFull);
    CpuMeter.Usage cpu = level.cpu;
    line(out, "    CPU (cores): service JVM %.2f, Postgres %.2f, Redis %.2f, generator %.2f, rest %.2f; per confirmed segment %.0f µs (JVM + PG)",
        cpu.jvm() - cpu.client(), cpu.postgres(), cpu.redis(), cpu.client(), cpu.others(),
        w.confirmations == 0 ? 0 : (cpu.jvm() - cpu.client() + cpu.postgres()) * level.holdSeconds / w.confirmations * 1e6);
    line(out, "    memory: heap after GC %d MB, RSS %d MB; live leases %,d", level.heapAfterGc >> 20, level.rssKb >> 10, level.leases);
    line(out, "    log: %d ERROR line(s), %d WARN, %d with an exception; dead letters %d; /ws reconnects %d%s", level.errors, level.warnings, level.exceptions,
        level.deadLetters, level.reconnects, level.errors > 0 && level.firstError != null ? "; the run's first: " + ReportFormat.abbreviate(level.firstError, 200) : "");
    line(out, "");
  }

  private static String reasons(Level level) {
    List<String> why = new ArrayList<>();
    if (level.subscribed < level.meetings) {
      why.add("not all meetings subscribed");
    }
    if (level.window.confirmations == 0) {
      why.add("nothing sent");
    } else if (level.persisted < level.window.confirmations) {
      why.add(String.format(Locale.ROOT, "%,d confirmed segments not persisted", level.window.confirmations - level.persisted));
    }
    if (level.lag.p99() > TARGET_P99_MS) {
      why.add(String.format(Locale.ROOT, "p99 %.0f ms > %.0f ms", level.lag.p99(), TARGET_P99_MS));
    }
    return why.isEmpty() ? "" : ": " + String.join(", ", why);
  }

  private void summary(StringBuilder out) {
    if (soak) {
      line(out, "soak: heap after GC by minute (MB): %s", levels.stream().map(l -> String.valueOf(l.heapAfterGc >> 20)).toList());
      line(out, "      RSS by minute (MB):            %s", levels.stream().map(l -> String.valueOf(l.rssKb >> 10)).toList());
      line(out, "end:  %,d meeting.status completed frames sent; %s; %,d still in flight; live leases left %s; ERROR lines meanwhile %d",
          endFrames, Double.isNaN(endSeconds) ? "NOT all completed within " + endWait + " s" : String.format(Locale.ROOT, "all completed within %.1f s", endSeconds),
          stillInFlight, leasesAfterEnd, errorsAtEnd);
      line(out, "      sessions not backfilled after the wait: %,d", notBackfilled);
      line(out, "      heap after GC: before any meeting %d MB, last minute live %d MB, after all ended %d MB; RSS after %d MB",
          baselineHeap >> 20, levels.isEmpty() ? 0 : levels.get(levels.size() - 1).heapAfterGc >> 20, heapAfterEnd >> 20, rssAfterEnd >> 10);
      if (!levels.isEmpty()) {
        int meetings = levels.get(0).meetings;
        line(out, "      kept per live meeting: %.1f kB; per ended meeting (after end - before any; <= 0: nothing kept): %.2f kB",
            (levels.get(levels.size() - 1).heapAfterGc - baselineHeap) / 1024.0 / meetings, (heapAfterEnd - baselineHeap) / 1024.0 / meetings);
      }
    } else {
      Level largest = null;
      for (Level level : levels) {
        if (level.holds() && (largest == null || level.meetings > largest.meetings)) {
          largest = level;
        }
      }
      line(out, "largest level that holds (p99 <= 1 s, 100%% persisted): %s%s", largest == null ? "none"
              : String.format(Locale.ROOT, "%,d meetings (p99 %.0f ms)", largest.meetings, largest.lag.p99()),
          stoppedEarly ? "; stopped after the first level that did not hold (-Dcapacity.continueAfterFail=true runs them all)" : "");
      if (pageAlone != null) {
        line(out, "page p50/p99 ms: alone %.1f/%.1f; %s", pageAlone.lag().p50(), pageAlone.lag().p99(), String.join("; ", levels.stream()
            .map(level -> String.format(Locale.ROOT, "%,d meetings %.1f/%.1f", level.meetings, level.page.lag().p50(), level.page.lag().p99())).toList()));
        if (largest != null) {
          line(out, "page at %,d meetings: %s", largest.meetings, pageVersusAlone(largest.page));
        }
      }
    }
    line(out, "/ws connections opened by the service: %d; total %.0f s", connections, totalSeconds);
  }
}
