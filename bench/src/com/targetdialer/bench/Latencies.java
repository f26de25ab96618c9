package com.targetdialer.bench;

import java.util.Arrays;

/**
 * Every latency of a run, in nanoseconds, kept exactly (a run is at most a few hundred thousand
 * requests, so a sorted array is small and needs no bucketing). Not thread-safe: each load
 * driver owns one and they are merged once the run is over.
 */
final class Latencies {

  private long[] values = new long[1 << 14];
  private int size;
  private boolean sorted;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
    sorted = false;
  }

  void addAll(Latencies other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  int count() {
    return size;
  }

  /** The p-th percentile (0 < p ≤ 100) in milliseconds, nearest-rank; NaN when empty. */
  double percentileMs(double p) {
    if (size == 0) {
      return Double.NaN;
    }
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(p / 100.0 * size);
    return values[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
  }
}
