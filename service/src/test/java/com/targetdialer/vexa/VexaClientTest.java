package com.targetdialer.vexa;

import com.targetdialer.platform.MeetingLink;
import com.targetdialer.platform.Platform;
import com.targetdialer.config.ConfigLoader;
import com.targetdialer.config.Settings;
import com.targetdialer.config.VexaSettings;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class VexaClientTest {

  private VexaSimulator vexa;
  private VexaClient client;

  @BeforeEach
  void start(Vertx vertx) {
    vexa = new VexaSimulator(0);
    vertx.deployVerticle(vexa).await();
    client = new VexaClient(vertx, settings(vexa.baseUrl()));
  }

  private VexaSettings settings(String url) {
    return Settings.from(ConfigLoader.defaults().put("VEXA_API_URL", url).put("VEXA_API_KEY", vexa.apiKey())
        .put("VEXA_MAX_ATTEMPTS", 3).put("VEXA_TIMEOUT_MS", 2000)).vexa();
  }

  private static MeetingLink meet(String code) {
    return new MeetingLink(Platform.GOOGLE_MEET, code, "https://meet.google.com/" + code, null);
  }

  @Test
  @DisplayName("a started bot brings Vexa's meeting id and session uid; a second start adopts it instead of failing")
  void startAndAdopt() {
    vexa.script("abc-defg-hij", BotScript.deaf());

    VexaBot bot = client.startBot(meet("abc-defg-hij")).await();
    VexaBot again = client.startBot(meet("abc-defg-hij")).await();

    assertThat(bot.id()).isPositive();
    assertThat(bot.sessionUid()).isNotBlank();
    assertThat(again.id()).isEqualTo(bot.id());
    assertThat(vexa.botsStarted("abc-defg-hij")).isEqualTo(1);
    assertThat(client.runningBots().await()).extracting(VexaBot::id).contains(bot.id());
    VexaBot row = client.meeting(bot.id()).await();
    assertThat(row.status()).isIn("requested", "joining", "awaiting_admission", "active");
    // Only POST /bots lists the session uid; stored rows name the bot by its workload id mtg-{id}-{uid[:8]}.
    assertThat(again.sessionUid()).isNull();
    assertThat(again.botContainerId()).isEqualTo("mtg-" + bot.id() + "-" + bot.sessionUid().substring(0, 8));
    assertThat(row.botContainerId()).isEqualTo(again.botContainerId());
  }

  @Test
  @DisplayName("a finished bot's row says what its transcription produced (service_provenance.transcription_outcome)")
  void transcriptionOutcome() {
    vexa.script("abc-defg-hij", BotScript.normal().skipLobby().segments(2));
    vexa.script("bcd-efgh-ijk", BotScript.normal().skipLobby().segments(0));
    VexaBot talking = client.startBot(meet("abc-defg-hij")).await();
    VexaBot silent = client.startBot(meet("bcd-efgh-ijk")).await();

    VexaBot served = Await.value("finished", Duration.ofSeconds(10), () -> {
      VexaBot row = client.meeting(talking.id()).await();
      return row.finished() ? row : null;
    });
    VexaBot nothing = Await.value("finished", Duration.ofSeconds(10), () -> {
      VexaBot row = client.meeting(silent.id()).await();
      return row.finished() ? row : null;
    });

    assertThat(served.transcriptionOutcome()).isEqualTo("served");
    assertThat(nothing.transcriptionOutcome()).isEqualTo("no_output");
    assertThat(client.meeting(talking.id()).await().transcriptionOutcome()).isEqualTo("served");
  }

  @Test
  @DisplayName("stopping twice is fine: the second DELETE's 404 means the bot is already gone")
  void stopTwice() {
    vexa.script("abc-defg-hij", BotScript.deaf());
    client.startBot(meet("abc-defg-hij")).await();

    client.stopBot("google_meet", "abc-defg-hij").await();
    client.stopBot("google_meet", "abc-defg-hij").await();

    assertThat(vexa.deleteCount("abc-defg-hij")).isEqualTo(2);
  }

  @Test
  @DisplayName("429 and 5xx are retried honouring Retry-After; 4xx is not, and its detail is kept")
  void retries() {
    vexa.failNext("GET", "/bots/status", 429, 1, "0");
    vexa.failNext("GET", "/bots/status", 502, 1, null);
    assertThat(client.runningBots().await()).isEmpty();

    vexa.failNext("POST", "/bots", 422, 1, null);
    assertThatThrownBy(() -> client.startBot(meet("abc-defg-hij")).await())
        .isInstanceOfSatisfying(VexaException.class, e -> {
          assertThat(e.status()).isEqualTo(422);
          assertThat(e.unreachable()).isFalse();
        });
    assertThat(vexa.botsStarted("abc-defg-hij")).isZero();
  }

  @Test
  @DisplayName("the account's concurrent-bot cap is reported at once, not retried")
  void botLimit() {
    vexa.setMaxConcurrentBots(0);

    assertThatThrownBy(() -> client.startBot(meet("abc-defg-hij")).await())
        .isInstanceOfSatisfying(VexaException.class, e -> assertThat(e.botLimitReached()).isTrue());
  }

  @Test
  @DisplayName("an unreachable Vexa is a typed error after the bounded retries")
  void unreachable(Vertx vertx) throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    VexaClient nowhere = new VexaClient(vertx, settings("http://127.0.0.1:" + closed));

    assertThatThrownBy(() -> nowhere.runningBots().await())
        .isInstanceOfSatisfying(VexaException.class, e -> assertThat(e.unreachable()).isTrue());
  }

  @Test
  @DisplayName("Vexa 0.10 is tolerated: DELETE 202, running_bots containers, relative segment times")
  void legacy010() {
    vexa.setLegacy010(true);
    vexa.script("abc-defg-hij", BotScript.normal().untilStopped());
    VexaBot bot = client.startBot(meet("abc-defg-hij")).await();

    List<VexaBot> running = client.runningBots().await();
    client.stopBot("google_meet", "abc-defg-hij").await();

    assertThat(running).extracting(VexaBot::nativeMeetingId).containsExactly("abc-defg-hij");
    assertThat(running.get(0).id()).isEqualTo(bot.id());
    JsonArray segments = client.transcript(bot.id(), "google_meet", "abc-defg-hij").await();
    assertThat(VexaSegments.normalizeAll(segments, bot.sessionUid(), null, true).segments()).hasSameSizeAs(segments);
  }

  @Test
  @DisplayName("every form of detail is read: a string, a list of field errors, an object")
  void detailForms() {
    assertThat(VexaException.detailOf(Buffer.buffer("{\"detail\":\"Invalid API key\"}"))).isEqualTo("Invalid API key");
    assertThat(VexaException.detailOf(Buffer.buffer("{\"detail\":[{\"loc\":[\"body\",\"platform\"],\"msg\":\"field required\"}]}")))
        .isEqualTo("[\"body\",\"platform\"] field required");
    assertThat(VexaException.detailOf(Buffer.buffer("{\"detail\":{\"code\":\"service_not_allowed\",\"reason\":\"plan\"}}")))
        .isEqualTo("service_not_allowed: plan");
    assertThat(VexaException.detailOf(Buffer.buffer("<html>Bad Gateway</html>"))).isEqualTo("<html>Bad Gateway</html>");
    assertThat(VexaException.detailOf(Buffer.buffer())).isEqualTo("(empty body)");
  }
}
