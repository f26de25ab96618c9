package com.targetdialer.bench;

/** Ends a benchmark that hangs (exit 4) instead of leaving it, and its embedded stores, running. */
final class Watchdog {

  private Watchdog() {
  }

  static void start(int seconds) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(seconds * 1000L);
        System.err.println("bench: still running after " + seconds + " s, giving up");
        System.exit(4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
