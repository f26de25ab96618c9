package com.targetdialer.e2e;

import com.targetdialer.testing.Await;
import com.targetdialer.testing.Browser;
import com.targetdialer.testing.ServiceProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo command, as a newcomer runs it: all three stories, then every meeting accounted for on the page. */
class DemoIT {

  private static final Pattern UI_LINE = Pattern.compile("^(http://localhost:\\d+/\\?token=\\S+)$");
  private static final Pattern SIMULATOR_INFO = Pattern.compile(" INFO +\\[[^]]*] c\\.t\\.(sim|s)\\.(vexa|google|v|g)\\.");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @DisplayName("java -jar targetdialer.jar demo: a talking meeting, a deaf bot restarted, a bot left in the lobby, Zoom and Teams calls, then the day summary")
  void demo(@TempDir Path workDir) throws Exception {
    int port = ServiceProcess.freePort();
    Path tmp = Files.createDirectories(workDir.resolve("tmp"));
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(port), "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp);
    try (ServiceProcess demo = ServiceProcess.start(workDir, env, "demo")) {
      String url = demo.awaitOutput(UI_LINE, Duration.ofSeconds(60));
      List<String> startup = demo.output();
      int urlLine = startup.indexOf(url);
      assertThat(startup.get(urlLine - 1)).as("the start-up block ends with the page's address").startsWith("Open the live transcript UI");
      assertThat(startup.subList(0, urlLine - 1)).as("and names it first too").anyMatch(line -> line.contains(url));
      String token = url.substring(url.indexOf("token=") + 6);
      assertThat(get(url.replace("/?token=" + token, "/"), null).statusCode()).isEqualTo(200);

      // Each story is told live (in its own moment), then every meeting is over and accounted for.
      Set<String> told = new HashSet<>();
      Await.until("the three stories told", Duration.ofSeconds(150), () -> {
        JsonArray meetings = new JsonObject(get("http://127.0.0.1:" + port + "/api/meetings", token).body()).getJsonArray("meetings");
        if (story(meetings, "Pipeline review", m -> m.getInteger("segment_count") > 3)) {
          told.add("talking");
        }
        if (story(meetings, "Discovery call", m -> m.getInteger("restart_count") == 1 && m.getInteger("segment_count") > 0)) {
          told.add("deaf bot restarted");
        }
        if (story(meetings, "Partner sync", m -> String.valueOf(m.getString("last_alert")).contains("lobby"))) {
          told.add("lobby alert");
        }
        return told.size() == 3;
      });
      JsonObject report = Await.value("every meeting over and accounted for", Duration.ofSeconds(150), () -> {
        JsonObject coverage = new JsonObject(get("http://127.0.0.1:" + port + "/api/coverage", token).body());
        return coverage.getJsonObject("totals").getInteger("pending") == 0 && coverage.getJsonArray("items").size() == 6 ? coverage : null;
      });
      assertThat(outcome(report, "Pipeline review")).isEqualTo("captured");
      assertThat(outcome(report, "Discovery call")).isIn("captured", "partial");
      assertThat(item(report, "Discovery call").getJsonArray("gaps").stream().map(gap -> ((JsonObject) gap).getString("cause")))
          .contains("deaf", "restart");
      assertThat(outcome(report, "Partner sync")).isEqualTo("not_admitted");
      assertThat(item(report, "Partner sync").getString("outcome_reason")).endsWith("(2 bots tried).");
      JsonArray partnerEvents = new JsonObject(get("http://127.0.0.1:" + port + "/api/meetings/" + item(report, "Partner sync").getLong("id"),
          token).body()).getJsonArray("events");
      assertThat(partnerEvents.stream().map(JsonObject.class::cast).filter(e -> "lobby_waiting".equals(e.getString("type"))).toList())
          .as("the nudge names the organizer").hasSize(2).allSatisfy(e -> assertThat(e.getJsonObject("detail").getString("message"))
              .contains("ask alice@example.com to admit it"));
      assertThat(partnerEvents.stream().map(JsonObject.class::cast).filter(e -> "re_knock".equals(e.getString("type")))).hasSize(1);
      assertThat(outcome(report, "Declined meeting")).isEqualTo("skipped");
      assertThat(outcome(report, "Customer call on Zoom")).isEqualTo("captured");
      assertThat(item(report, "Customer call on Zoom").getString("platform")).isEqualTo("zoom");
      assertThat(outcome(report, "Team sync on Teams")).isEqualTo("captured");
      assertThat(item(report, "Team sync on Teams").getString("platform")).isEqualTo("teams");

      // The page's day summary says the same, and the screenshot shows it.
      ChromeDriver browser = Browser.start();
      try {
        browser.get(url);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(driver -> driver.findElements(By.cssSelector("#meetings .meeting")).size() == 6);
        JsonObject totals = report.getJsonObject("totals");
        String summary = browser.findElement(By.id("summary")).getText();
        assertThat(summary).startsWith("5 meetings · ").contains(totals.getInteger("captured") + " captured")
            .contains("1 not admitted").endsWith("1 skipped");
        assertThat(browser.findElements(By.cssSelector(".meeting .bar .gap[data-cause='deaf']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector(".meeting .platform")).stream().map(icon -> icon.getAttribute("data-platform")))
            .as("a newcomer sees which call is which").contains("google_meet", "zoom", "teams");
        Path screenshot = Path.of("target", "screenshots", "demo-day-summary.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        browser.quit();
      }
      assertThat(demo.terminate(Duration.ofSeconds(20))).isEqualTo(143);
      assertThat(demo.output()).as("the simulators' INFO lines are kept out of the demo's console")
          .noneMatch(line -> SIMULATOR_INFO.matcher(line).find());
    }
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left.map(path -> path.getFileName().toString())).as("the demo's data folder is removed on exit")
          .noneMatch(name -> name.startsWith("targetdialer-demo"));
    }
  }

  private static boolean story(JsonArray meetings, String titlePrefix, java.util.function.Predicate<JsonObject> told) {
    return meetings.stream().map(JsonObject.class::cast)
        .filter(meeting -> meeting.getString("title", "").startsWith(titlePrefix))
        .anyMatch(told);
  }

  private static JsonObject item(JsonObject report, String titlePrefix) {
    return report.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(item -> item.getString("title", "").startsWith(titlePrefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + titlePrefix + " in " + report.encode()));
  }

  private static String outcome(JsonObject report, String titlePrefix) {
    return item(report, titlePrefix).getString("outcome");
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
