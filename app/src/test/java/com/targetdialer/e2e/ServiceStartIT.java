package com.targetdialer.e2e;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.TestStores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's run command, as an operator uses it. */
@ExtendWith(TestStores.class)
class ServiceStartIT {

  private static final Pattern EMBEDDED_PG_URL = Pattern.compile("embedded postgres started .*url: (postgresql://\\S+?)\\]");

  @Test
  @DisplayName("with no settings at all it runs on embedded stores, is ready within 15 s, and keeps its data across a restart and a kill -9")
  void embeddedDefaults(@TempDir Path workDir) throws Exception {
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(ServiceProcess.freePort()));

    try (ServiceProcess first = ServiceProcess.start(workDir, env)) {
      first.awaitHttp("/ready", 200, Duration.ofSeconds(15));
      execute(first, "INSERT INTO td_meetings (native_meeting_id, scheduled_start) VALUES ('abc-defg-hij', now())");
      long started = System.nanoTime();
      assertThat(first.terminate(Duration.ofSeconds(15))).isEqualTo(143);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(first.output()).anyMatch(line -> line.contains("stopped"));
    }
    assertThat(workDir.resolve("data/pg/postmaster.pid")).as("embedded Postgres stopped with the service").doesNotExist();
    assertThat(workDir.resolve("data/redis/appendonly.aof")).exists();

    try (ServiceProcess second = ServiceProcess.start(workDir, env)) {
      second.awaitHttp("/ready", 200, Duration.ofSeconds(15));
      assertThat(count(second, "SELECT count(*) FROM td_meetings")).isEqualTo(1);
      execute(second, "INSERT INTO td_meetings (native_meeting_id, scheduled_start) VALUES ('abc-defg-hij', now() + interval '7 days')");
      second.kill();
    }

    try (ServiceProcess third = ServiceProcess.start(workDir, env)) {
      third.awaitHttp("/ready", 200, Duration.ofSeconds(20));
      assertThat(count(third, "SELECT count(*) FROM td_meetings")).isEqualTo(2);
      assertThat(third.output()).anyMatch(line -> line.contains("left running by an earlier process"));
    }
  }

  @Test
  @DisplayName("with DATABASE_URL and REDIS_URL it uses those servers and starts no embedded store")
  void externalStores(@TempDir Path workDir) throws Exception {
    DatabaseUrl database = TestStores.newDatabase();
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_PORT", String.valueOf(ServiceProcess.freePort()),
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + database.port() + "/" + database.database(),
        "REDIS_URL", TestStores.redis().value()));

    try (ServiceProcess service = ServiceProcess.start(workDir, env)) {
      service.awaitHttp("/ready", 200, Duration.ofSeconds(15));
      assertThat(service.output()).noneMatch(line -> line.contains("embedded"));
      assertThat(workDir.resolve("data")).doesNotExist();
    }
    try (Connection db = DriverManager.getConnection(database.jdbcUrl(), database.user(), null);
         ResultSet rows = db.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      rows.next();
      try (var migrations = Files.list(Path.of("../sql"))) {
        assertThat(rows.getInt(1)).as("migrated the given database, every migration in sql/")
            .isEqualTo((int) migrations.filter(file -> file.getFileName().toString().matches("V\\d+__.*\\.sql")).count());
      }
    }
  }

  @Test
  @DisplayName("a bad setting stops the start with one line naming it and a non-zero exit, no stack trace")
  void badSettings(@TempDir Path workDir) throws Exception {
    assertOneLineFailure(workDir, Map.of("DATABASE_URL", "mysql://db/capture"),
        "targetdialer: cannot start: DATABASE_URL: expected postgresql://user:password@host:port/database, got scheme 'mysql'");
    assertOneLineFailure(workDir, Map.of("HTTP_PORT", "http"),
        "targetdialer: cannot start: HTTP_PORT: expected a whole number, got 'http'");

    int closedPort = ServiceProcess.freePort();
    assertOneLineFailure(workDir, Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + closedPort + "/x", "DB_CONNECT_RETRY_S", "1"),
        "targetdialer: cannot start: DATABASE_URL: cannot connect to postgresql://postgres@127.0.0.1:" + closedPort + "/x after 1 s");

    DatabaseUrl database = TestStores.newDatabase();
    try (ServerSocket taken = new ServerSocket(0)) {
      assertOneLineFailure(workDir, Map.of(
              "HTTP_PORT", String.valueOf(taken.getLocalPort()),
              "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + database.port() + "/" + database.database(),
              "REDIS_URL", TestStores.redis().value()),
          "targetdialer: cannot start: HTTP_PORT: port " + taken.getLocalPort() + " on 0.0.0.0 is already in use");
    }
  }

  private static void assertOneLineFailure(Path workDir, Map<String, String> env, String expectedStart) throws Exception {
    try (ServiceProcess service = ServiceProcess.start(Files.createTempDirectory(workDir, "run"), env)) {
      int exit = service.awaitExit(Duration.ofSeconds(30));
      List<String> output = service.output();
      assertThat(exit).isEqualTo(2);
      assertThat(output).filteredOn(line -> line.startsWith("targetdialer: cannot start"))
          .singleElement().asString().startsWith(expectedStart);
      assertThat(output).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
    }
  }

  private static void execute(ServiceProcess service, String sql) throws Exception {
    try (Connection db = connect(service)) {
      db.createStatement().execute(sql);
    }
  }

  private static int count(ServiceProcess service, String sql) throws Exception {
    try (Connection db = connect(service); ResultSet rows = db.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static Connection connect(ServiceProcess service) throws Exception {
    DatabaseUrl url = DatabaseUrl.parse("embedded", service.awaitOutput(EMBEDDED_PG_URL, Duration.ofSeconds(5)));
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }
}
