package com.targetdialer.http;

import java.util.concurrent.ThreadLocalRandom;

/** The retry policy the Vexa and Google clients share: exponential backoff with jitter, and Retry-After. */
public final class Retries {

  private Retries() {
  }

  /**
   * The wait before retry number {@code attempt} (1 for the first retry): {@code baseMs} doubling each
   * time up to {@code maxMs}, with "equal jitter" (half fixed, half random) so that many clients
   * retrying together spread out but never retry at once.
   */
  public static long backoffMs(long baseMs, int attempt, long maxMs) {
    long step = Math.min(maxMs, baseMs << Math.min(Math.max(attempt - 1, 0), 20));
    return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
  }

  /** A {@code Retry-After} header in seconds, as milliseconds; null when absent or an HTTP date. */
  public static Long retryAfterMs(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(header.trim()) * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
