package com.targetdialer.ui;

import com.targetdialer.TargetDialer;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Browser;
import com.targetdialer.testing.RunningService;
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

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    Map<String, String> env = RunningService.env(TestStores.newDatabase(), TestStores.redis());
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    env.put("UI_TOKEN", UI_TOKEN);
    env.put("VEXA_API_URL", vexa.baseUrl());
    env.put("VEXA_API_KEY", vexa.apiKey());
    env.put("HEALTH_SWEEP_INTERVAL_S", "1");
    env.put("DEAF_TIMEOUT_S", "3");
    env.put("LIVE_RESYNC_INTERVAL_S", "1");
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
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

  private static long dispatch(String code) {
    var response = client.post("/dispatch/bot").putHeader("Authorization", "Bearer " + INTERNAL_KEY)
        .sendJsonObject(new JsonObject().put("vexa_meeting_id", code)).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getLong("meeting_id");
  }

  private static void saveScreenshot(String name) throws Exception {
    Path target = Path.of("target", "screenshots", name);
    Files.createDirectories(target.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The meeting list is redrawn on every update: an element found a moment ago may be gone, so find it again. */
  private static void click(WebDriverWait wait, String selector) {
    wait.ignoring(StaleElementReferenceException.class).until(driver -> {
      driver.findElement(By.cssSelector(selector)).click();
      return true;
    });
  }
}
