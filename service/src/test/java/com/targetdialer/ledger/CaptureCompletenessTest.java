package com.targetdialer.ledger;

import com.targetdialer.calendar.CalendarHarness;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.MetricsText;
import com.targetdialer.testing.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture-completeness suite: meetings that go right and every way they go wrong, run through the
 * whole service against both simulators, each judged by the ledger. Prints a table (scenario, expected
 * outcome, outcome, coverage, spoken time captured ÷ spoken time in the simulator's transcripts) and a
 * summary line, then checks every verdict. Times are in units of {@code -Dcompleteness.unit.ms}
 * (default 1000: the fast version in mvn verify; bench/completeness runs it slower, closer to life).
 */
@ExtendWith(TestStores.class)
class CaptureCompletenessTest {

  private static final long UNIT_MS = Long.getLong("completeness.unit.ms", 1000);
  private static final double UNIT_S = UNIT_MS / 1000.0;

  /**
   * One story. {@code recoverable}: everything said could be captured, so it must be {@code captured};
   * the others lose something by nature (a deaf bot, a closed door) and must say so.
   */
  private record Scenario(String name, Set<String> expected, boolean recoverable, String code, String why) {
  }

  private static final BotScript TALKING = talking(BotScript.normal()).segments(14);

  /** A bot that talks at the suite's pace: a segment every 1.5 units. */
  private static BotScript talking(BotScript script) {
    return script.joinDelay(units(1)).lobbyDelay(units(0.5)).admissionDelay(units(0.5)).firstSegmentDelay(units(0.5))
        .segmentInterval(units(1.5)).confirmDelay(units(0.3)).endDelay(units(1));
  }

  private static Duration units(double n) {
    return Duration.ofMillis(Math.round(n * UNIT_MS));
  }

  private static String seconds(double n) {
    return String.valueOf(Math.max(1, Math.round(n * UNIT_S)));
  }

  @Test
  @DisplayName("capture completeness: every recoverable meeting captured, every other one with its outcome and reason")
  void completeness() throws Exception {
    try (CalendarHarness harness = CalendarHarness.start(Map.of(
        "DISPATCH_LEAD_S", seconds(4),
        "DEAF_TIMEOUT_S", seconds(4),
        "LOBBY_TIMEOUT_S", seconds(5),
        "RESTART_STOP_WAIT_S", seconds(5),
        "HEALTH_SWEEP_INTERVAL_S", "1",
        "LEDGER_SWEEP_INTERVAL_S", "1",
        "LIVE_RESYNC_INTERVAL_S", "1",
        "VEXA_TIMEOUT_MS", "3000"))) {
      List<Scenario> scenarios = new ArrayList<>();
      String user = harness.newUser("ledger");
      String revoked = harness.newUser("revoked");
      harness.connect(user);
      harness.connect(revoked);
      Instant t0 = Instant.now();
      Instant start = t0.plus(units(8));
      Instant end = start.plus(units(60));

      // ---- phase 1: stories that run side by side ----
      scenarios.add(meeting(harness, user, "normal", Set.of("captured"), true, start, end, TALKING, null, "all heard"));
      scenarios.add(meeting(harness, user, "deaf first bot", Set.of("captured", "partial"), false, start, end,
          null, code -> harness.vexa.script(code, BotScript.deaf().joinDelay(units(1)).skipLobby(), TALKING.skipLobby()),
          "the first bot heard nothing until it was replaced"));
      scenarios.add(meeting(harness, user, "bot going deaf mid-meeting", Set.of("captured", "partial"), false, start, end,
          null, code -> harness.vexa.script(code, talking(BotScript.goesQuietAfter(4)), TALKING.skipLobby()),
          "what was said while the bot was deaf is lost"));
      scenarios.add(meeting(harness, user, "deaf throughout", Set.of("deaf"), false, start, end,
          null, code -> harness.vexa.script(code, BotScript.deaf().skipLobby(), BotScript.deaf().skipLobby(), BotScript.deaf().skipLobby()),
          "no bot could hear the call"));
      scenarios.add(meeting(harness, user, "never admitted", Set.of("not_admitted"), false, start, end,
          BotScript.neverAdmitted().joinDelay(units(1)).lobbyTimeout(units(8)), null, "nobody let the bot in"));
      scenarios.add(meeting(harness, user, "admitted late", Set.of("partial"), false, start, end,
          TALKING.admissionDelay(units(12)), null, "the meeting ran before the bot was let in"));
      scenarios.add(meeting(harness, user, "bot cannot join", Set.of("bot_failed"), false, start, end,
          BotScript.joinFailure().joinDelay(units(1)), null, "the bot failed to join"));
      scenarios.add(meeting(harness, user, "nobody speaks", Set.of("empty"), false, start, end,
          TALKING.segments(0), null, "nothing was said"));
      scenarios.add(meeting(harness, user, "meeting.completed webhook lost", Set.of("captured"), true, start, end,
          TALKING.loseWebhooks("meeting.completed"), null, "all heard"));
      Scenario dropped = meeting(harness, user, "live stream dropped", Set.of("captured"), true, start, end, TALKING, null, "all heard");
      scenarios.add(dropped);
      Scenario moved = meeting(harness, user, "event moved", Set.of("captured"), true, start, end, TALKING, null, "all heard");
      scenarios.add(moved);
      Scenario cancelled = meeting(harness, user, "event cancelled", Set.of("cancelled"), false, start.plus(units(20)), end, TALKING, null,
          "no meeting to record");
      scenarios.add(cancelled);
      String declinedCode = MeetEvent.randomMeetCode();
      harness.google.putEvent(user, MeetEvent.meet(declinedCode, start, end).summary("declined event").selfStatus("declined").json());
      scenarios.add(new Scenario("declined event", Set.of("skipped"), false, null, "our rules skip declined events"));
      scenarios.add(meeting(harness, revoked, "credentials revoked before the start", Set.of("captured"), true, start.plus(units(4)), end,
          TALKING, null, "all heard"));

      Await.until("phase 1 meetings synced", Duration.ofSeconds(20), () -> harness.db.count(
          "SELECT count(*) FROM td_meetings WHERE source = 'calendar'") == scenarios.stream().filter(s -> s.code() != null).count());
      harness.google.revokeSubject(revoked);
      harness.google.cancelEvent(user, eventId(harness, user, "event cancelled"));
      harness.google.moveEvent(user, eventId(harness, user, "event moved"), start.plus(units(10)), end.plus(units(10)));
      // The live stream goes down while the meetings talk (6 segments' worth); the backfill must fill it in.
      Await.until("the meetings talking", Duration.ofSeconds(30), () -> spokenSegments(harness, dropped.code()) >= 2);
      harness.vexa.setWebSocketsEnabled(false).await();
      int before = spokenSegments(harness, dropped.code());
      Await.until("six segments said with the stream down", Duration.ofSeconds(10).plus(units(12)),
          () -> spokenSegments(harness, dropped.code()) >= before + 6);
      harness.vexa.setWebSocketsEnabled(true).await();

      // ---- phase 2: the service goes down mid-meeting, and through a whole meeting ----
      Instant start2 = Instant.now().plus(units(6));
      scenarios.add(meeting(harness, user, "service restarted mid-meeting", Set.of("captured"), true, start2, start2.plus(units(60)),
          TALKING.segments(16), null, "all heard"));
      Instant missedEnd = start2.plus(units(12));
      scenarios.add(meeting(harness, user, "service down through the meeting", Set.of("missed"), false, start2.plus(units(8)),
          missedEnd, TALKING, null, "the service was not running to send its bot"));
      Await.until("phase 2 meetings synced", Duration.ofSeconds(20), () -> harness.db.count(
          "SELECT count(*) FROM td_meetings WHERE title LIKE 'service %'") == 2);
      Await.until("the restarted meeting talking", Duration.ofSeconds(30), () -> harness.db.count(
          "SELECT segment_count FROM td_meetings WHERE title = 'service restarted mid-meeting'") >= 2);
      harness.stopService();
      Await.until("the service down past the second meeting's end", Duration.ofSeconds(5).plus(units(14)),
          () -> Instant.now().isAfter(missedEnd.plus(units(1))));
      harness.startService();

      Await.until("every meeting decided", Duration.ofSeconds(120).plus(units(60)), () -> {
        JsonArray items = report(harness, t0).getJsonArray("items");
        return items.size() == scenarios.size() && items.stream().map(JsonObject.class::cast).noneMatch(i -> "pending".equals(i.getString("outcome")));
      });
      JsonArray items = report(harness, t0).getJsonArray("items");
      List<String[]> rows = new ArrayList<>();
      int recoverable = 0;
      int recovered = 0;
      double spoken = 0;
      double heard = 0;
      List<String> unrecoverable = new ArrayList<>();
      for (Scenario scenario : scenarios) {
        JsonObject item = item(items, scenario.name());
        double[] time = scenario.code() == null ? new double[] {0, 0} : spokenTime(harness, scenario.code());
        spoken += time[0];
        heard += Math.min(time[0], time[1]);
        String outcome = item.getString("outcome");
        if (scenario.recoverable()) {
          recoverable++;
          recovered += "captured".equals(outcome) ? 1 : 0;
        } else {
          boolean toRecord = Outcome.of(scenario.expected().iterator().next()).shouldRecord();
          unrecoverable.add((toRecord ? "not recoverable: " : "not to record: ") + scenario.name() + ": " + outcome
              + " (" + scenario.why() + ") — " + item.getString("outcome_reason"));
        }
        rows.add(new String[] {scenario.name(), String.join("|", scenario.expected()), outcome,
            item.getValue("coverage_ratio") == null ? "-" : String.format(Locale.ROOT, "%.2f", item.getDouble("coverage_ratio")),
            time[0] == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * Math.min(time[0], time[1]) / time[0])});
      }
      System.out.println(table(rows));
      String summary = String.format(Locale.ROOT, "capture: %.0f%% of recoverable meetings captured, %.1f%% of spoken time",
          100.0 * recovered / recoverable, spoken == 0 ? 0 : 100 * heard / spoken);
      System.out.println(summary);
      unrecoverable.forEach(line -> System.out.println("  " + line));

      for (Scenario scenario : scenarios) {
        JsonObject item = item(items, scenario.name());
        assertThat(scenario.expected()).as("%s: %s", scenario.name(), item.encode()).contains(item.getString("outcome"));
        assertThat(item.getString("outcome_reason")).as(scenario.name()).isNotBlank();
      }
      assertThat(recovered).as(summary).isEqualTo(recoverable);
      assertThat(harness.db.count("SELECT count(*) FROM td_stream_outages")).as("the stream's outage, recorded per meeting").isPositive();
      assertThat(harness.db.rows("""
          SELECT m.title, m.bot_status, o.started_at, o.ended_at,
                 (SELECT string_agg(s.attempt || ':' || s.status || ':' || coalesce(s.ended_at::text, '-') || ':' || coalesce(s.backfilled_at::text, '-'), ' ')
                  FROM td_bot_sessions s WHERE s.meeting_id = m.id) AS sessions
          FROM td_stream_outages o JOIN td_meetings m ON m.id = o.meeting_id WHERE NOT o.filled""").stream().map(row -> row.toJson().encode()).toList())
          .as("and filled in since").isEmpty();
      assertThat(heard / spoken).as(summary).isGreaterThanOrEqualTo(0.98);
      String metrics = harness.client().get("/metrics").send().await().bodyAsString();
      // This node (started in phase 2) decided at least the missed meeting and the restarted one.
      assertThat(MetricsText.value(metrics, "td_meeting_outcomes_total{outcome=\"missed\"}")).isEqualTo(1.0);
      assertThat(MetricsText.value(metrics, "td_meeting_outcomes_total{outcome=\"captured\"}")).isGreaterThanOrEqualTo(1.0);
      assertThat(MetricsText.value(metrics, "td_meeting_coverage_ratio_count")).isGreaterThanOrEqualTo(2.0);
      assertThat(MetricsText.value(metrics, "td_meeting_coverage_ratio_bucket{le=\"0.1\"}")).isGreaterThanOrEqualTo(1.0);
      assertThat(MetricsText.value(metrics, "td_capture_gap_seconds_total{cause=\"unknown\"}")).isGreaterThan(0.0);
    }
  }

  /** Puts a Meet event titled {@code name} on the calendar, with its Vexa script; returns the scenario. */
  private static Scenario meeting(CalendarHarness harness, String calendar, String name, Set<String> expected, boolean recoverable,
                                  Instant start, Instant end, BotScript script, Consumer<String> scripts, String why) {
    String code = MeetEvent.randomMeetCode();
    if (scripts != null) {
      scripts.accept(code);
    } else {
      harness.vexa.script(code, script);
    }
    harness.google.putEvent(calendar, MeetEvent.meet(code, start, end).summary(name).json());
    return new Scenario(name, expected, recoverable, code, why);
  }

  private static String eventId(CalendarHarness harness, String calendar, String summary) {
    JsonArray events = harness.get("/calendars/" + calendar + "/events").bodyAsJsonObject().getJsonArray("events");
    return events.stream().map(JsonObject.class::cast).filter(e -> summary.equals(e.getString("summary")))
        .map(e -> e.getString("event_id")).findFirst().orElseThrow(() -> new AssertionError("no event " + summary));
  }

  /** Confirmed segments in the simulator's transcripts of the meeting so far. */
  private static int spokenSegments(CalendarHarness harness, String code) {
    JsonObject row = harness.vexa.latestMeeting(code);
    return row == null ? 0 : harness.vexa.transcript(row.getLong("id")).getJsonArray("segments", new JsonArray()).size();
  }

  private static JsonObject report(CalendarHarness harness, Instant t0) {
    return harness.client().get("/api/coverage?from=" + t0.minus(Duration.ofHours(1)) + "&to=" + t0.plus(Duration.ofHours(2)))
        .putHeader("Authorization", "Bearer " + CalendarHarness.UI_TOKEN).send().await().bodyAsJsonObject();
  }

  private static JsonObject item(JsonArray items, String title) {
    return items.stream().map(JsonObject.class::cast).filter(i -> title.equals(i.getString("title"))).findFirst()
        .orElseThrow(() -> new AssertionError("no report item for " + title + " in " + items.encode()));
  }

  /** Seconds spoken in the simulator's transcripts of the meeting's bots, and seconds of it stored by us. */
  private static double[] spokenTime(CalendarHarness harness, String code) {
    double spoken = 0;
    for (JsonObject row : harness.vexa.meetings()) {
      if (!code.equals(row.getString("native_meeting_id"))) {
        continue;
      }
      JsonObject transcript = harness.vexa.transcript(row.getLong("id"));
      for (Object segment : transcript.getJsonArray("segments", new JsonArray())) {
        JsonObject s = (JsonObject) segment;
        spoken += s.getDouble("end") - s.getDouble("start");
      }
    }
    Object stored = harness.db.value("""
        SELECT coalesce(sum(extract(epoch FROM t.absolute_end_time - t.absolute_start_time)), 0)
        FROM td_transcript_segments t JOIN td_meetings m ON m.id = t.meeting_id
        WHERE m.native_meeting_id = $1 AND NOT t.retracted""", code);
    return new double[] {spoken, ((Number) stored).doubleValue()};
  }

  private static String table(List<String[]> rows) {
    String[] header = {"scenario", "expected", "outcome", "coverage", "spoken time captured"};
    int[] width = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      width[i] = header[i].length();
      for (String[] row : rows) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    List<String[]> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (String[] row : all) {
      for (int i = 0; i < row.length; i++) {
        out.append(String.format(Locale.ROOT, "%-" + width[i] + "s", row[i])).append(i + 1 < row.length ? "  " : "\n");
      }
    }
    return out.toString();
  }
}
