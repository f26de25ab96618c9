package com.targetdialer.store;

import com.targetdialer.config.ConfigException;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.testing.TestStores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(TestStores.class)
class MigrationsTest {

  /** The newest migration in sql/, as the service's jar packages it. */
  private static final int LATEST = latest();

  private static int latest() {
    try (var files = Files.list(Path.of("..", "sql"))) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.matches("V\\d+__.*\\.sql"))
          .mapToInt(name -> Integer.parseInt(name.substring(1, name.indexOf("__")))).max().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("an empty database gets the whole data model")
  void migratesEmptyDatabase() throws SQLException {
    DatabaseUrl url = TestStores.newDatabase();

    String version = Migrations.migrate(url, Duration.ofSeconds(5));

    assertThat(version).isEqualTo(String.valueOf(LATEST));
    assertThat(tables(url)).contains("td_meetings", "td_bot_sessions", "td_transcript_segments", "td_meeting_events",
        "td_calendars", "td_calendar_channels", "td_calendar_events", "td_live_leases",
        "td_webhook_events_seen", "td_dead_letters", "td_settings");
  }

  @Test
  @DisplayName("an already migrated database is left as it is, data included")
  void migratedDatabaseIsUntouched() throws SQLException {
    DatabaseUrl url = TestStores.newMigratedDatabase();
    try (Connection db = connect(url)) {
      db.createStatement().execute("INSERT INTO td_meetings (native_meeting_id, scheduled_start) VALUES ('abc-defg-hij', now())");
    }

    String version = Migrations.migrate(url, Duration.ofSeconds(5));

    assertThat(version).isEqualTo(String.valueOf(LATEST));
    try (Connection db = connect(url); ResultSet rows = db.createStatement().executeQuery(
        "SELECT (SELECT count(*) FROM td_meetings), (SELECT count(*) FROM flyway_schema_history)")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
      assertThat(rows.getInt(2)).isEqualTo(LATEST);
    }
  }

  @Test
  @DisplayName("the occurrence key gives a standing Meet room one row per occurrence, never two for one")
  void occurrenceKey() throws SQLException {
    DatabaseUrl url = TestStores.newMigratedDatabase();
    try (Connection db = connect(url)) {
      String insert = "INSERT INTO td_meetings (native_meeting_id, scheduled_start) VALUES ('abc-defg-hij', '%s') ON CONFLICT DO NOTHING";
      int week1 = db.createStatement().executeUpdate(insert.formatted("2026-11-26T10:00:00Z"));
      int week2 = db.createStatement().executeUpdate(insert.formatted("2026-12-03T10:00:00Z"));
      int again = db.createStatement().executeUpdate(insert.formatted("2026-11-26T10:00:00Z"));

      assertThat(List.of(week1, week2, again)).containsExactly(1, 1, 0);
    }
  }

  @Test
  @DisplayName("an unreachable database stops the start after the bounded wait, naming DATABASE_URL")
  void unreachableDatabase() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    DatabaseUrl nowhere = new DatabaseUrl("127.0.0.1", closedPort, "targetdialer", "postgres", null);
    long started = System.nanoTime();

    assertThatThrownBy(() -> Migrations.migrate(nowhere, Duration.ofSeconds(1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DATABASE_URL: cannot connect to postgresql://postgres@127.0.0.1:" + closedPort + "/targetdialer after 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  private static List<String> tables(DatabaseUrl url) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection db = connect(url); ResultSet rows = db.getMetaData().getTables(null, "public", "td_%", new String[] {"TABLE"})) {
      while (rows.next()) {
        names.add(rows.getString("TABLE_NAME"));
      }
    }
    return names;
  }
}
