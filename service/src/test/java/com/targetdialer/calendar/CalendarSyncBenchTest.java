package com.targetdialer.calendar;

import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Syncing 1,000 calendars with 20 events each completes in one poll interval (300 s)." The whole service
 * against the Google Calendar simulator, with the real defaults (poll 300 s, 48 h window, 16 syncs in flight).
 *
 * <p>In the normal suite it runs at 200 calendars ({@code -Dtd.bench.calendars=N} changes that). The
 * full-size figure: run {@link #main} by hand (see the README), which brings its own Postgres and Redis.
 */
@Tag("bench")
@ExtendWith(TestStores.class)
class CalendarSyncBenchTest {

  static final int EVENTS_PER_CALENDAR = 20;
  static final int POLL_INTERVAL_S = 300;

  /** What one run measured. */
  record Figures(int calendars, int events, Duration firstSync, Duration resync, long meetings) {

    String describe() {
      return String.format(Locale.ROOT, "%d calendars x %d events: first sync (connect, tokens, list, %d meeting rows) %.1f s; "
              + "a full poll pass with nothing changed %.1f s; poll interval %d s",
          calendars, events, meetings, firstSync.toMillis() / 1000.0, resync.toMillis() / 1000.0, POLL_INTERVAL_S);
    }
  }

  @Test
  @DisplayName("N calendars x 20 events sync well within one poll interval (N = 200 in the suite; 1,000 by hand)")
  void syncWithinOnePollInterval() throws Exception {
    int calendars = Integer.getInteger("td.bench.calendars", 200);
    try (CalendarHarness h = CalendarHarness.start(benchSettings())) {
      Figures figures = run(h, calendars);
      System.out.println("CalendarSyncBench: " + figures.describe());
      assertThat(figures.meetings()).isEqualTo((long) calendars * EVENTS_PER_CALENDAR);
      // Proportionally, the 1,000-calendar target: 300 s for 1,000 is 60 s for 200.
      assertThat(figures.firstSync()).isLessThan(Duration.ofSeconds(POLL_INTERVAL_S * calendars / 1000L));
      assertThat(figures.resync()).isLessThan(Duration.ofSeconds(POLL_INTERVAL_S * calendars / 1000L));
    }
  }

  static Map<String, String> benchSettings() {
    return Map.of("CALENDAR_POLL_INTERVAL_S", String.valueOf(POLL_INTERVAL_S), "DISPATCH_LEAD_S", "120",
        "CALENDAR_WINDOW_HOURS", "48", "CALENDAR_SYNC_CONCURRENCY", "16", "TD_LOG_LEVEL", "WARN");
  }

  static Figures run(CalendarHarness h, int calendars) {
    Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(2));
    String[] users = new String[calendars];
    for (int c = 0; c < calendars; c++) {
      users[c] = h.newUser("bench" + c);
      for (int e = 0; e < EVENTS_PER_CALENDAR; e++) {
        Instant start = base.plus(Duration.ofMinutes(120L * e + (c % 60)));
        h.google.putEvent(users[c], MeetEvent.meet(CalendarHarness.randomCode(), start, start.plusSeconds(1800))
            .summary("Meeting " + e).selfStatus("accepted").attendee("someone@example.com", "accepted").json());
      }
    }

    long t0 = System.nanoTime();
    // Connected the way the web app would, many at once (50 requests in flight).
    for (int from = 0; from < calendars; from += 50) {
      List<Future<?>> batch = new ArrayList<>();
      for (int c = from; c < Math.min(calendars, from + 50); c++) {
        batch.add(h.client().post("/calendars").putHeader("Authorization", "Bearer " + CalendarHarness.INTERNAL_KEY)
            .sendJsonObject(new JsonObject().put("id", users[c]).put("credentials", h.userCredentials(users[c])))
            .map(response -> {
              if (response.statusCode() != 201) {
                throw new IllegalStateException("connect failed: " + response.statusCode() + " " + response.bodyAsString());
              }
              return response;
            }));
      }
      Future.all(batch).await();
    }
    Await.until("every calendar synced once", Duration.ofSeconds(POLL_INTERVAL_S), () ->
        h.db.count("SELECT count(*) FROM td_calendars WHERE last_sync_at IS NOT NULL") == calendars);
    Duration first = Duration.ofNanos(System.nanoTime() - t0);
    long meetings = h.db.count("SELECT count(*) FROM td_meetings WHERE source = 'calendar'");

    // A poll pass: every calendar due at once, nothing changed in Google.
    Instant due = ((java.time.OffsetDateTime) h.db.value("SELECT now()")).toInstant();
    long t1 = System.nanoTime();
    h.db.count("WITH d AS (UPDATE td_calendars SET next_sync_at = now() RETURNING 1) SELECT count(*) FROM d");
    Await.until("every calendar synced again", Duration.ofSeconds(POLL_INTERVAL_S), () ->
        h.db.count("SELECT count(*) FROM td_calendars WHERE last_sync_at > $1", due.atOffset(java.time.ZoneOffset.UTC)) == calendars);
    Duration resync = Duration.ofNanos(System.nanoTime() - t1);
    return new Figures(calendars, EVENTS_PER_CALENDAR, first, resync, meetings);
  }

  /** The full-size figure, by hand: {@code [calendars]} (default 1,000). Brings its own embedded Postgres and Redis. */
  public static void main(String[] args) throws Exception {
    int calendars = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    Path dir = Files.createTempDirectory("td-calendar-bench");
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
         EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir.resolve("redis"), 0);
         CalendarHarness h = CalendarHarness.start(postgres.createDatabaseIfMissing("bench"), redis.url(), benchSettings())) {
      System.out.println("CalendarSyncBench: " + run(h, calendars).describe());
    } finally {
      TestStores.deleteTree(dir);
    }
    System.exit(0);
  }
}
