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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo command, as a newcomer runs it: all three stories within two minutes. */
class DemoIT {

  private static final Pattern UI_LINE = Pattern.compile("^(http://localhost:\\d+/\\?token=\\S+)$");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  @DisplayName("java -jar targetdialer.jar demo: a talking meeting, a deaf bot restarted, a bot left in the lobby")
  void demo(@TempDir Path workDir) throws Exception {
    int port = ServiceProcess.freePort();
    try (ServiceProcess demo = ServiceProcess.start(workDir, Map.of("HTTP_PORT", String.valueOf(port)), "demo")) {
      String url = demo.awaitOutput(UI_LINE, Duration.ofSeconds(60));
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
