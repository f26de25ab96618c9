package com.targetdialer.bench;

import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The embedded Postgres and Redis of one run, in a temp directory removed afterwards. */
final class BenchStores {

  private final Path dir;
  private volatile EmbeddedPostgresServer postgres;
  private volatile EmbeddedRedisServer redis;
  private boolean closed;

  private BenchStores(Path dir) {
    this.dir = dir;
  }

  /** A fresh temp directory whose stores are closed at the latest when the JVM exits; {@link #start()} starts them. */
  static BenchStores inTempDirectory(String prefix) throws IOException {
    BenchStores stores = new BenchStores(Files.createTempDirectory(prefix));
    // Also on SIGTERM or the watchdog: embedded Postgres outlives a JVM that does not stop it.
    Runtime.getRuntime().addShutdownHook(new Thread(stores::close, "bench-stores"));
    return stores;
  }

  void start() throws IOException {
    postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
    redis = EmbeddedRedisServer.start(dir.resolve("redis"), 0);
  }

  /** The run's temp directory: the stores' data, and whatever else the run keeps until it ends. */
  Path dir() {
    return dir;
  }

  EmbeddedPostgresServer postgres() {
    return postgres;
  }

  EmbeddedRedisServer redis() {
    return redis;
  }

  /** Stops both stores and removes the directory; only the first call does anything. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(redis);
    closeQuietly(postgres);
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (Exception e) {
      System.err.println("bench: could not stop " + closeable.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
