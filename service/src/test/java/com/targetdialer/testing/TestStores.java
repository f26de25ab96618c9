package com.targetdialer.testing;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.RedisUrl;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.store.Migrations;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One embedded Postgres and one embedded Redis for the whole test JVM, started on first use and
 * stopped when JUnit finishes. Tests isolate themselves with a database of their own
 * ({@link #newDatabase()}) and a Redis key prefix of their own ({@link #newRedisPrefix()}).
 */
public final class TestStores implements BeforeAllCallback {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Servers.class, type -> Servers.start(), Servers.class);
  }

  public static DatabaseUrl newDatabase() {
    try {
      return Servers.instance().postgres.createDatabaseIfMissing("t" + DATABASES.incrementAndGet() + "_" + shortId());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh database already at this build's schema; returns its URL. */
  public static DatabaseUrl newMigratedDatabase() {
    DatabaseUrl url = newDatabase();
    Migrations.migrate(url, Duration.ofSeconds(5));
    return url;
  }

  public static RedisUrl redis() {
    return Servers.instance().redis.url();
  }

  public static String newRedisPrefix() {
    return "t" + shortId() + ":";
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static final class Servers implements ExtensionContext.Store.CloseableResource {

    private static Servers instance;

    private final Path root;
    private final EmbeddedPostgresServer postgres;
    private final EmbeddedRedisServer redis;

    private Servers(Path root, EmbeddedPostgresServer postgres, EmbeddedRedisServer redis) {
      this.root = root;
      this.postgres = postgres;
      this.redis = redis;
    }

    static synchronized Servers start() {
      if (instance == null) {
        try {
          Path root = Files.createTempDirectory("td-test-stores");
          instance = new Servers(root,
              EmbeddedPostgresServer.start(root.resolve("pg"), 0),
              EmbeddedRedisServer.start(root.resolve("redis"), 0));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start the test stores", e);
        }
      }
      return instance;
    }

    static synchronized Servers instance() {
      if (instance == null) {
        throw new IllegalStateException("annotate the test class with @ExtendWith(TestStores.class)");
      }
      return instance;
    }

    @Override
    public synchronized void close() throws IOException {
      redis.close();
      postgres.close();
      deleteTree(root);
      instance = null;
    }
  }

  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
