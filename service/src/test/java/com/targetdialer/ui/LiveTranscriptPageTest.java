package com.targetdialer.ui;

import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.Browser;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The page in a real headless Chromium, against the service and the Vexa simulator. */
@ExtendWith(TestStores.class)
class LiveTranscriptPageTest {

  private static final String INTERNAL_KEY = "internal-key-for-tests-0123";
  private static final String UI_TOKEN = "ui-token-for-browser-tests-01";

  private static Vertx vertx;
  private static VexaSimulator vexa;
  private static TargetDialer service;
  private static WebClient client;
  private static ChromeDriver browser;
  private static SqlProbe db;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    DatabaseUrl database = TestStores.newDatabase();
    Map<String, String> env = RunningService.env(database, TestStores.redis());
    env.put("LEDGER_SWEEP_INTERVAL_S", "1");
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    env.put("UI_TOKEN", UI_TOKEN);
    RunningService.useVexa(env, vexa);
    env.put("HEALTH_SWEEP_INTERVAL_S", "1");
    env.put("DEAF_TIMEOUT_S", "3");
    env.put("LIVE_RESYNC_INTERVAL_S", "1");
    env.put("TD_ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    browser = Browser.start();
    db = new SqlProbe(vertx, database);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (db != null) {
      db.close();
    }
    if (service != null) {
      service.stop();
    }
    vertx.close().await();
  }

  @Test
  @DisplayName("the page lists the meetings, streams a transcript with drafts replaced in place, and shows a deaf bot's restart")
  void liveTranscript() throws Exception {
    // Speaks for about 8 s, so the page is open while it talks; never silent for DEAF_TIMEOUT_S.
    vexa.script("nor-malm-eet", BotScript.normal().skipLobby().segments(8).firstSegmentDelay(Duration.ofMillis(500))
        .segmentInterval(Duration.ofMillis(1000)).confirmDelay(Duration.ofMillis(500)).speakers("Ana", "Ben"));
    vexa.script("dea-fmee-tin", BotScript.deaf().skipLobby(), BotScript.normal().skipLobby().segments(2));
    long normal = dispatch("nor-malm-eet");
    long deaf = dispatch("dea-fmee-tin");

    browser.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + UI_TOKEN);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(driver -> "open".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
    wait.until(driver -> driver.findElements(By.cssSelector(".meeting")).size() == 2);

    click(wait, ".meeting[data-meeting-id='" + normal + "']");
    // Record every text a segment shows, so the test sees a draft turn into its confirmation in place.
    browser.executeScript("""
        window.tdSeen = [];
        new MutationObserver(() => document.querySelectorAll('#transcript .segment').forEach(s => {
          if (!s.tdId) { s.tdId = Math.random(); }
          window.tdSeen.push([s.dataset.key, s.tdId, s.dataset.completed]);
        })).observe(document.getElementById('transcript'), {subtree: true, childList: true, characterData: true, attributes: true});
        """);
    wait.until(driver -> driver.findElements(By.cssSelector("#transcript .segment[data-completed='true']")).size() == 8);

    List<WebElement> segments = browser.findElements(By.cssSelector("#transcript .segment"));
    assertThat(segments).hasSize(8);
    assertThat(segments.get(0).findElement(By.cssSelector(".speaker")).getText()).isIn("Ana", "Ben");
    assertThat(segments.get(0).findElement(By.cssSelector("time")).getText()).isNotBlank();
    @SuppressWarnings("unchecked")
    List<List<Object>> seen = (List<List<Object>>) browser.executeScript("return window.tdSeen;");
    assertThat(seen).as("a draft was shown, then confirmed in the same element")
        .anySatisfy(draft -> {
          assertThat(draft.get(2)).isEqualTo("false");
          assertThat(seen).anySatisfy(confirmed -> {
            assertThat(confirmed.get(0)).isEqualTo(draft.get(0));
            assertThat(confirmed.get(1)).isEqualTo(draft.get(1));
            assertThat(confirmed.get(2)).isEqualTo("true");
          });
        });

    wait.until(driver -> driver.findElement(By.cssSelector(".meeting[data-meeting-id='" + normal + "']")).getText().contains("8 segments"));
    wait.until(driver -> driver.findElement(By.cssSelector(".meeting[data-meeting-id='" + deaf + "']")).getText().contains("restarted ×1"));
    click(wait, ".meeting[data-meeting-id='" + deaf + "']");
    wait.until(driver -> driver.findElements(By.cssSelector("#alerts li[data-alert='deaf_bot']")).size() == 1);
    assertThat(browser.findElement(By.cssSelector("#alerts li[data-alert='deaf_bot']")).getText())
        .as("the alert names the meeting by its code").contains("deaf bot, restarting").contains("dea-fmee-tin");
    saveScreenshot("live-transcript.png");
  }

  @Test
  @DisplayName("another day's summary, each meeting's outcome, reason and coverage bar, and a gap inline in the transcript")
  void captureLedger() throws Exception {
    // A past day's meetings as the service left them; the ledger judges them from these facts.
    long captured = meeting("Captured call", "cap-ture-dok", "10:00", "completed", null, 2);
    session(captured, 1, "a1", "completed", "09:59:30", "10:30:00", null, null, null);
    segment(captured, "a1", "10:10:00", "Thanks for joining");
    segment(captured, "a1", "10:20:00", "Let's look at pricing");
    long restarted = meeting("Restarted call", "res-tart-edc", "11:00", "completed", null, 2);
    session(restarted, 1, "b1", "completed", "11:00:00", "11:04:00", "replaced_by_restart", "stopped", null);
    session(restarted, 2, "b2", "completed", "11:05:00", "11:30:00", null, "left_alone", null);
    segment(restarted, "b2", "11:10:00", "Can you hear me now?");
    segment(restarted, "b2", "11:20:00", "Great, let's continue");
    long lobby = meeting("Lobby call", "lob-bycal-lz", "12:00", "failed", "awaiting_admission_timeout", 0);
    session(lobby, 1, "c1", "failed", null, "12:15:00", null, "awaiting_admission_timeout", "awaiting_admission");
    db.value("INSERT INTO td_calendars (id, credentials_type, credentials_enc, status) VALUES ('pat@example.com', 'oauth', '\\x00', 'needs_reauth')");
    db.value("INSERT INTO td_calendar_events (calendar_ref, event_id, decision, reason, summary, starts_at, ends_at) "
        + "VALUES ('pat@example.com', 'evt-1', 'skipped', 'declined', 'Declined call', '2026-11-20T13:00:00Z', '2026-11-20T13:30:00Z')");
    Await.until("the ledger judged them", Duration.ofSeconds(15), () -> db.count(
        "SELECT count(*) FROM td_meetings WHERE outcome <> 'pending' AND scheduled_start::date = '2026-11-20'") == 3);

    browser.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + UI_TOKEN);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(driver -> "open".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
    browser.executeScript("const day = document.getElementById('day'); day.value = '2026-11-20'; day.dispatchEvent(new Event('change'));");
    wait.until(driver -> driver.findElements(By.cssSelector("#meetings .meeting")).size() == 4);

    assertThat(browser.findElement(By.id("summary")).getText()).isEqualTo("3 meetings · 1 captured · 1 partial · 1 not admitted · 1 skipped");
    assertThat(browser.findElement(By.id("calendar-banner")).getText())
        .as("a calendar that needs re-authorising is named at the top").isEqualTo("Calendar pat@example.com needs re-authorisation. Reconnect it.");
    assertThat(browser.findElement(By.id("day-title")).getText()).isNotEqualTo("Today");
    WebElement partial = browser.findElement(By.cssSelector(".meeting[data-meeting-id='" + restarted + "']"));
    assertThat(partial.findElement(By.cssSelector(".outcome")).getText()).isEqualTo("partial");
    assertThat(partial.findElement(By.cssSelector(".reason")).getText()).startsWith("Partly recorded: the bot heard 83% of the meeting");
    WebElement restartGap = partial.findElement(By.cssSelector(".bar .gap[data-cause='restart']"));
    assertThat(restartGap.getAttribute("title")).isEqualTo("1 min not captured: the bot was restarted");
    assertThat(partial.findElements(By.cssSelector(".bar .gap[data-cause='deaf']"))).hasSize(1);
    assertThat(browser.findElement(By.cssSelector(".meeting[data-meeting-id='" + lobby + "'] .outcome")).getText()).isEqualTo("not admitted");
    assertThat(browser.findElement(By.cssSelector(".meeting[data-meeting-id='" + captured + "'] .outcome")).getText()).isEqualTo("captured");
    WebElement declined = browser.findElement(By.cssSelector(".meeting.skipped"));
    assertThat(declined.getText()).contains("Declined call").contains("skipped").contains("you declined this event");

    click(wait, ".meeting[data-meeting-id='" + restarted + "']");
    wait.until(driver -> driver.findElements(By.cssSelector("#transcript .segment")).size() == 2);
    List<WebElement> lines = browser.findElements(By.cssSelector("#transcript > li"));
    assertThat(lines).extracting(WebElement::getText).containsExactly(
        "— 4 min not captured: the bot could not hear —",
        "— 1 min not captured: the bot was restarted —",
        lines.get(2).getText(), lines.get(3).getText());
    assertThat(lines.get(2).getText()).contains("Can you hear me now?");
    assertThat(browser.findElement(By.id("meeting-outcome")).getText()).contains("partial");
    saveScreenshot("capture-ledger.png");
  }

  private static long meeting(String title, String code, String start, String status, String failure, int segments) {
    return ((Number) db.value("INSERT INTO td_meetings (title, native_meeting_id, source, scheduled_start, scheduled_end, bot_status, "
        + "failure_reason, segment_count, meeting_ended_at, restart_count) VALUES ($1, $2, 'calendar', $3, $3 + interval '30 minutes', $4, $5, $6, "
        + "$3 + interval '30 minutes', $7) RETURNING id", title, code, at(start + ":00"), status, failure, segments,
        title.startsWith("Restarted") ? 1 : 0)).longValue();
  }

  private static void session(long meetingId, int attempt, String uid, String status, String active, String ended, String endReason,
                              String completion, String stage) {
    db.value("INSERT INTO td_bot_sessions (meeting_id, attempt, session_uid, status, active_at, ended_at, end_reason, completion_reason, "
        + "failure_stage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", meetingId, attempt, uid, status,
        active == null ? null : at(active), at(ended), endReason, completion, stage);
  }

  private static void segment(long meetingId, String uid, String time, String text) {
    db.value("INSERT INTO td_transcript_segments (meeting_id, segment_key, session_uid, text, speaker, completed, absolute_start_time, "
        + "absolute_end_time) VALUES ($1, $2, $3, $4, 'Pat', true, $5, $5 + interval '3 seconds')", meetingId, uid + time, uid, text, at(time));
  }

  private static java.time.OffsetDateTime at(String time) {
    return java.time.OffsetDateTime.parse("2026-11-20T" + time + "Z");
  }

  @Test
  @DisplayName("a bridge socket without the token is refused")
  void socketWithoutToken() {
    browser.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + UI_TOKEN);
    Object outcome = browser.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        const bus = new EventBus('/eventbus');
        let opened = false;
        bus.onopen = () => { opened = true; bus.registerHandler('meetings.updates', () => {}); };
        bus.onclose = () => done(opened ? 'closed after open' : 'refused');
        setTimeout(() => done('still open'), 10000);
        """);
    assertThat(outcome).isIn("refused", "closed after open");
  }

  @Test
  @DisplayName("each meeting shows its platform; the header links to the call without its passcode, which the page never holds")
  void platformsAndPasscodes() throws Exception {
    String day = "2026-11-21";
    vexa.script("85512340001", BotScript.normal().skipLobby().segments(2).requirePasscode("PgZoomPw1"));
    vexa.script("9384750000001", BotScript.normal().skipLobby().segments(2).requirePasscode("PgTeamsPw2"));
    long zoom = dispatch(new JsonObject().put("meeting_url", "https://us02web.zoom.us/j/85512340001?pwd=PgZoomPw1")
        .put("title", "Zoom call").put("scheduled_start", day + "T10:00:00Z"));
    long teams = dispatch(new JsonObject().put("meeting_url", "https://teams.live.com/meet/9384750000001?p=PgTeamsPw2")
        .put("title", "Teams call").put("scheduled_start", day + "T11:00:00Z"));

    browser.get("http://127.0.0.1:" + service.httpPort() + "/?token=" + UI_TOKEN);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(driver -> "open".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
    browser.executeScript("const day = document.getElementById('day'); day.value = '" + day + "'; day.dispatchEvent(new Event('change'));");
    wait.until(driver -> driver.findElements(By.cssSelector("#meetings .meeting")).size() == 2);

    assertThat(attribute(wait, ".meeting[data-meeting-id='" + zoom + "'] .platform", "data-platform")).isEqualTo("zoom");
    assertThat(attribute(wait, ".meeting[data-meeting-id='" + teams + "'] .platform", "title")).isEqualTo("Microsoft Teams");
    click(wait, ".meeting[data-meeting-id='" + zoom + "']");
    wait.until(driver -> !driver.findElements(By.cssSelector("#meeting-header .join-link")).isEmpty());
    assertThat(attribute(wait, "#meeting-header .join-link", "href")).isEqualTo("https://us02web.zoom.us/j/85512340001");
    assertThat(attribute(wait, "#meeting-header .join-link", "textContent")).isEqualTo("Open in Zoom");
    Await.until("both calls finished", Duration.ofSeconds(30), () -> db.count(
        "SELECT count(*) FROM td_meetings WHERE id IN ($1, $2) AND bot_status = 'completed'", zoom, teams) == 2);
    click(wait, ".meeting[data-meeting-id='" + teams + "']");
    wait.until(driver -> driver.findElement(By.id("meeting-header")).getText().contains("Teams call"));
    saveScreenshot("platforms.png");
    assertThat(browser.getPageSource()).doesNotContain("PgZoomPw1").doesNotContain("PgTeamsPw2");
    @SuppressWarnings("unchecked")
    List<Object> resources = (List<Object>) browser.executeScript(
        "return performance.getEntriesByType('resource').map(e => e.name);");
    assertThat(resources).as("nothing the page fetched names a passcode").noneMatch(name -> String.valueOf(name).contains("Pw"));
  }

  private static long dispatch(JsonObject body) {
    var response = client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY).sendJsonObject(body).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getLong("meeting_id");
  }

  private static long dispatch(String code) {
    return dispatch(new JsonObject().put("vexa_meeting_id", code));
  }

  private static void saveScreenshot(String name) throws Exception {
    Path target = Path.of("target", "screenshots", name);
    Files.createDirectories(target.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** An attribute of an element of a list that is redrawn on every update: read again when the element went. */
  private static String attribute(WebDriverWait wait, String selector, String name) {
    return wait.ignoring(StaleElementReferenceException.class).until(driver -> driver.findElement(By.cssSelector(selector)).getAttribute(name));
  }

  /** The meeting list is redrawn on every update: an element found a moment ago may be gone, so find it again. */
  private static void click(WebDriverWait wait, String selector) {
    wait.ignoring(StaleElementReferenceException.class).until(driver -> {
      driver.findElement(By.cssSelector(selector)).click();
      return true;
    });
  }
}
