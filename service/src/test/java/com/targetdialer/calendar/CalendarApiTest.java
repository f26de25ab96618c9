package com.targetdialer.calendar;

import com.targetdialer.sim.google.Channel;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.sim.google.Ping;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /calendars} and {@code /calendar/notifications}, with push channels on (the simulator posts
 * pings over plain http, hence CALENDAR_PUSH=on) and a 5-minute poll, so only pings cause syncs.
 */
@ExtendWith(TestStores.class)
class CalendarApiTest {

  private static final Duration SOON = Duration.ofSeconds(5);
  private static final String STATIC_CALENDAR = "from-config-file";
  private static CalendarHarness h;
  private static String staticUser;

  @BeforeAll
  static void start() throws Exception {
    Path configFile = Files.createTempFile("td-calendars", ".json");
    configFile.toFile().deleteOnExit();
    h = CalendarHarness.start(Map.of("CALENDAR_PUSH", "on", "CALENDAR_POLL_INTERVAL_S", "300", "CALENDAR_PUSH_DEBOUNCE_MS", "500"),
        harness -> {
          staticUser = harness.newUser("static");
          Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3_600);
          harness.google.putEvent(staticUser, MeetEvent.meet(CalendarHarness.randomCode(), start, start.plusSeconds(1800)).id("fromfile1").json());
          JsonObject config = new JsonObject().put("calendars", new JsonArray().add(new JsonObject()
              .put("id", STATIC_CALENDAR).put("calendar_id", "primary").put("owner", "Static.Owner@example.com")
              .put("credentials", harness.userCredentials(staticUser))));
          try {
            Files.writeString(configFile, config.encodePrettily());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          harness.setEnv("TD_CONFIG", configFile.toString());
        });
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static Channel liveChannel(String user) {
    return h.google.channels().stream().filter(c -> c.user().equals(user) && c.active()).findFirst().orElse(null);
  }

  private static Instant lastSync(String user) {
    String text = h.calendar(user).getString("last_sync_at");
    return text == null ? null : Instant.parse(text);
  }

  /** Connected, first sync done, its channel live and past the debounce: the next sync comes only from a ping. */
  private static Channel connectedAndQuiet(String user) {
    h.connect(user);
    Await.until("channel live", SOON, () -> liveChannel(user) != null && lastSync(user) != null);
    Instant last = lastSync(user);
    Await.until("debounce passed", SOON, () -> Instant.now().isAfter(last.plusMillis(700)));
    return liveChannel(user);
  }

  private static HttpResponse<Buffer> ping(String channelId, String token, String resourceId, String state) {
    HttpRequest<Buffer> request = h.client().post("/calendar/notifications");
    if (channelId != null) {
      request.putHeader("X-Goog-Channel-ID", channelId);
    }
    if (token != null) {
      request.putHeader("X-Goog-Channel-Token", token);
    }
    if (resourceId != null) {
      request.putHeader("X-Goog-Resource-ID", resourceId);
    }
    if (state != null) {
      request.putHeader("X-Goog-Resource-State", state);
    }
    return request.putHeader("X-Goog-Message-Number", "7").send().await();
  }

  @Test
  @DisplayName("POST /calendars with user credentials: 201, listed with its status and never with a secret; stored encrypted; a second POST replaces it")
  void connectAndList() {
    String user = h.newUser("listed");
    String refreshToken = h.refreshTokens.get(user);

    HttpResponse<Buffer> created = h.post("/calendars", new JsonObject().put("id", user).put("credentials", h.userCredentials(user)));

    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject body = created.bodyAsJsonObject();
    assertThat(body.getString("id")).isEqualTo(user);
    assertThat(body.getString("calendar_id")).isEqualTo("primary");
    assertThat(body.getString("status")).isEqualTo("ok");
    assertThat(body.fieldNames()).contains("last_sync_at", "last_error").doesNotContain("credentials");
    Await.until("first sync", SOON, () -> lastSync(user) != null);
    String listing = h.get("/calendars").bodyAsString();
    JsonObject listed = h.calendar(user);
    assertThat(listed.getString("status")).isEqualTo("ok");
    assertThat(listed.getString("last_error")).isNull();
    assertThat(listing).doesNotContain(refreshToken).doesNotContain(CalendarHarness.CLIENT_SECRET);
    byte[] stored = ((Buffer) h.db.value("SELECT credentials_enc FROM td_calendars WHERE id = $1", user)).getBytes();
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(refreshToken).doesNotContain(CalendarHarness.CLIENT_SECRET);

    assertThat(h.post("/calendars", new JsonObject().put("id", user).put("credentials", h.userCredentials(user))).statusCode())
        .as("replacing the credentials").isEqualTo(200);
    assertThat(h.get("/calendars").bodyAsJsonObject().getJsonArray("calendars").stream()
        .filter(c -> user.equals(((JsonObject) c).getString("id"))).count()).isEqualTo(1);
  }

  @Test
  @DisplayName("service-account credentials with domain-wide delegation (subject) sync the subject's calendar")
  void serviceAccount() throws Exception {
    String user = h.newUser("delegated");
    String code = CalendarHarness.randomCode();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3_600);
    h.google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).json());
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    JsonObject key = new JsonObject().put("type", "service_account").put("project_id", "sim-project")
        .put("private_key_id", "k1").put("private_key", pem).put("client_email", "dialer@sim-project.iam.gserviceaccount.com")
        .put("client_id", "1234567890").put("token_uri", "https://oauth2.googleapis.com/token");

    HttpResponse<Buffer> created = h.post("/calendars", new JsonObject().put("id", "sa-" + user).put("credentials", key).put("subject", user));

    assertThat(created.statusCode()).isEqualTo(201);
    h.awaitStatus(code, "scheduled", SOON);
    assertThat(h.get("/calendars").bodyAsString()).doesNotContain("PRIVATE KEY");
  }

  @Test
  @DisplayName("a push ping makes the calendar sync within a second (the poll is 5 minutes)")
  void pingTriggersSync() {
    String user = h.newUser("pushed");
    Channel channel = connectedAndQuiet(user);
    assertThat(channel.address()).isEqualTo("http://127.0.0.1:" + h.port() + "/calendar/notifications");
    assertThat(h.google.pings(channel.id()).get(0).state()).isEqualTo("sync");
    assertThat(h.google.pings(channel.id()).get(0).status()).isEqualTo(200);
    int calls = h.google.listCalls(user);
    String code = CalendarHarness.randomCode();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3_600);

    h.google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).id("pushed1").json());

    Await.until("synced after the ping", Duration.ofSeconds(1), () -> "scheduled".equals(h.status(code)));
    assertThat(h.google.listCalls(user)).isEqualTo(calls + 1);
    List<Ping> pings = h.google.pings(channel.id());
    assertThat(pings.get(pings.size() - 1).state()).isEqualTo("exists");
    assertThat(pings.get(pings.size() - 1).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a forged ping (wrong token, unknown channel, no token, other resource) is refused with 403 JSON and syncs nothing")
  void forgedPingRejected() {
    String user = h.newUser("forged");
    Channel channel = connectedAndQuiet(user);
    int calls = h.google.listCalls(user);

    HttpResponse<Buffer> wrongToken = ping(channel.id(), "guessed-token", channel.resourceId(), "exists");
    assertThat(wrongToken.statusCode()).isEqualTo(403);
    assertThat(wrongToken.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
    assertThat(wrongToken.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(ping("no-such-channel", channel.token(), channel.resourceId(), "exists").statusCode()).isEqualTo(403);
    assertThat(ping(channel.id(), null, channel.resourceId(), "exists").statusCode()).isEqualTo(403);
    assertThat(ping(channel.id(), channel.token(), "another-resource", "exists").statusCode()).isEqualTo(403);
    assertThat(ping(null, channel.token(), channel.resourceId(), "exists").statusCode()).isEqualTo(400);
    Instant refused = Instant.now();
    Await.until("a quiet moment in which a sync would have started", SOON, () -> Instant.now().isAfter(refused.plusMillis(700)));
    assertThat(h.google.listCalls(user)).as("no sync from forged pings").isEqualTo(calls);

    // The genuine article, from the same channel: accepted, and it syncs.
    HttpResponse<Buffer> genuine = ping(channel.id(), channel.token(), channel.resourceId(), "exists");
    assertThat(genuine.statusCode()).isEqualTo(200);
    assertThat(genuine.body() == null ? 0 : genuine.body().length()).isZero();
    Await.until("synced", Duration.ofSeconds(1), () -> h.google.listCalls(user) == calls + 1);
  }

  @Test
  @DisplayName("a channel is renewed before it expires: a new one first, then channels.stop on the old one")
  void channelRenewal() {
    h.google.setMaxChannelTtl(Duration.ofSeconds(4));
    Channel first;
    String user = h.newUser("renewed");
    try {
      first = connectedAndQuiet(user);
    } finally {
      h.google.setMaxChannelTtl(Duration.ofDays(7));
    }
    Await.until("past half its life", SOON, () -> Instant.now().isAfter(first.expiration().minusMillis(1_800)));

    h.google.putEvent(user, MeetEvent.meet(CalendarHarness.randomCode(), Instant.now().plusSeconds(3_600),
        Instant.now().plusSeconds(5_400)).json());

    Await.until("a second channel, the first stopped", SOON, () -> {
      Channel live = liveChannel(user);
      return live != null && !live.id().equals(first.id())
          && h.google.channels().stream().noneMatch(c -> c.id().equals(first.id()) && c.active());
    });
    assertThat(first.expiration()).isAfter(Instant.now()).as("stopped before it expired");
    assertThat(h.db.count("SELECT count(*) FROM td_calendar_channels WHERE calendar_ref = $1", user)).isEqualTo(1);
  }

  @Test
  @DisplayName("DELETE /calendars/{id} stops its push channel, cancels the meetings only it scheduled, and forgets it")
  void deleteStopsChannel() {
    String user = h.newUser("deleted");
    String code = CalendarHarness.randomCode();
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3_600);
    h.google.putEvent(user, MeetEvent.meet(code, start, start.plusSeconds(1800)).json());
    Channel channel = connectedAndQuiet(user);
    h.awaitStatus(code, "scheduled", SOON);
    int stops = h.google.stopCalls();

    HttpResponse<Buffer> deleted = h.delete("/calendars/" + user);

    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.bodyAsJsonObject().getBoolean("deleted")).isTrue();
    assertThat(deleted.bodyAsJsonObject().getInteger("channels_stopped")).isEqualTo(1);
    assertThat(h.google.stopCalls()).isEqualTo(stops + 1);
    assertThat(h.google.channels().stream().filter(c -> c.id().equals(channel.id())).findFirst().orElseThrow().active()).isFalse();
    assertThat(h.calendar(user)).isNull();
    assertThat(h.status(code)).isEqualTo("cancelled");
    HttpResponse<Buffer> again = h.delete("/calendars/" + user);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
    assertThat(ping(channel.id(), channel.token(), channel.resourceId(), "exists").statusCode()).as("its pings are refused now").isEqualTo(403);
  }

  @Test
  @DisplayName("a calendar of the config file is connected and synced at start, and cannot be changed or deleted over the API")
  void configFileCalendar() {
    Await.until("synced", SOON, () -> h.calendar(STATIC_CALENDAR) != null && h.calendar(STATIC_CALENDAR).getString("last_sync_at") != null);
    assertThat(h.calendar(STATIC_CALENDAR).getString("source")).isEqualTo("config");
    assertThat(h.calendar(STATIC_CALENDAR).getString("owner")).as("its meetings are this person's").isEqualTo("static.owner@example.com");
    assertThat(h.events(STATIC_CALENDAR).get("fromfile1").getString("decision")).isEqualTo("scheduled");
    long meeting = h.events(STATIC_CALENDAR).get("fromfile1").getLong("meeting_id");
    assertThat(h.db.count("SELECT count(*) FROM td_meeting_owners WHERE owner = 'static.owner@example.com' AND meeting_id = $1", meeting))
        .isEqualTo(1);

    HttpResponse<Buffer> delete = h.delete("/calendars/" + STATIC_CALENDAR);
    assertThat(delete.statusCode()).isEqualTo(409);
    assertThat(delete.bodyAsJsonObject().getString("error")).isEqualTo("conflict");
    assertThat(h.post("/calendars", new JsonObject().put("id", STATIC_CALENDAR).put("credentials", h.userCredentials(staticUser)))
        .statusCode()).isEqualTo(409);
    assertThat(h.calendar(STATIC_CALENDAR)).isNotNull();
  }

  @Test
  @DisplayName("bad input is 400 and a bad or missing key is 401, both in the {error, detail} shape")
  void badInputAndAuth() {
    JsonObject credentials = new JsonObject().put("type", "authorized_user").put("client_id", "c").put("client_secret", "s")
        .put("refresh_token", "r");
    List<Object> bodies = List.of(
        "",
        "{\"id\": ",
        "[1, 2]",
        new JsonObject().put("credentials", credentials),
        new JsonObject().put("id", "has space").put("credentials", credentials),
        new JsonObject().put("id", "x").put("calendar_id", 7).put("credentials", credentials),
        new JsonObject().put("id", "x"),
        new JsonObject().put("id", "x").put("credentials", "a string"),
        new JsonObject().put("id", "x").put("credentials", credentials.copy().put("type", "api_key")),
        new JsonObject().put("id", "x").put("credentials", credentials.copy().put("refresh_token", "")),
        new JsonObject().put("id", "x").put("credentials", new JsonObject().put("type", "service_account")
            .put("client_email", "a@b.c").put("client_id", "1").put("private_key_id", "k").put("private_key", "not a key"))
            .put("subject", "u@example.com"),
        new JsonObject().put("id", "x").put("credentials", new JsonObject().put("type", "service_account")));
    for (Object body : bodies) {
      HttpRequest<Buffer> request = h.client().post("/calendars").putHeader("Authorization", "Bearer " + CalendarHarness.INTERNAL_KEY)
          .putHeader("content-type", "application/json");
      HttpResponse<Buffer> response = request.sendBuffer(Buffer.buffer(body.toString())).await();
      assertThat(response.statusCode()).as("body %s", body).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("bad_request");
      assertThat(response.bodyAsJsonObject().getString("detail")).as("body %s", body).isNotBlank();
    }

    List<HttpRequest<Buffer>> unauthenticated = List.of(h.client().get("/calendars"), h.client().post("/calendars"),
        h.client().delete("/calendars/x"), h.client().get("/calendars/x/events"),
        h.client().get("/calendars").putHeader("Authorization", "Bearer not-the-internal-key"));
    for (HttpRequest<Buffer> request : unauthenticated) {
      HttpResponse<Buffer> response = request.send().await();
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
      assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    }
    assertThat(h.get("/calendars/unknown-calendar/events").statusCode()).isEqualTo(404);
    assertThat(h.calendar("x")).isNull();
  }

}
