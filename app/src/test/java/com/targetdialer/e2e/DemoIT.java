package com.targetdialer.e2e;

import com.targetdialer.testing.Await;
import com.targetdialer.testing.ServiceProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo command, as a newcomer runs it: all three stories within two minutes. */
class DemoIT {

  private static final Pattern UI_LINE = Pattern.compile("^(http://localhost:\\d+/\\?token=\\S+)$");
  private static final Pattern SIMULATOR_INFO = Pattern.compile(" INFO +\\[[^]]*] c\\.t\\.(sim|s)\\.(vexa|google|v|g)\\.");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @DisplayName("java -jar targetdialer.jar demo: a talking meeting, a deaf bot restarted, a bot left in the lobby")
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

      Await.until("the three stories told", Duration.ofSeconds(120), () -> {
        JsonArray meetings = new JsonObject(get("http://127.0.0.1:" + port + "/api/meetings", token).body()).getJsonArray("meetings");
        return meetings.size() == 3
            && story(meetings, "Pipeline review", m -> "active".equals(m.getString("bot_status")) && m.getInteger("segment_count") > 3)
            && story(meetings, "Discovery call", m -> m.getInteger("restart_count") == 1 && m.getInteger("segment_count") > 0)
            && story(meetings, "Partner sync", m -> "awaiting_admission".equals(m.getString("bot_status"))
                && String.valueOf(m.getString("last_alert")).contains("lobby"));
      });
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

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
