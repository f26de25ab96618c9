package com.targetdialer.calendar;

import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The calendar watcher against the Google Calendar simulator, with bots really started on the Vexa
 * simulator: poll every second, dispatch lead 2 s, a 22-day window (so a weekly series shows 3 occurrences).
 */
@ExtendWith(TestStores.class)
class CalendarSyncTest {

  private static final Duration SYNCED = Duration.ofSeconds(6);
  private static CalendarHarness h;
  /** What the service POSTed to ALERT_WEBHOOK_URL. */
  private static final List<JsonObject> ALERTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    h = CalendarHarness.start(Map.of("CALENDAR_WINDOW_HOURS", String.valueOf(22 * 24), "ALERT_WEBHOOK_SECRET", "alert-secret-0123456789"),
        harness -> {
          int port = harness.vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            ALERTS.add(body.toJsonObject());
            request.response().setStatusCode(204).end();
          })).listen(0, "127.0.0.1").await().actualPort();
          harness.setEnv("ALERT_WEBHOOK_URL", "http://127.0.0.1:" + port + "/alerts");
        });
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static Instant inSeconds(long seconds) {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(seconds);
  }

  @Test
  @DisplayName("a new event is scheduled, then dispatched at start - lead, and its bot really starts")
  void newEventDispatchedAtStartMinusLead() {
    String user = h.newUser("new");
    String code = CalendarHarness.randomCode();
    Instant start = inSeconds(5);
    h.google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).id("kickoff1").summary("Kickoff")
        .selfStatus("accepted").json());

    h.connect(user);

    h.awaitStatus(code, "scheduled", SYNCED);
    Row meeting = h.meeting(code);
    assertThat(CalendarHarness.instant(meeting, "dispatch_at")).isEqualTo(start.minusSeconds(2));
    assertThat(meeting.getString("source")).isEqualTo("calendar");
    assertThat(meeting.getString("title")).isEqualTo("Kickoff");
    assertThat(h.vexa.botsStarted(code)).as("no bot before start - lead").isZero();

    Await.until("bot started on Vexa", Duration.ofSeconds(15), () -> h.vexa.botsStarted(code) == 1);
    Instant requested = h.botRequestedAt(meeting.getLong("id"));
    assertThat(requested).isBetween(start.minusMillis(2_100), start.minusMillis(500));
    Await.until("the bot got past requested", Duration.ofSeconds(10), () ->
        Set.of("joining", "awaiting_admission", "active", "completed").contains(h.status(code)));
    JsonObject decision = h.events(user).get("kickoff1");
    assertThat(decision.getString("decision")).isEqualTo("scheduled");
    assertThat(decision.getString("reason")).isEqualTo("conference_data");
    assertThat(decision.getLong("meeting_id")).isEqualTo(meeting.getLong("id"));
    assertThat(h.db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'calendar_scheduled'",
        meeting.getLong("id"))).isEqualTo(1);
  }

  @Test
  @DisplayName("paging: 13 events over short pages (and an empty first page) are all taken, none lost")
  void pagingAcrossPages() {
    String user = h.newUser("pages");
    Instant start = inSeconds(3_600);
    List<String> codes = new java.util.ArrayList<>();
    for (int i = 0; i < 13; i++) {
      String code = CalendarHarness.randomCode();
      codes.add(code);
      h.google.putEvent(user, MeetEvent.meet(code, start.plusSeconds(600L * i), start.plusSeconds(600L * i + 300)).json());
    }
    h.google.setServerPageLimit(4);
    h.google.setEmptyFirstPage(true);
    try {
      h.connect(user);
      Await.until("13 events reconciled", SYNCED, () -> h.events(user).size() == 13);
    } finally {
      h.google.setServerPageLimit(2500);
      h.google.setEmptyFirstPage(false);
    }
    assertThat(h.google.listCalls(user)).as("an empty page plus 4 short ones at least").isGreaterThanOrEqualTo(5);
    assertThat(h.events(user).values()).allSatisfy(event -> assertThat(event.getString("decision")).isEqualTo("scheduled"));
    for (String code : codes) {
      assertThat(h.status(code)).isEqualTo("scheduled");
    }
  }

  @Test
  @DisplayName("an event moved before its bot was sent takes its row along, and the bot is sent at the new start - lead")
  void movedBeforeStart() {
    String user = h.newUser("moved");
    String code = CalendarHarness.randomCode();
    Instant original = inSeconds(60);
    h.google.putEvent(user, MeetEvent.meet(code, original, original.plusSeconds(1800)).id("moveme1").json());
    h.connect(user);
    h.awaitStatus(code, "scheduled", SYNCED);
    long id = h.meeting(code).getLong("id");

    Instant moved = inSeconds(5);
    h.google.moveEvent(user, "moveme1", moved, moved.plusSeconds(1800));

    Await.until("the row moved to the new start", SYNCED, () ->
        moved.equals(CalendarHarness.instant(h.meeting(code), "scheduled_start")));
    assertThat(h.meeting(code).getLong("id")).as("the same row, moved").isEqualTo(id);
    Await.until("bot started", Duration.ofSeconds(15), () -> h.vexa.botsStarted(code) == 1);
    assertThat(h.botRequestedAt(id)).isBetween(moved.minusMillis(2_100), moved.minusMillis(500));
    assertThat(h.meetings(code)).hasSize(1);
    assertThat(h.db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'calendar_moved'", id)).isEqualTo(1);
    // Outbound: scheduled when first seen, and again (moved) with the new start.
    assertThat(h.db.rows("SELECT data FROM td_outbound_events WHERE type = 'meeting.scheduled' AND meeting_id = $1 ORDER BY pk", id))
        .extracting(row -> ((JsonObject) row.getValue("data")).getString("scheduled_start") + " moved=" + ((JsonObject) row.getValue("data")).getBoolean("moved"))
        .containsExactly(original + " moved=null", moved + " moved=true");
  }

  @Test
  @DisplayName("an event moved after the bot joined: the bot stays in the call, the row stays, no second bot")
  void movedAfterBotJoined() {
    String user = h.newUser("inprogress");
    String code = CalendarHarness.randomCode();
    h.vexa.script(code, BotScript.normal().untilStopped());
    Instant start = inSeconds(3);
    h.google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).id("running1").json());
    h.connect(user);
    Await.until("bot in the call", Duration.ofSeconds(15), () -> Set.of("awaiting_admission", "active").contains(h.status(code)));
    long id = h.meeting(code).getLong("id");

    h.google.moveEvent(user, "running1", start.plusSeconds(600), start.plusSeconds(2400));

    Await.until("the move was seen", SYNCED, () -> "moved_after_dispatch".equals(h.events(user).get("running1").getString("reason")));
    Row meeting = h.meeting(code);
    assertThat(meeting.getLong("id")).isEqualTo(id);
    assertThat(CalendarHarness.instant(meeting, "scheduled_start")).as("row not moved").isEqualTo(start);
    assertThat(meeting.getString("bot_status")).isIn("awaiting_admission", "active");
    assertThat(h.events(user).get("running1").getString("decision")).isEqualTo("scheduled");
    assertThat(h.vexa.botsStarted(code)).isEqualTo(1);
    assertThat(h.vexa.deleteCount(code)).as("never pulled out").isZero();
    h.vexa.endMeeting(code);
  }

  @Test
  @DisplayName("cancelled and declined events get no bot; each decision is recorded with its reason")
  void cancelledAndDeclined() {
    String user = h.newUser("skips");
    String toCancel = CalendarHarness.randomCode();
    String declinedUpFront = CalendarHarness.randomCode();
    String declinedLater = CalendarHarness.randomCode();
    Instant start = inSeconds(6);
    h.google.putEvent(user, MeetEvent.meet(toCancel, start, start.plusSeconds(1800)).id("cancel1").selfStatus("accepted").json());
    h.google.putEvent(user, MeetEvent.meet(declinedUpFront, start, start.plusSeconds(1800)).id("decline1").selfStatus("declined").json());
    h.google.putEvent(user, MeetEvent.meet(declinedLater, start, start.plusSeconds(1800)).id("decline2").selfStatus("accepted").json());
    h.google.putEvent(user, MeetEvent.timed(start, start.plusSeconds(1800)).id("nolink1").location("Room 4").json());
    h.google.putEvent(user, MeetEvent.allDay(java.time.LocalDate.now().plusDays(1), java.time.LocalDate.now().plusDays(2))
        .meetCode(CalendarHarness.randomCode()).id("allday1").json());
    h.connect(user);
    h.awaitStatus(toCancel, "scheduled", SYNCED);
    h.awaitStatus(declinedLater, "scheduled", SYNCED);

    h.google.cancelEvent(user, "cancel1");
    h.google.declineEvent(user, "decline2");

    h.awaitStatus(toCancel, "cancelled", SYNCED);
    h.awaitStatus(declinedLater, "cancelled", SYNCED);
    Map<String, JsonObject> events = h.events(user);
    assertThat(events.get("cancel1").getString("reason")).isEqualTo("cancelled");
    assertThat(events.get("decline1").getString("reason")).isEqualTo("declined");
    assertThat(events.get("decline2").getString("reason")).isEqualTo("declined");
    assertThat(events.get("nolink1").getString("reason")).isEqualTo("no_meet_link");
    assertThat(events.get("allday1").getString("reason")).isEqualTo("all_day");
    assertThat(events.values()).allSatisfy(event -> assertThat(event.getString("decision")).isEqualTo("skipped"));
    assertThat(h.meetings(declinedUpFront)).as("no row for a meeting never scheduled").isEmpty();
    // Past the original dispatch time (start - 2 s): nothing was sent for any of them.
    Await.until("past the dispatch time", Duration.ofSeconds(10), () -> Instant.now().isAfter(start.minusMillis(1_500)));
    assertThat(h.vexa.botsStarted(toCancel) + h.vexa.botsStarted(declinedUpFront) + h.vexa.botsStarted(declinedLater)).isZero();
    assertThat(h.status(toCancel)).isEqualTo("cancelled");
    // Outbound: each was scheduled, then cancelled (with its bot.status), in that order (the ledger's meeting.outcome may follow).
    for (String code : List.of(toCancel, declinedLater)) {
      long id = h.meeting(code).getLong("id");
      assertThat(h.db.rows("SELECT type, data FROM td_outbound_events WHERE meeting_id = $1 ORDER BY pk", id))
          .extracting(row -> row.getString("type") + (row.getString("type").equals("bot.status")
              ? " " + ((JsonObject) row.getValue("data")).getString("status") : ""))
          .startsWith("meeting.scheduled", "meeting.cancelled", "bot.status cancelled");
    }
  }

  @Test
  @DisplayName("the same meeting on two users' calendars is one row, both calendars point at it, and one bot goes")
  void sharedMeetingOneBot() {
    String alice = h.newUser("alice");
    String bob = h.newUser("bob");
    String code = CalendarHarness.randomCode();
    Instant start = inSeconds(5);
    JsonObject event = MeetEvent.meet(code, start, start.plusSeconds(1800)).id("shared01").summary("Design review")
        .attendee(alice, "accepted").attendee(bob, "accepted").json();
    h.google.putEvent(alice, event);
    h.google.putEvent(bob, event);

    h.connect(alice);
    h.connect(bob);

    Await.until("both calendars hold it", SYNCED, () -> h.events(alice).containsKey("shared01") && h.events(bob).containsKey("shared01"));
    long id = h.meeting(code).getLong("id");
    assertThat(h.events(alice).get("shared01").getLong("meeting_id")).isEqualTo(id);
    assertThat(h.events(bob).get("shared01").getLong("meeting_id")).isEqualTo(id);
    Await.until("bot started", Duration.ofSeconds(15), () -> h.vexa.botsStarted(code) == 1);
    int aliceCalls = h.google.listCalls(alice);
    int bobCalls = h.google.listCalls(bob);
    Await.until("both synced twice more after the dispatch", SYNCED, () ->
        h.google.listCalls(alice) >= aliceCalls + 2 && h.google.listCalls(bob) >= bobCalls + 2);
    assertThat(h.vexa.botsStarted(code)).isEqualTo(1);
    assertThat(h.meetings(code)).hasSize(1);
    assertThat(h.db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id = $1", id)).isEqualTo(1);
  }

  @Test
  @DisplayName("one Zoom call on two calendars, through two links (the add-on's with its passcode, a pasted one without): one row, one bot, with the passcode")
  void sharedZoomCallOneBot() {
    String carol = h.newUser("carol");
    String dave = h.newUser("dave");
    String zoomId = "8" + (long) (Math.random() * 1_000_000_000L + 1_000_000_000L);
    Instant start = inSeconds(5);
    h.google.putEvent(carol, MeetEvent.zoom(zoomId, "Qw3rtyPass", start, start.plusSeconds(1800)).id("zoomA").summary("Pricing call").json());
    h.google.putEvent(dave, MeetEvent.timed(start, start.plusSeconds(1800)).id("zoomB").summary("Pricing call (copy)")
        .description("<p>Join Zoom: <a href=\"https://zoom.us/j/" + zoomId + "\">https://zoom.us/j/" + zoomId + "</a></p>").json());
    // Zoom's links carry an opaque token for the passcode (pwd): the bot opens the link with it.
    String pwd = MeetEvent.zoomPwd(zoomId, "Qw3rtyPass");
    h.vexa.script(zoomId, BotScript.normal().requirePasscode("Qw3rtyPass", pwd));
    h.google.putEvent(carol, MeetEvent.jitsi("CarolStandup", start.plusSeconds(3600), start.plusSeconds(4800)).id("jitsiC")
        .summary("Standup on Jitsi").json());

    h.connect(carol);
    h.connect(dave);

    Await.until("both calendars hold it", SYNCED, () -> h.events(carol).containsKey("zoomA") && h.events(dave).containsKey("zoomB"));
    assertThat(h.events(carol).get("zoomA").getString("platform")).isEqualTo("zoom");
    assertThat(h.events(dave).get("zoomB").getString("native_meeting_id")).isEqualTo(zoomId);
    assertThat(h.events(dave).get("zoomB").getLong("meeting_id")).isEqualTo(h.events(carol).get("zoomA").getLong("meeting_id"));
    Await.until("bot started", Duration.ofSeconds(15), () -> h.vexa.botsStarted(zoomId) == 1);
    assertThat(h.vexa.spawnedPasscode("zoom", zoomId)).isEqualTo(pwd);
    assertThat(h.vexa.spawnedMeetingUrl("zoom", zoomId)).endsWith("/j/" + zoomId + "?pwd=" + pwd);
    Await.until("the bot is in the call", Duration.ofSeconds(15), () -> "active".equals(h.db.value(
        "SELECT bot_status FROM td_meetings WHERE platform = 'zoom' AND native_meeting_id = $1", zoomId)));
    assertThat(h.db.count("SELECT count(*) FROM td_meetings WHERE native_meeting_id = $1", zoomId)).isEqualTo(1);
    assertThat(h.vexa.botsStarted(zoomId)).isEqualTo(1);

    JsonObject jitsi = h.events(carol).get("jitsiC");
    assertThat(jitsi.getString("decision")).isEqualTo("skipped");
    assertThat(jitsi.getString("reason")).as("not enabled by default, and said so").isEqualTo("platform_not_enabled");
    assertThat(jitsi.getString("platform")).isEqualTo("jitsi");
    JsonObject coverage = h.client().get("/api/coverage?from=" + start.minusSeconds(3600) + "&to=" + start.plusSeconds(3 * 3600)).putHeader("Authorization", "Bearer " + CalendarHarness.UI_TOKEN).send().await()
        .bodyAsJsonObject();
    assertThat(coverage.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(item -> "jitsiC".equals(item.getString("calendar_event_id"))).findFirst().orElseThrow().getString("outcome_reason"))
        .isEqualTo("Not recorded: Jitsi calls are not enabled (ENABLED_PLATFORMS).");
  }

  @Test
  @DisplayName("a weekly standing Meet room gets one row per occurrence in the window")
  void weeklyOccurrences() {
    String user = h.newUser("weekly");
    String code = CalendarHarness.randomCode();
    Instant first = inSeconds(86_400 + 3_600); // the 4th occurrence stays an hour beyond the window
    h.google.putEvent(user, MeetEvent.meet(code, first, first.plusSeconds(1800)).id("weekly1").summary("Weekly sync").weekly().json());

    h.connect(user);

    Await.until("three occurrences in a 22-day window", SYNCED, () -> h.meetings(code).size() == 3);
    List<Instant> starts = h.meetings(code).stream().map(row -> CalendarHarness.instant(row, "scheduled_start")).toList();
    assertThat(starts).containsExactly(first, first.plus(Duration.ofDays(7)), first.plus(Duration.ofDays(14)));
    Map<String, JsonObject> events = h.events(user);
    assertThat(events).hasSize(3);
    assertThat(events.values().stream().map(e -> e.getLong("meeting_id")).collect(Collectors.toSet())).hasSize(3);
    assertThat(events.keySet()).allSatisfy(id -> assertThat(id).startsWith("weekly1_"));
  }

  @Test
  @DisplayName("invalid_grant: the calendar becomes needs_reauth with an alert naming its upcoming meetings, which stay scheduled")
  void invalidGrant() {
    String user = h.newUser("revoked");
    String code = CalendarHarness.randomCode();
    Instant start = inSeconds(7_200);
    h.google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).summary("Board meeting").json());
    h.connect(user);
    h.awaitStatus(code, "scheduled", SYNCED);
    long id = h.meeting(code).getLong("id");

    try (CalendarHarness.LogCapture logs = CalendarHarness.captureLogs()) {
      h.google.revoke(h.refreshTokens.get(user));

      Await.until("needs_reauth", SYNCED, () -> "needs_reauth".equals(h.calendar(user).getString("status")));
      assertThat(h.calendar(user).getString("last_error")).contains("invalid_grant");
      Await.until("alert logged", Duration.ofSeconds(2), () -> !logs.matching("ALERT calendar needs re-authorisation").isEmpty());
      String alert = logs.matching("ALERT calendar needs re-authorisation").get(0);
      assertThat(alert).contains("calendar: " + user).contains("upcoming meetings: 1").contains(code).contains("Board meeting");
      assertThat(logs.matching("ALERT calendar needs re-authorisation")).hasSize(1);
    }
    assertThat(h.db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id = $1 AND type = 'calendar_needs_reauth' "
        + "AND level = 'alert'", id)).isEqualTo(1);
    assertThat(h.status(code)).as("kept").isEqualTo("scheduled");
    JsonObject alert = Await.value("the calendar's alert posted", Duration.ofSeconds(5), () -> ALERTS.stream()
        .filter(a -> "calendar_needs_reauth".equals(a.getString("alert")) && user.equals(a.getJsonObject("calendar").getString("id")))
        .findFirst().orElse(null));
    assertThat(alert.getJsonObject("calendar").getString("calendar_id")).isEqualTo("primary");
    assertThat(alert.getJsonArray("at_risk")).containsExactly(new JsonObject().put("id", id).put("title", "Board meeting")
        .put("scheduled_start", start.toString()));
    // Outbound: the meeting's logged alert, and the calendar's own (about no one meeting), committed with needs_reauth.
    assertThat(h.db.count("SELECT count(*) FROM td_outbound_events WHERE type = 'alert' AND meeting_id = $1 "
        + "AND data ->> 'alert' = 'calendar_needs_reauth'", id)).isEqualTo(1);
    JsonObject outbound = calendarAlertEvent("calendar_needs_reauth", user);
    assertThat(outbound.getString("message")).isEqualTo(alert.getString("message"));
    assertThat(outbound.getJsonObject("detail").getJsonArray("at_risk")).isEqualTo(alert.getJsonArray("at_risk"));
    JsonObject calendar = h.calendar(user);
    assertThat(calendar.getInteger("at_risk_meetings")).isEqualTo(1);
    assertThat(calendar.getString("needs_reauth_since")).isNotNull();
    assertThat(uiMeeting(id).getBoolean("schedule_unverified")).as("a move or cancellation would not be seen").isTrue();

    // The web app hands over a new refresh token after the user consents again: syncing resumes.
    h.refreshTokens.put(user, h.google.issueRefreshToken(user));
    int calls = h.google.listCalls(user);
    h.connect(user);
    Await.until("ok again", SYNCED, () -> "ok".equals(h.calendar(user).getString("status")) && h.google.listCalls(user) > calls);
    assertThat(h.calendar(user).getValue("needs_reauth_since")).isNull();
    assertThat(h.calendar(user).getInteger("at_risk_meetings")).isZero();
    assertThat(uiMeeting(id).getBoolean("schedule_unverified")).isFalse();
  }

  @Test
  @DisplayName("early warnings, once a calendar a day: a user's consent 150 days old, and syncs failing for 15 minutes")
  void earlyWarnings() {
    String aging = h.newUser("aging");
    String failing = h.newUser("failing");
    h.connect(aging);
    h.connect(failing, failing);
    Await.until("both synced", SYNCED, () -> h.calendar(aging).getString("last_sync_at") != null
        && h.calendar(failing).getString("last_sync_at") != null);

    h.db.value("UPDATE td_calendars SET credentials_since = now() - interval '151 days' WHERE id = $1", aging);
    JsonObject old = Await.value("the aging warning", Duration.ofSeconds(10), () -> alert("calendar_credentials_aging", aging));
    assertThat(old.getString("message")).contains("consent again");
    assertThat(calendarAlertEvent("calendar_credentials_aging", aging).getString("message")).isEqualTo(old.getString("message"));

    h.google.failNext("/calendar/v3/calendars/" + failing, 500, "backendError", 1_000);
    Await.until("failing", SYNCED, () -> "error".equals(h.calendar(failing).getString("status")));
    assertThat(alert("calendar_sync_failing", failing)).as("not before CALENDAR_FAILING_ALERT_S").isNull();
    h.db.value("UPDATE td_calendars SET failing_since = now() - interval '16 minutes' WHERE id = $1", failing);
    JsonObject down = Await.value("the failing warning", Duration.ofSeconds(10), () -> alert("calendar_sync_failing", failing));
    assertThat(down.getString("message")).contains("has not synced since");
    assertThat(calendarAlertEvent("calendar_sync_failing", failing).getString("message")).isEqualTo(down.getString("message"));

    int syncs = h.google.listCalls(aging);
    Await.until("two more syncs", SYNCED, () -> h.google.listCalls(aging) >= syncs + 2);
    assertThat(ALERTS.stream().filter(a -> "calendar_credentials_aging".equals(a.getString("alert"))
        && aging.equals(a.getJsonObject("calendar").getString("id")))).as("once a day").hasSize(1);
    assertThat(h.db.count("SELECT count(*) FROM td_outbound_events WHERE type = 'alert' AND data ->> 'alert' = 'calendar_credentials_aging' "
        + "AND data -> 'detail' -> 'calendar' ->> 'id' = $1", aging)).as("one outbound alert a day too").isEqualTo(1);
    assertThat(h.delete("/calendars/" + failing).statusCode()).as("its failing syncs stop with it").isEqualTo(200);
  }

  /** The one outbound alert event of this type about this calendar (no meeting_id): its data. */
  private static JsonObject calendarAlertEvent(String type, String calendar) {
    List<Row> rows = h.db.rows("SELECT data FROM td_outbound_events WHERE type = 'alert' AND meeting_id IS NULL "
        + "AND data ->> 'alert' = $1 AND data -> 'detail' -> 'calendar' ->> 'id' = $2", type, calendar);
    assertThat(rows).hasSize(1);
    JsonObject data = (JsonObject) rows.get(0).getValue("data");
    assertThat(data.getString("level")).isEqualTo("alert");
    return data;
  }

  private static JsonObject alert(String type, String calendar) {
    return ALERTS.stream().filter(a -> type.equals(a.getString("alert")) && calendar.equals(a.getJsonObject("calendar").getString("id")))
        .findFirst().orElse(null);
  }

  /** The meeting as GET /api/meetings (the page's read API) lists it. */
  private static JsonObject uiMeeting(long id) {
    return h.client().get("/api/meetings?limit=1000").putHeader("Authorization", "Bearer " + CalendarHarness.UI_TOKEN).send().await()
        .bodyAsJsonObject().getJsonArray("meetings").stream().map(JsonObject.class::cast).filter(m -> m.getLong("id") == id)
        .findFirst().orElseThrow();
  }

  @Test
  @DisplayName("429 and 403 rateLimitExceeded are retried with growing, jittered backoff; past the attempts the calendar is in error, then recovers; others keep syncing")
  void rateLimitBackoffAndRecovery() {
    String limited = h.newUser("limited");
    String healthy = h.newUser("healthy");
    String limitedCode = CalendarHarness.randomCode();
    String healthyCode = CalendarHarness.randomCode();
    Instant start = inSeconds(3_600);
    h.google.putEvent(limited, MeetEvent.meet(limitedCode, start, start.plusSeconds(1800)).json());
    h.google.putEvent(healthy, MeetEvent.meet(healthyCode, start, start.plusSeconds(1800)).json());
    String path = "/calendar/v3/calendars/" + limited; // this user's calendar only (read by its id, not "primary")

    try (CalendarHarness.LogCapture logs = CalendarHarness.captureLogs()) {
      h.google.failNext(path, 429, "rateLimitExceeded", 2);
      h.google.failNext(path, 403, "userRateLimitExceeded", 1);
      h.connect(limited, limited);
      h.awaitStatus(limitedCode, "scheduled", SYNCED);
      // This calendar's retries (another test's calendar may still be retrying its own).
      List<String> retries = logs.matching("retrying Google Calendar call").stream()
          .filter(line -> line.contains(limited.replace("@", "%40"))).toList();
      assertThat(retries).hasSize(3);
      assertThat(retries.get(0)).contains("attempt: 1").contains("429 rateLimitExceeded");
      assertThat(retries.get(2)).contains("attempt: 3").contains("403 userRateLimitExceeded");
      List<Long> waits = retries.stream().map(line -> Long.parseLong(line.replaceAll(".*in: (\\d+) ms.*", "$1"))).toList();
      assertThat(waits.get(0)).isBetween(25L, 50L);
      assertThat(waits.get(1)).isBetween(50L, 100L);
      assertThat(waits.get(2)).isBetween(100L, 200L);
      assertThat(h.calendar(limited).getString("status")).isEqualTo("ok");
    }

    // More 429s than CALENDAR_MAX_ATTEMPTS (5) in a row: the sync fails, the calendar shows the error and backs off.
    h.google.failNext(path, 429, "rateLimitExceeded", 12);
    h.connect(healthy);
    Await.until("limited calendar in error", SYNCED, () -> "error".equals(h.calendar(limited).getString("status")));
    assertThat(h.calendar(limited).getString("last_error")).contains("429");
    h.awaitStatus(healthyCode, "scheduled", SYNCED);
    Await.until("recovered", Duration.ofSeconds(10), () -> "ok".equals(h.calendar(limited).getString("status")));
    assertThat(h.calendar(limited).getString("last_error")).isNull();
    assertThat(h.status(limitedCode)).isEqualTo("scheduled");
  }
}
