package com.targetdialer.access;

import com.targetdialer.bus.Addresses;
import com.targetdialer.calendar.CalendarHarness;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.Browser;
import com.targetdialer.testing.LogCapture;
import com.targetdialer.testing.Jwts;
import com.targetdialer.testing.TestStores;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-person access: two people with a calendar each and one meeting they share, a third only invited; each sees
 * their own meetings, on the read API and on the bridge; bad tokens of every kind are refused; JWKS keys rotate.
 */
@ExtendWith(TestStores.class)
class AccessTest {

  private static final String SECRET = "access-test-secret-0123456789-abcdef";
  private static final String ISSUER = "https://app.targetdialer.test";
  private static final String AUDIENCE = "capture";

  private static CalendarHarness h;
  private static LogCapture logs;
  private static JWTAuth hs256;
  private static volatile JsonArray publishedKeys = new JsonArray();
  private static final List<String> TOKENS_USED = new CopyOnWriteArrayList<>();
  private static final java.util.concurrent.atomic.AtomicInteger JWKS_FETCHES = new java.util.concurrent.atomic.AtomicInteger();
  private static String alice;
  private static String bob;
  private static final String CAROL = "carol@example.com";
  private static long aliceOnly;
  private static long bobOnly;
  private static long shared;
  private static String from;
  private static String to;

  @BeforeAll
  static void start() throws Exception {
    logs = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
    h = CalendarHarness.start(Map.of("UI_JWT_SECRET", SECRET, "UI_JWT_ISSUER", ISSUER, "UI_JWT_AUDIENCE", AUDIENCE,
        "UI_JWKS_REFRESH_S", "3600", "CALENDAR_WINDOW_HOURS", "96"), harness -> {
          HttpServer jwks = harness.vertx.createHttpServer().requestHandler(request -> {
            JWKS_FETCHES.incrementAndGet();
            request.response().putHeader("content-type", "application/json").end(new JsonObject().put("keys", publishedKeys).encode());
          });
          harness.setEnv("UI_JWKS_URL", "http://127.0.0.1:" + jwks.listen(0, "127.0.0.1").await().actualPort() + "/.well-known/jwks.json");
        });
    hs256 = JWTAuth.create(h.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    alice = h.newUser("alice");
    bob = h.newUser("bob");
    // The day after tomorrow, 09:00 to 11:30 UTC: within the calendar window, one day on the page.
    Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(2)).plus(Duration.ofHours(9));
    from = start.minusSeconds(3600).toString();
    to = start.plusSeconds(6 * 3600).toString();
    String aliceCode = MeetEvent.randomMeetCode();
    String bobCode = MeetEvent.randomMeetCode();
    String sharedCode = MeetEvent.randomMeetCode();
    h.google.putEvent(alice, MeetEvent.meet(aliceCode, start, start.plusSeconds(1800)).id("alice1").summary("Alice's pipeline")
        .organizer(alice).attendee(CAROL, "needsAction").json());
    h.google.putEvent(bob, MeetEvent.meet(bobCode, start.plusSeconds(3600), start.plusSeconds(5400)).id("bob1").summary("Bob's forecast").json());
    JsonObject both = MeetEvent.meet(sharedCode, start.plusSeconds(7200), start.plusSeconds(9000)).id("shared1").summary("Deal review")
        .organizer(alice).attendee(alice, "accepted").attendee(bob, "tentative").json();
    h.google.putEvent(alice, both);
    h.google.putEvent(bob, both);
    h.connect(alice);
    h.connect(bob);
    Await.until("the three meetings scheduled", Duration.ofSeconds(10), () -> h.db.count(
        "SELECT count(*) FROM td_meetings WHERE native_meeting_id IN ($1, $2, $3)", aliceCode, bobCode, sharedCode) == 3
        && h.db.count("SELECT count(*) FROM td_meeting_owners") >= 6);
    aliceOnly = id(aliceCode);
    bobOnly = id(bobCode);
    shared = id(sharedCode);
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
    assertThat(logs.lines()).as("no token in any log line").noneMatch(line -> TOKENS_USED.stream().anyMatch(line::contains));
    logs.close();
  }

  @Test
  @DisplayName("each person sees their own meetings and the shared one, never the other's: list, one, transcript, coverage")
  void eachTheirOwn() {
    assertThat(meetingIds(person(alice))).containsExactlyInAnyOrder(aliceOnly, shared);
    assertThat(meetingIds(person(bob))).containsExactlyInAnyOrder(bobOnly, shared);
    assertThat(meetingIds(person(CAROL))).as("invited, without a calendar of her own").containsExactly(aliceOnly);
    assertThat(meetingIds(person("dave@example.com"))).isEmpty();

    String aliceToken = person(alice);
    assertThat(get("/api/meetings/" + shared, aliceToken).statusCode()).isEqualTo(200);
    assertThat(get("/api/meetings/" + shared + "/transcript", aliceToken).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> others = get("/api/meetings/" + bobOnly, aliceToken);
    assertThat(others.statusCode()).as("another's meeting does not exist for her").isEqualTo(404);
    assertThat(others.bodyAsJsonObject().getString("detail")).isEqualTo(get("/api/meetings/99999999", aliceToken).bodyAsJsonObject().getString("detail")
        .replace("99999999", String.valueOf(bobOnly)));
    assertThat(get("/api/meetings/" + bobOnly + "/transcript", aliceToken).statusCode()).isEqualTo(404);
    JsonArray coverage = get("/api/coverage?from=" + from + "&to=" + to, aliceToken).bodyAsJsonObject().getJsonArray("items");
    assertThat(coverage.stream().map(item -> ((JsonObject) item).getLong("id")).toList()).containsExactlyInAnyOrder(aliceOnly, shared);
    assertThat(get("/api/me", aliceToken).bodyAsJsonObject()).isEqualTo(new JsonObject().put("person", alice).put("admin", false));
    assertThat(get("/api/calendars", aliceToken).bodyAsJsonObject().getJsonArray("calendars").stream()
        .map(c -> ((JsonObject) c).getString("id")).toList()).containsExactly(alice);
  }

  @Test
  @DisplayName("an admin token and UI_TOKEN see every meeting")
  void adminsSeeAll() {
    String admin = token(claims("ops@example.com").put("role", "admin"));
    assertThat(meetingIds(admin)).contains(aliceOnly, bobOnly, shared);
    assertThat(meetingIds(CalendarHarness.UI_TOKEN)).contains(aliceOnly, bobOnly, shared);
    assertThat(get("/api/meetings/" + bobOnly, admin).statusCode()).isEqualTo(200);
    assertThat(get("/api/me", CalendarHarness.UI_TOKEN).bodyAsJsonObject().getBoolean("admin")).isTrue();
  }

  @Test
  @DisplayName("expired, not yet valid, wrong signature, alg none, no exp, wrong audience or issuer, malformed: 401 on the API and a refused socket")
  void badTokens() {
    long now = Instant.now().getEpochSecond();
    JWTAuth otherKey = JWTAuth.create(h.vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-0123")));
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("expired", token(claims(alice).put("exp", now - 3600)));
    bad.put("not yet valid", token(claims(alice).put("nbf", now + 3600)));
    bad.put("wrong signature", otherKey.generateToken(claims(alice), new JWTOptions().setAlgorithm("HS256")));
    bad.put("alg none", unsigned(claims(alice)));
    bad.put("no exp", token(claims(alice).put("exp", (Object) null)));
    bad.put("wrong audience", token(claims(alice).put("aud", "billing")));
    bad.put("wrong issuer", token(claims(alice).put("iss", "https://evil.test")));
    bad.put("malformed", "eyJhbGciOiJIUzI1NiJ9.not-json.sig");
    bad.put("garbage", "hello");
    TOKENS_USED.addAll(bad.values());
    bad.forEach((kind, token) -> {
      HttpResponse<Buffer> response = get("/api/meetings", token);
      assertThat(response.statusCode()).as(kind).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getString("error")).as(kind).isEqualTo("unauthorized");
      assertThat(response.bodyAsString()).as(kind + ": the answer never quotes the token").doesNotContain(token);
      WebSocket socket = socket(token, new CopyOnWriteArrayList<>());
      Await.until(kind + ": socket refused", Duration.ofSeconds(5), socket::isClosed);
    });
  }

  @Test
  @DisplayName("a person's socket: registers only on their meetings' live transcripts, and gets only their meetings' and calendars' updates")
  void bridge() {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = socket(person(alice), frames);
    send(socket, "register", Addresses.TRANSCRIPT_LIVE_PREFIX + bobOnly);
    send(socket, "register", Addresses.TRANSCRIPT_LIVE_PREFIX + aliceOnly);
    send(socket, "register", Addresses.MEETINGS_UPDATES);
    var bus = h.service().vertx().eventBus();
    Await.until("registered", Duration.ofSeconds(5), () -> {
      bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("id", aliceOnly).put("probe", true));
      return frames.stream().anyMatch(f -> "rec".equals(f.getString("type")));
    });
    bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("id", bobOnly).put("bot_status", "active"));
    bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("type", "alert").put("id", bobOnly).put("message", "bob's bot is deaf"));
    bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("type", "calendar").put("calendar_id", bob).put("status", "ok"));
    bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("type", "calendar").put("calendar_id", alice).put("status", "ok"));
    bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("id", shared).put("bot_status", "joining"));
    bus.publish(Addresses.TRANSCRIPT_LIVE_PREFIX + bobOnly, new JsonObject().put("text", "bob's words"));
    bus.publish(Addresses.TRANSCRIPT_LIVE_PREFIX + aliceOnly, new JsonObject().put("text", "alice's words"));
    Await.until("her updates and her transcript arrived", Duration.ofSeconds(5), () -> received(frames).contains("live:" + aliceOnly)
        && received(frames).contains("update:" + shared) && received(frames).contains("calendar:" + alice));

    assertThat(frames.stream().filter(f -> "err".equals(f.getString("type"))).map(f -> f.getString("body")).toList())
        .as("the other's live transcript is refused").containsExactly("rejected");
    assertThat(received(frames)).as("nothing of Bob's").doesNotContain("update:" + bobOnly, "live:" + bobOnly, "calendar:" + bob)
        .contains("update:" + aliceOnly);

    // A meeting made after the socket opened, dispatched for her: its updates reach her.
    HttpResponse<Buffer> dispatched = h.client().post("/dispatch/bot").putHeader("Authorization", "Bearer " + CalendarHarness.INTERNAL_KEY)
        .sendJsonObject(new JsonObject().put("meeting_url", "https://meet.google.com/" + MeetEvent.randomMeetCode()).put("owners", new JsonArray().add(alice)))
        .await();
    long adHoc = dispatched.bodyAsJsonObject().getLong("meeting_id");
    Await.until("the new meeting's updates", Duration.ofSeconds(10), () -> received(frames).contains("update:" + adHoc));
    assertThat(get("/api/meetings/" + adHoc, person(alice)).statusCode()).isEqualTo(200);
    assertThat(get("/api/meetings/" + adHoc, person(bob)).statusCode()).isEqualTo(404);
    socket.close();
  }

  @Test
  @DisplayName("JWKS: a token signed with the endpoint's key is accepted; after the keys rotate, the new key's token is, the retired key's is not")
  void jwksRotation() throws Exception {
    KeyPair first = rsa();
    KeyPair second = rsa();
    publishedKeys = new JsonArray().add(jwk(first, "k1"));
    String oldKey = rsaToken(first, "k1", claims(bob));
    Await.until("the first key fetched", Duration.ofSeconds(20), () -> get("/api/meetings", oldKey).statusCode() == 200);
    assertThat(meetingIds(oldKey)).containsExactlyInAnyOrder(bobOnly, shared);

    publishedKeys = new JsonArray().add(jwk(second, "k2"));
    String newKey = rsaToken(second, "k2", claims(bob));
    Await.until("the rotated key picked up", Duration.ofSeconds(20), () -> get("/api/meetings", newKey).statusCode() == 200);
    assertThat(get("/api/meetings", oldKey).statusCode()).as("the retired key").isEqualTo(401);
  }

  @Test
  @DisplayName("the page with a person's JWT: who is signed in, only their meetings; with an expired one: the link has expired")
  void page() throws Exception {
    String day = to.substring(0, 10);
    ChromeDriver browser = Browser.start();
    try {
      browser.get("http://127.0.0.1:" + h.port() + "/?token=" + person(bob));
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      wait.until(driver -> "open".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
      assertThat(browser.findElement(By.id("signed-in")).getText()).isEqualTo("Signed in as " + bob);
      browser.executeScript("const day = document.getElementById('day'); day.value = '" + day + "'; day.dispatchEvent(new Event('change'));");
      // One answer fills the day: once two are shown, all of them are.
      wait.until(driver -> driver.findElements(By.cssSelector("#meetings .meeting")).size() >= 2);
      assertThat(browser.findElements(By.cssSelector("#meetings .meeting")).stream().map(m -> Long.parseLong(m.getAttribute("data-meeting-id"))))
          .containsExactlyInAnyOrder(bobOnly, shared);

      browser.get("http://127.0.0.1:" + h.port() + "/?token=" + token(claims(bob).put("exp", Instant.now().getEpochSecond() - 60)));
      wait.until(driver -> driver.findElement(By.id("auth-error")).isDisplayed());
      assertThat(browser.findElement(By.id("auth-error")).getText()).startsWith("This link has expired.");
      assertThat(browser.findElements(By.cssSelector("#meetings .meeting"))).isEmpty();
    } finally {
      browser.quit();
    }
  }

  @Test
  @DisplayName("a JWKS endpoint that lists no key makes no token valid: not an unsigned one, not one signed with an unpublished key")
  void emptyJwks() throws Exception {
    publishedKeys = new JsonArray();
    String unpublished = rsaToken(rsa(), "k9", claims(alice).put("role", "admin"));
    String unsignedAdmin = unsigned(claims(alice).put("role", "admin"));
    TOKENS_USED.add(unsignedAdmin);
    int before = JWKS_FETCHES.get();
    // Refused (401), or, when no key was ever held, "cannot be checked" (503): never let in.
    Await.until("the empty key list fetched", Duration.ofSeconds(20), () -> {
      assertThat(get("/api/meetings", unpublished).statusCode()).isIn(401, 503);
      assertThat(get("/api/meetings", unsignedAdmin).statusCode()).isEqualTo(401);
      return JWKS_FETCHES.get() > before;
    });
    assertThat(get("/api/meetings", unpublished).statusCode()).isIn(401, 503);
    assertThat(get("/api/meetings", unsignedAdmin).statusCode()).isEqualTo(401);
    assertThat(get("/api/meetings", person(alice)).statusCode()).as("the shared secret still works").isEqualTo(200);
  }

  @Test
  @DisplayName("a socket: a meeting shared after it opened can be followed at once; it is closed when its token expires")
  void socketFollowsAndExpires() {
    String dave = "dave-" + System.nanoTime() + "@example.com";
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    WebSocket socket = socket(token(claims(dave).put("exp", Instant.now().getEpochSecond() + 4)), frames);
    send(socket, "register", Addresses.MEETINGS_UPDATES);
    h.db.value("INSERT INTO td_meeting_owners (owner, meeting_id, via) VALUES ($1, $2, 'dispatch')", dave, aliceOnly);
    send(socket, "register", Addresses.TRANSCRIPT_LIVE_PREFIX + aliceOnly);
    Await.until("the shared meeting's transcript reaches him", Duration.ofSeconds(3), () -> {
      h.service().vertx().eventBus().publish(Addresses.TRANSCRIPT_LIVE_PREFIX + aliceOnly, new JsonObject().put("text", "hello"));
      return received(frames).contains("live:" + aliceOnly);
    });
    assertThat(frames.stream().filter(f -> "err".equals(f.getString("type")))).isEmpty();
    Await.until("closed when the token expired", Duration.ofSeconds(10), socket::isClosed);
  }

  @Test
  @DisplayName("a calendar's new owner gets its meetings and the old one loses them; a calendar gone gives them to no one")
  void ownerChanges() {
    String erin = h.newUser("erin");
    String code = MeetEvent.randomMeetCode();
    Instant start = Instant.parse(from).plusSeconds(5 * 3600);
    // Organised by someone else, erin not on the invitation: the meeting is hers only as her calendar's owner.
    h.google.putEvent(erin, MeetEvent.meet(code, start, start.plusSeconds(1800)).id("erin1").summary("Erin's call")
        .organizer("grace@example.com").json());
    h.connect(erin);
    Await.until("scheduled", Duration.ofSeconds(10), () -> h.db.count("SELECT count(*) FROM td_meetings WHERE native_meeting_id = $1", code) == 1);
    long meeting = id(code);
    Await.until("erin's", Duration.ofSeconds(10), () -> meetingIds(person(erin)).contains(meeting));

    String frank = "frank@example.com";
    assertThat(h.client().post("/calendars").putHeader("Authorization", "Bearer " + CalendarHarness.INTERNAL_KEY)
        .sendJsonObject(new JsonObject().put("id", erin).put("owner", frank).put("credentials", new JsonObject()
            .put("type", "authorized_user").put("client_id", "td-test.apps.googleusercontent.com").put("client_secret", "client-secret-do-not-log")
            .put("refresh_token", h.google.issueRefreshToken(erin)))).await().statusCode()).isEqualTo(200);
    Await.until("frank's now", Duration.ofSeconds(10), () -> meetingIds(person(frank)).contains(meeting));
    assertThat(meetingIds(person(erin))).doesNotContain(meeting);

    assertThat(h.client().delete("/calendars/" + erin).putHeader("Authorization", "Bearer " + CalendarHarness.INTERNAL_KEY).send().await()
        .statusCode()).isEqualTo(200);
    assertThat(h.db.count("SELECT count(*) FROM td_meeting_owners WHERE meeting_id = $1", meeting)).isZero();
  }

  // ---- tokens ----

  private static JsonObject claims(String person) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("email", person).put("iss", ISSUER).put("aud", AUDIENCE).put("exp", now + 600);
  }

  private static String person(String email) {
    return token(claims(email));
  }

  private static String token(JsonObject claims) {
    JsonObject without = new JsonObject();
    claims.forEach(entry -> {
      if (entry.getValue() != null) {
        without.put(entry.getKey(), entry.getValue());
      }
    });
    String token = hs256.generateToken(without, new JWTOptions().setAlgorithm("HS256"));
    TOKENS_USED.add(token);
    return token;
  }

  private static String unsigned(JsonObject claims) {
    return Jwts.unsigned(claims);
  }

  private static KeyPair rsa() throws Exception {
    return Jwts.rsa();
  }

  private static JsonObject jwk(KeyPair pair, String kid) {
    return Jwts.jwk(pair, kid);
  }

  private static String rsaToken(KeyPair pair, String kid, JsonObject claims) {
    String token = Jwts.rs256(h.vertx, pair, kid, claims);
    TOKENS_USED.add(token);
    return token;
  }

  // ---- the API and the bridge ----

  private static HttpResponse<Buffer> get(String path, String token) {
    return h.client().get(path).putHeader("Authorization", "Bearer " + token).send().await();
  }

  private static Set<Long> meetingIds(String token) {
    HttpResponse<Buffer> response = get("/api/meetings?from=" + from + "&to=" + to, token);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    Set<Long> ids = new TreeSet<>();
    response.bodyAsJsonObject().getJsonArray("meetings").forEach(m -> ids.add(((JsonObject) m).getLong("id")));
    return ids;
  }

  private static WebSocket socket(String token, List<JsonObject> frames) {
    WebSocket socket = h.vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(h.port())
        .setURI("/eventbus/websocket?token=" + token)).await();
    try {
      socket.handler((Buffer data) -> frames.add(data.toJsonObject()));
    } catch (IllegalStateException closedAlready) {
      // a refused socket may be closed by the time it is handed over
    }
    return socket;
  }

  private static void send(WebSocket socket, String type, String address) {
    socket.writeTextMessage(new JsonObject().put("type", type).put("address", address).encode());
  }

  /** What the socket was given: "update:<id>", "live:<id>", "calendar:<id>". */
  private static List<String> received(List<JsonObject> frames) {
    List<String> seen = new ArrayList<>();
    for (JsonObject frame : frames) {
      if (!"rec".equals(frame.getString("type"))) {
        continue;
      }
      String address = frame.getString("address");
      JsonObject body = frame.getJsonObject("body");
      if (address.startsWith(Addresses.TRANSCRIPT_LIVE_PREFIX)) {
        seen.add("live:" + address.substring(Addresses.TRANSCRIPT_LIVE_PREFIX.length()));
      } else if (body.containsKey("id")) {
        seen.add("update:" + body.getLong("id"));
      } else if (body.containsKey("calendar_id")) {
        seen.add("calendar:" + body.getString("calendar_id"));
      }
    }
    return seen;
  }

  private static long id(String code) {
    return ((Number) h.db.value("SELECT id FROM td_meetings WHERE native_meeting_id = $1", code)).longValue();
  }
}
