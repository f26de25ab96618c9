package com.targetdialer.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** The one way tests wait: poll an observable fact until it holds, failing with a description when it does not in time. */
public final class Await {

  private static final long POLL_MS = 50;

  private Await() {
  }

  public static void until(String what, Duration within, Callable<Boolean> condition) {
    value(what, within, () -> Boolean.TRUE.equals(condition.call()) ? Boolean.TRUE : null);
  }

  /**
   * Polls until the probe returns a value, and returns it. Null, or an exception, means "not yet";
   * the last exception's message goes into the failure, so a probe can say what it saw.
   */
  public static <T> T value(String what, Duration within, Callable<T> probe) {
    long deadline = System.nanoTime() + within.toNanos();
    Exception last = null;
    while (true) {
      try {
        T value = probe.call();
        if (value != null) {
          return value;
        }
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + within + (last == null ? "" : " (last: " + last.getMessage() + ")"));
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }
}
