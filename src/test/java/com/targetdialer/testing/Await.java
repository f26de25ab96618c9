package com.targetdialer.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds, failing with a description when it does not in time. */
public final class Await {

  private Await() {
  }

  public static void until(String what, Duration within, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + within.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
    throw new AssertionError(what + " did not happen within " + within + (last == null ? "" : " (last error: " + last + ")"));
  }
}
