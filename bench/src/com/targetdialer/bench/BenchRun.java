package com.targetdialer.bench;

import io.vertx.core.Vertx;

import java.io.IOException;

/** A benchmark's main on embedded stores of its own and a Vert.x of its own, both closed whatever happens. */
final class BenchRun {

  /** The benchmark itself; returns the process's exit code. */
  @FunctionalInterface
  interface Body {
    int run(BenchStores stores, Vertx vertx) throws Exception;
  }

  private BenchRun() {
  }

  /** Starts the stores, runs the body, closes both and exits with the body's code, or 1 once what it threw is printed. */
  static void exitAfter(String tempDirPrefix, Body body) throws IOException {
    BenchStores stores = BenchStores.inTempDirectory(tempDirPrefix);
    int exit = 1;
    Vertx vertx = Vertx.vertx();
    try {
      stores.start();
      exit = body.run(stores, vertx);
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      vertx.close().await();
      stores.close();
    }
    // Vert.x and driver threads must not keep the JVM up past the report.
    System.exit(exit);
  }
}
