package com.targetdialer.sim.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drives the simulator over loopback HTTP the way our CalendarVerticle will: WebClient for Calendar
 * calls, the real google-auth-library for tokens. Blocking calls (google-auth, {@code await()}) run on
 * the JUnit thread, never on an event loop.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class GoogleCalendarSimulatorTest {

  private static final String ALICE = "alice@example.com";
  private static final String BOB = "bob@example.com";
  private static final String SCOPE = "https://www.googleapis.com/auth/calendar.events.readonly";
  /** A Monday, 10:00 in Berlin; Europe moves to summer time two weeks later (2030-03-31). */
  private static final Instant T0 = Instant.parse("2030-03-18T09:00:00Z");

  private Vertx vertx;
  private GoogleCalendarSimulator sim;
  private WebClient web;

  @BeforeEach
  void deploy(Vertx vertx) {
    this.vertx = vertx;
    sim = new GoogleCalendarSimulator();
    vertx.deployVerticle(sim).await();
    web = WebClient.create(vertx);
    sim.addUser(ALICE).addUser(BOB);
  }

  // ---- tokens ----

  @Test
  @DisplayName("google-auth UserCredentials gets a token from /token with a refresh token, and it opens the user's calendar")
  void userCredentialsRefresh() throws IOException {
    sim.setTokenExpiresIn(1200);
    sim.putEvent(ALICE, MeetEvent.meet("abc-defg-hij", T0, T0.plusSeconds(1800)).id("standup01").json());
    UserCredentials credentials = userCredentials(sim.issueRefreshToken(ALICE));

    credentials.refresh();

    AccessToken token = credentials.getAccessToken();
    assertThat(token.getTokenValue()).startsWith("ya29.fake-");
    assertThat(Duration.between(Instant.now(), token.getExpirationTime().toInstant()).toSeconds()).isBetween(1100L, 1200L);
    assertThat(sim.tokenCalls()).isEqualTo(1);
    HttpResponse<Buffer> list = list(token.getTokenValue(), "primary");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(ids(list)).containsExactly("standup01");
    assertThat(sim.listCalls(ALICE)).isEqualTo(1);
  }

  @Test
  @DisplayName("google-auth ServiceAccountCredentials with createDelegated gets a token for the subject; unknown subjects get invalid_grant")
  void serviceAccountDelegation() throws Exception {
    sim.putEvent(BOB, MeetEvent.meet("bbb-cccc-ddd", T0, T0.plusSeconds(1800)).id("bobmeeting1").json());
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    ServiceAccountCredentials account = ServiceAccountCredentials.newBuilder()
        .setClientEmail("dialer@sim-project.iam.gserviceaccount.com")
        .setClientId("1234567890")
        .setPrivateKey(keys.getPrivate())
        .setPrivateKeyId("key-1")
        .setScopes(List.of(SCOPE))
        .setTokenServerUri(URI.create(sim.tokenUri()))
        .build();

    GoogleCredentials asBob = account.createDelegated(BOB);
    asBob.refresh();

    HttpResponse<Buffer> list = list(asBob.getAccessToken().getTokenValue(), "primary");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.bodyAsJsonObject().getString("summary")).isEqualTo(BOB);
    assertThat(ids(list)).containsExactly("bobmeeting1");

    GoogleCredentials asStranger = account.createDelegated("mallory@example.com");
    assertThat(tokenError(asStranger)).isEqualTo(new JsonObject().put("error", "invalid_grant").put("error_description", "Invalid email or User ID"));

    sim.revokeSubject(BOB);
    assertThat(list(asBob.getAccessToken().getTokenValue(), "primary").statusCode()).isEqualTo(401);
    assertThat(tokenError(account.createDelegated(BOB)).getString("error")).isEqualTo("invalid_grant");
  }

  @Test
  @DisplayName("a revoked refresh token gets 400 invalid_grant through google-auth, and its access tokens stop working")
  void invalidGrantAfterRevoke() throws IOException {
    String refreshToken = sim.issueRefreshToken(ALICE);
    UserCredentials credentials = userCredentials(refreshToken);
    credentials.refresh();
    String accessToken = credentials.getAccessToken().getTokenValue();
    assertThat(list(accessToken, "primary").statusCode()).isEqualTo(200);

    sim.revoke(refreshToken);

    assertThat(tokenError(credentials))
        .isEqualTo(new JsonObject().put("error", "invalid_grant").put("error_description", "Token has been expired or revoked."));
    assertThat(list(accessToken, "primary").statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("Calendar calls without a valid bearer token get 401 in Google's error shape")
  void unauthorized() {
    HttpResponse<Buffer> none = list(null, "primary");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
    JsonObject error = none.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(401);
    assertThat(error.getString("status")).isEqualTo("UNAUTHENTICATED");
    assertThat(error.getJsonArray("errors").getJsonObject(0).getString("location")).isEqualTo("Authorization");

    HttpResponse<Buffer> bogus = list("ya29.not-a-token", "primary");
    assertThat(bogus.statusCode()).isEqualTo(401);
    assertThat(reason(bogus)).isEqualTo("authError");

    sim.setTokenExpiresIn(60);
    String token = accessToken(ALICE);
    assertThat(list(token, "primary").statusCode()).isEqualTo(200);
    sim.advanceClock(Duration.ofSeconds(61));
    assertThat(reason(list(token, "primary"))).isEqualTo("authError");

    // Another user's calendar is invisible, as at Google.
    assertThat(list(accessToken(BOB), ALICE).statusCode()).isEqualTo(404);
    // Only calls past the bearer check count: the 200 and Bob's 404.
    assertThat(sim.listCalls(ALICE)).isEqualTo(2);
  }

  // ---- events.list ----

  @Test
  @DisplayName("timeMin/timeMax select overlapping events with exclusive bounds, and events carry the Meet fields")
  void timeWindow() {
    sim.putEvent(ALICE, MeetEvent.meet("aaa-aaaa-aaa", T0, T0.plusSeconds(3600)).id("endsatmin").json());
    sim.putEvent(ALICE, MeetEvent.meet("abc-defg-hij", T0.plusSeconds(1800), T0.plusSeconds(5400)).id("straddles")
        .summary("Planning").location("Room 1").timeZone("Europe/Berlin")
        .selfStatus("accepted").attendee(BOB, "needsAction").json())
        .put("summary", "changed by the caller, not stored");
    sim.putEvent(ALICE, MeetEvent.timed(T0.plusSeconds(7200), T0.plusSeconds(10800)).id("insidenomeet").json());
    sim.putEvent(ALICE, MeetEvent.meet("ccc-cccc-ccc", T0.plusSeconds(18000), T0.plusSeconds(21600)).id("startsatmax").json());
    String token = accessToken(ALICE);

    HttpResponse<Buffer> page = list(token, "primary", "timeMin", T0.plusSeconds(3600).toString(), "timeMax", T0.plusSeconds(18000).toString(),
        "singleEvents", "true", "orderBy", "startTime");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(ids(page)).containsExactly("straddles", "insidenomeet");
    JsonObject body = page.bodyAsJsonObject();
    assertThat(body.getString("kind")).isEqualTo("calendar#events");
    assertThat(body.containsKey("nextPageToken")).isFalse();
    JsonObject event = body.getJsonArray("items").getJsonObject(0);
    assertThat(event.getString("status")).isEqualTo("confirmed");
    assertThat(event.getString("summary")).isEqualTo("Planning");
    assertThat(event.getString("hangoutLink")).isEqualTo("https://meet.google.com/abc-defg-hij");
    assertThat(event.getJsonObject("start")).isEqualTo(new JsonObject().put("dateTime", "2030-03-18T10:30:00+01:00").put("timeZone", "Europe/Berlin"));
    JsonObject conference = event.getJsonObject("conferenceData");
    assertThat(conference.getString("conferenceId")).isEqualTo("abc-defg-hij");
    assertThat(conference.getJsonObject("conferenceSolution").getJsonObject("key").getString("type")).isEqualTo("hangoutsMeet");
    assertThat(conference.getJsonArray("entryPoints").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("entryPointType", "video").put("uri", "https://meet.google.com/abc-defg-hij").put("label", "meet.google.com/abc-defg-hij"));
    JsonArray attendees = event.getJsonArray("attendees");
    assertThat(attendees.getJsonObject(0)).isEqualTo(new JsonObject().put("self", true).put("responseStatus", "accepted").put("email", ALICE));
    assertThat(attendees.getJsonObject(1).containsKey("self")).isFalse();
    assertThat(event.getJsonObject("organizer")).isEqualTo(new JsonObject().put("email", ALICE).put("self", true));
    assertThat(event.getString("etag")).matches("\"\\d+\"");
    assertThat(event.getString("updated")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(event.getString("iCalUID")).isEqualTo("straddles@google.com");

    HttpResponse<Buffer> empty = list(token, "primary", "timeMin", T0.toString(), "timeMax", T0.toString());
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(reason(empty)).isEqualTo("timeRangeEmpty");
    assertThat(list(token, "primary", "orderBy", "startTime").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("paging with maxResults walks 3 pages with nextPageToken; nextSyncToken only on the last; short and empty pages")
  void paging() {
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      all.add(sim.putEvent(ALICE, MeetEvent.meet(MeetEvent.randomMeetCode(), T0.plusSeconds(3600L * i), T0.plusSeconds(3600L * i + 1800)).json())
          .getString("id"));
    }
    String token = accessToken(ALICE);
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String pageToken = null;
    String syncToken = null;
    do {
      List<String> params = new ArrayList<>(List.of("maxResults", "3", "singleEvents", "true", "timeMin", T0.minusSeconds(60).toString()));
      if (pageToken != null) {
        params.addAll(List.of("pageToken", pageToken));
      }
      JsonObject page = list(token, "primary", params.toArray(String[]::new)).bodyAsJsonObject();
      ids(page).forEach(seen::add);
      sizes.add(page.getJsonArray("items").size());
      pageToken = page.getString("nextPageToken");
      syncToken = page.getString("nextSyncToken");
      assertThat(pageToken == null).isNotEqualTo(syncToken == null);
    } while (pageToken != null);

    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(seen).hasSize(7).containsExactlyInAnyOrderElementsOf(all);
    assertThat(syncToken).isNotBlank();

    // A page token belongs to its query.
    String first = list(token, "primary", "maxResults", "3").bodyAsJsonObject().getString("nextPageToken");
    assertThat(list(token, "primary", "maxResults", "4", "pageToken", first).statusCode()).isEqualTo(400);

    sim.setEmptyFirstPage(true);
    sim.setServerPageLimit(5);
    JsonObject emptyPage = list(token, "primary").bodyAsJsonObject();
    assertThat(emptyPage.getJsonArray("items")).isEmpty();
    JsonObject shortPage = list(token, "primary", "pageToken", emptyPage.getString("nextPageToken")).bodyAsJsonObject();
    assertThat(shortPage.getJsonArray("items")).hasSize(5);
    assertThat(shortPage.getString("nextPageToken")).isNotNull();
  }

  @Test
  @DisplayName("a weekly series expands into instances with id_<UTC start>, recurringEventId and originalStartTime, across DST")
  void weeklySeries() {
    sim.putEvent(ALICE, MeetEvent.meet("wkl-ymee-tin", T0, T0.plusSeconds(1800)).id("weekly01").timeZone("Europe/Berlin")
        .summary("Weekly").selfStatus("accepted").weekly().json());
    String token = accessToken(ALICE);
    String[] window = {"timeMin", T0.minusSeconds(3600).toString(), "timeMax", T0.plus(Duration.ofDays(20)).toString()};

    JsonArray items = list(token, "primary", concat(window, "singleEvents", "true", "orderBy", "startTime")).bodyAsJsonObject().getJsonArray("items");

    assertThat(items).hasSize(3);
    assertThat(ids(items)).containsExactly("weekly01_20300318T090000Z", "weekly01_20300325T090000Z", "weekly01_20300401T080000Z");
    JsonObject third = items.getJsonObject(2);
    assertThat(third.getString("recurringEventId")).isEqualTo("weekly01");
    assertThat(third.getJsonObject("originalStartTime").getString("dateTime")).isEqualTo("2030-04-01T10:00:00+02:00");
    assertThat(third.getJsonObject("start").getString("dateTime")).isEqualTo("2030-04-01T10:00:00+02:00");
    assertThat(third.getJsonObject("end").getString("dateTime")).isEqualTo("2030-04-01T10:30:00+02:00");
    assertThat(third.containsKey("recurrence")).isFalse();
    assertThat(third.getString("hangoutLink")).isEqualTo("https://meet.google.com/wkl-ymee-tin");

    // Without singleEvents: the master, once, with its rule.
    JsonArray masters = list(token, "primary", window).bodyAsJsonObject().getJsonArray("items");
    assertThat(ids(masters)).containsExactly("weekly01");
    assertThat(masters.getJsonObject(0).getJsonArray("recurrence")).containsExactly("RRULE:FREQ=WEEKLY");

    // A moved occurrence keeps its id and originalStartTime; ordering follows the new start.
    sim.moveEvent(ALICE, "weekly01_20300325T090000Z", T0.plus(Duration.ofDays(8)), T0.plus(Duration.ofDays(8)).plusSeconds(1800));
    JsonArray moved = list(token, "primary", concat(window, "singleEvents", "true", "orderBy", "startTime")).bodyAsJsonObject().getJsonArray("items");
    assertThat(ids(moved)).containsExactly("weekly01_20300318T090000Z", "weekly01_20300325T090000Z", "weekly01_20300401T080000Z");
    assertThat(moved.getJsonObject(1).getJsonObject("start").getString("dateTime")).isEqualTo("2030-03-26T10:00:00+01:00");
    assertThat(moved.getJsonObject(1).getJsonObject("originalStartTime").getString("dateTime")).isEqualTo("2030-03-25T10:00:00+01:00");
    assertThat(list(token, "primary", "singleEvents", "true", "timeMin", T0.toString(), "timeMax", T0.plus(Duration.ofDays(7)).toString(),
        "orderBy", "startTime").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  @DisplayName("cancelled events: hidden by default, minimal tombstones with showDeleted, cancelled occurrences per singleEvents")
  void cancelledEvents() {
    sim.putEvent(ALICE, MeetEvent.meet("can-cell-eda", T0, T0.plusSeconds(1800)).id("gone01").summary("Secret").json());
    sim.putEvent(ALICE, MeetEvent.meet("ser-iess-ser", T0, T0.plusSeconds(1800)).id("series01").timeZone("Europe/Berlin").weekly(4).json());
    sim.cancelEvent(ALICE, "gone01");
    sim.cancelEvent(ALICE, "series01_20300325T090000Z");
    String token = accessToken(ALICE);
    String[] window = {"timeMin", T0.minusSeconds(60).toString(), "timeMax", T0.plus(Duration.ofDays(30)).toString()};

    JsonArray live = list(token, "primary", concat(window, "singleEvents", "true")).bodyAsJsonObject().getJsonArray("items");
    assertThat(ids(live)).containsExactlyInAnyOrder("series01_20300318T090000Z", "series01_20300401T080000Z", "series01_20300408T080000Z");

    JsonArray withDeleted = list(token, "primary", concat(window, "singleEvents", "true", "showDeleted", "true")).bodyAsJsonObject().getJsonArray("items");
    assertThat(ids(withDeleted)).hasSize(5).contains("gone01", "series01_20300325T090000Z");
    JsonObject tombstone = find(withDeleted, "gone01");
    assertThat(tombstone.fieldNames()).containsExactlyInAnyOrder("kind", "etag", "id", "status");
    assertThat(tombstone.getString("status")).isEqualTo("cancelled");
    JsonObject cancelledInstance = find(withDeleted, "series01_20300325T090000Z");
    assertThat(cancelledInstance.getString("status")).isEqualTo("cancelled");
    assertThat(cancelledInstance.getString("recurringEventId")).isEqualTo("series01");
    assertThat(cancelledInstance.getJsonObject("originalStartTime").getString("dateTime")).isEqualTo("2030-03-25T10:00:00+01:00");

    // singleEvents=false, showDeleted=false: the master and its cancelled exception, not the deleted event.
    JsonArray masters = list(token, "primary", window).bodyAsJsonObject().getJsonArray("items");
    assertThat(ids(masters)).containsExactlyInAnyOrder("series01", "series01_20300325T090000Z");

    // get still returns a deleted event, with its details; unknown ids are 404.
    HttpResponse<Buffer> get = web.getAbs(sim.calendarBaseUrl() + "/calendars/primary/events/gone01").bearerTokenAuthentication(token).send().await();
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.bodyAsJsonObject().getString("status")).isEqualTo("cancelled");
    assertThat(get.bodyAsJsonObject().getString("summary")).isEqualTo("Secret");
    assertThat(web.getAbs(sim.calendarBaseUrl() + "/calendars/primary/events/nosuchevent").bearerTokenAuthentication(token).send().await()
        .statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("sync tokens: the delta after changes, deletions as tombstones, 410 for invalid tokens, 400 next to timeMin")
  void syncTokens() {
    sim.putEvent(ALICE, MeetEvent.meet("aaa-bbbb-ccc", T0, T0.plusSeconds(1800)).id("keep01").json());
    sim.putEvent(ALICE, MeetEvent.meet("ddd-eeee-fff", T0, T0.plusSeconds(1800)).id("drop01").json());
    String token = accessToken(ALICE);
    String full = list(token, "primary", "singleEvents", "true").bodyAsJsonObject().getString("nextSyncToken");

    sim.putEvent(ALICE, MeetEvent.meet("ggg-hhhh-iii", T0, T0.plusSeconds(1800)).id("new01").json());
    sim.cancelEvent(ALICE, "drop01");
    JsonObject delta = list(token, "primary", "singleEvents", "true", "syncToken", full).bodyAsJsonObject();

    assertThat(ids(delta)).containsExactlyInAnyOrder("new01", "drop01");
    assertThat(find(delta.getJsonArray("items"), "drop01").fieldNames()).containsExactlyInAnyOrder("kind", "etag", "id", "status");
    JsonObject nothing = list(token, "primary", "singleEvents", "true", "syncToken", delta.getString("nextSyncToken")).bodyAsJsonObject();
    assertThat(nothing.getJsonArray("items")).isEmpty();
    assertThat(nothing.getString("nextSyncToken")).isNotBlank();

    assertThat(list(token, "primary", "syncToken", full, "timeMin", T0.toString()).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> bad = list(token, "primary", "singleEvents", "true", "syncToken", "garbage");
    assertThat(bad.statusCode()).isEqualTo(410);
    assertThat(reason(bad)).isEqualTo("fullSyncRequired");
    sim.invalidateSyncTokens(ALICE);
    assertThat(list(token, "primary", "singleEvents", "true", "syncToken", full).statusCode()).isEqualTo(410);
  }

  // ---- push ----

  @Test
  @DisplayName("watch answers an api#channel; the hook gets a sync ping, then exists pings with rising numbers after changes")
  void watchAndPings() throws Exception {
    Hook hook = hook();
    String token = accessToken(ALICE);

    HttpResponse<Buffer> watch = watch(token, "chan-1", hook.address(), "secret-1", "3600");

    assertThat(watch.statusCode()).isEqualTo(200);
    JsonObject channel = watch.bodyAsJsonObject();
    assertThat(channel.getString("kind")).isEqualTo("api#channel");
    assertThat(channel.getString("id")).isEqualTo("chan-1");
    assertThat(channel.getString("token")).isEqualTo("secret-1");
    assertThat(channel.getString("resourceUri")).isEqualTo("https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json");
    assertThat(channel.getValue("expiration")).isInstanceOf(String.class);
    long expiresIn = Long.parseLong(channel.getString("expiration")) - System.currentTimeMillis();
    assertThat(expiresIn).isBetween(3_500_000L, 3_600_000L);

    Map<String, String> sync = hook.next();
    assertThat(sync).containsEntry("x-goog-resource-state", "sync")
        .containsEntry("x-goog-channel-id", "chan-1")
        .containsEntry("x-goog-channel-token", "secret-1")
        .containsEntry("x-goog-message-number", "1")
        .containsEntry("x-goog-resource-id", channel.getString("resourceId"))
        .containsEntry("x-goog-resource-uri", channel.getString("resourceUri"))
        .containsEntry("body-length", "0")
        .containsKey("x-goog-channel-expiration");
    assertThat(sync.get("x-goog-channel-expiration")).endsWith(" GMT");

    String etag = sim.putEvent(ALICE, MeetEvent.meet("abc-defg-hij", T0, T0.plusSeconds(1800)).id("meeting1").selfStatus("accepted").json())
        .getString("etag");
    Map<String, String> first = hook.next();
    JsonObject declined = sim.declineEvent(ALICE, "meeting1");
    Map<String, String> second = hook.next();
    JsonObject relinked = sim.changeMeetLink(ALICE, "meeting1", "new-link-abc");
    Map<String, String> third = hook.next();

    assertThat(first).containsEntry("x-goog-resource-state", "exists").containsEntry("x-goog-channel-id", "chan-1");
    assertThat(second).containsEntry("x-goog-resource-state", "exists");
    long n1 = Long.parseLong(first.get("x-goog-message-number"));
    long n2 = Long.parseLong(second.get("x-goog-message-number"));
    assertThat(n1).isGreaterThan(1);
    assertThat(n2).isGreaterThan(n1);
    assertThat(Long.parseLong(third.get("x-goog-message-number"))).isGreaterThan(n2);
    sim.pingsDelivered().await();
    assertThat(sim.pings()).extracting(Ping::state, Ping::status)
        .containsExactly(tuple("sync", 200), tuple("exists", 200), tuple("exists", 200), tuple("exists", 200));

    assertThat(declined.getJsonArray("attendees").getJsonObject(0).getString("responseStatus")).isEqualTo("declined");
    assertThat(declined.getString("etag")).isNotEqualTo(etag);
    assertThat(relinked.getString("etag")).isNotEqualTo(declined.getString("etag"));
    JsonObject stored = sim.event(ALICE, "meeting1").orElseThrow();
    assertThat(stored.getString("hangoutLink")).isEqualTo("https://meet.google.com/new-link-abc");
    assertThat(stored.getJsonObject("conferenceData").getString("conferenceId")).isEqualTo("new-link-abc");

    HttpResponse<Buffer> again = watch(token, "chan-1", hook.address(), null, null);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(reason(again)).isEqualTo("channelIdNotUnique");
  }

  @Test
  @DisplayName("channels.stop answers 204, then 404; a stopped channel gets no more pings while others still do")
  void stopChannel() throws Exception {
    Hook hook = hook();
    String token = accessToken(ALICE);
    JsonObject stopped = watch(token, "chan-stop", hook.address(), null, null).bodyAsJsonObject();
    watch(token, "chan-live", hook.address(), null, null);
    sim.pingsDelivered().await();
    assertThat(hook.drain()).extracting(ping -> ping.get("x-goog-resource-state")).containsExactly("sync", "sync");

    JsonObject stop = new JsonObject().put("id", "chan-stop").put("resourceId", stopped.getString("resourceId"));
    assertThat(web.postAbs(sim.calendarBaseUrl() + "/channels/stop").bearerTokenAuthentication(token).sendJsonObject(stop).await().statusCode())
        .isEqualTo(204);
    assertThat(web.postAbs(sim.calendarBaseUrl() + "/channels/stop").bearerTokenAuthentication(token).sendJsonObject(stop).await().statusCode())
        .isEqualTo(404);

    sim.putEvent(ALICE, MeetEvent.meet("abc-defg-hij", T0, T0.plusSeconds(1800)).json());
    sim.pingsDelivered().await();

    assertThat(hook.drain()).extracting(ping -> ping.get("x-goog-channel-id")).containsExactly("chan-live");
    assertThat(sim.channels()).extracting(Channel::id, Channel::active)
        .containsExactly(tuple("chan-stop", false), tuple("chan-live", true));
  }

  @Test
  @DisplayName("knobs: the sync ping can precede the watch response; pings can be dropped or duplicated")
  void pingKnobs() throws Exception {
    Hook hook = hook();
    String token = accessToken(ALICE);
    sim.setSyncPingBeforeWatchResponse(true);

    assertThat(watch(token, "chan-knobs", hook.address(), null, null).statusCode()).isEqualTo(200);
    Map<String, String> sync = hook.received().poll();
    assertThat(sync).as("sync ping already received when watch returned").isNotNull();
    assertThat(sync).containsEntry("x-goog-resource-state", "sync");

    sim.dropPings(1);
    sim.duplicatePings(1);
    sim.putEvent(ALICE, MeetEvent.meet("abc-defg-hij", T0, T0.plusSeconds(1800)).id("knob01").json());
    sim.moveEvent(ALICE, "knob01", T0.plusSeconds(3600), T0.plusSeconds(5400));
    sim.pingsDelivered().await();

    List<Map<String, String>> received = hook.drain();
    assertThat(received).hasSize(2);
    assertThat(received.get(0).get("x-goog-message-number")).isEqualTo(received.get(1).get("x-goog-message-number"));
    assertThat(sim.pings("chan-knobs")).extracting(Ping::status).containsExactly(200, Ping.DROPPED, 200, 200);
    assertThat(sim.event(ALICE, "knob01").orElseThrow().getJsonObject("start").getString("dateTime")).isEqualTo("2030-03-18T10:00:00Z");
  }

  // ---- faults ----

  @Test
  @DisplayName("failNext gives Google's 403 rateLimitExceeded and 429 bodies, then the call succeeds again")
  void scriptedFaults() {
    String token = accessToken(ALICE);
    sim.failNext("events.list", 403, "rateLimitExceeded", 1);
    sim.failNext("events.list", 429, "rateLimitExceeded", 1);
    sim.failNext("token", 503, null, 1);

    HttpResponse<Buffer> forbidden = list(token, "primary");
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(forbidden.bodyAsJsonObject()).isEqualTo(new JsonObject("{\"error\":{\"code\":403,\"message\":\"Rate Limit Exceeded\","
        + "\"errors\":[{\"domain\":\"usageLimits\",\"reason\":\"rateLimitExceeded\",\"message\":\"Rate Limit Exceeded\"}],"
        + "\"status\":\"PERMISSION_DENIED\"}}"));

    HttpResponse<Buffer> tooMany = list(token, "primary");
    assertThat(tooMany.statusCode()).isEqualTo(429);
    JsonObject error = tooMany.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(429);
    assertThat(error.getString("status")).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(error.getJsonArray("errors").getJsonObject(0))
        .isEqualTo(new JsonObject().put("domain", "usageLimits").put("reason", "rateLimitExceeded").put("message", "Rate Limit Exceeded"));

    assertThat(list(token, "primary").statusCode()).isEqualTo(200);
    assertThat(sim.listCalls(ALICE)).isEqualTo(3);

    HttpResponse<Buffer> tokenDown = web.postAbs(sim.tokenUri()).sendForm(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "refresh_token").add("client_id", "c").add("refresh_token", sim.issueRefreshToken(ALICE))).await();
    assertThat(tokenDown.statusCode()).isEqualTo(503);
    assertThat(tokenDown.bodyAsJsonObject().getString("error")).isEqualTo("internal_failure");
  }

  // ---- scale ----

  @Test
  @DisplayName("1,000 calendars x 20 events: one windowed list per calendar returns that calendar's events")
  void thousandCalendars() {
    int users = 1000;
    List<String> tokens = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String email = "user" + u + "@example.com";
      sim.addUser(email);
      for (int e = 0; e < 19; e++) {
        Instant start = T0.plusSeconds(1800L * e);
        sim.putEvent(email, MeetEvent.meet(MeetEvent.randomMeetCode(), start, start.plusSeconds(1500)).selfStatus("accepted").json());
      }
      sim.putEvent(email, MeetEvent.meet(MeetEvent.randomMeetCode(), T0.minus(Duration.ofDays(400)), T0.minus(Duration.ofDays(400)).plusSeconds(1800))
          .timeZone("America/New_York").weekly().json());
    }
    for (int u = 0; u < users; u++) {
      tokens.add(accessToken("user" + u + "@example.com"));
    }

    int items = 0;
    for (int u = 0; u < users; u++) {
      JsonObject page = list(tokens.get(u), "primary", "singleEvents", "true", "showDeleted", "true", "maxResults", "2500",
          "timeMin", T0.minusSeconds(60).toString(), "timeMax", T0.plus(Duration.ofDays(2)).toString()).bodyAsJsonObject();
      items += page.getJsonArray("items").size();
    }

    // 19 single events plus the weekly series' occurrence in the window (1 or 0 depending on the weekday).
    assertThat(items).isGreaterThanOrEqualTo(users * 19).isLessThanOrEqualTo(users * 20);
    assertThat(sim.listCalls()).isEqualTo(users);
    // How fast is the benchmarks' business (CalendarSyncBenchTest measures the sync against this simulator), not a test's.
  }

  // ---- helpers ----

  private UserCredentials userCredentials(String refreshToken) {
    return UserCredentials.newBuilder()
        .setClientId("client-1.apps.googleusercontent.com")
        .setClientSecret("client-secret")
        .setRefreshToken(refreshToken)
        .setTokenServerUri(URI.create(sim.tokenUri()))
        .build();
  }

  /** Runs a refresh that must fail and returns the token endpoint's JSON, found as google-auth exposes it. */
  private static JsonObject tokenError(GoogleCredentials credentials) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(credentials::refresh);
    assertThat(thrown).isInstanceOf(IOException.class);
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpResponseException http) {
        assertThat(http.getStatusCode()).isEqualTo(400);
        return new JsonObject(http.getContent());
      }
    }
    throw new AssertionError("no HttpResponseException in the cause chain", thrown);
  }

  private String accessToken(String user) {
    HttpResponse<Buffer> response = web.postAbs(sim.tokenUri()).sendForm(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "refresh_token").add("client_id", "c").add("client_secret", "s")
        .add("refresh_token", sim.issueRefreshToken(user))).await();
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("access_token");
  }

  private HttpResponse<Buffer> list(String token, String calendarId, String... params) {
    HttpRequest<Buffer> request = web.getAbs(sim.calendarBaseUrl() + "/calendars/" + calendarId.replace("@", "%40") + "/events");
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await();
  }

  private HttpResponse<Buffer> watch(String token, String id, String address, String channelToken, String ttl) {
    JsonObject body = new JsonObject().put("id", id).put("type", "web_hook").put("address", address);
    if (channelToken != null) {
      body.put("token", channelToken);
    }
    if (ttl != null) {
      body.put("params", new JsonObject().put("ttl", ttl));
    }
    return web.postAbs(sim.calendarBaseUrl() + "/calendars/primary/events/watch").bearerTokenAuthentication(token).sendJsonObject(body).await();
  }

  private static List<String> ids(HttpResponse<Buffer> response) {
    return ids(response.bodyAsJsonObject());
  }

  private static List<String> ids(JsonObject page) {
    return ids(page.getJsonArray("items"));
  }

  private static List<String> ids(JsonArray items) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ids.add(items.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  private static JsonObject find(JsonArray items, String id) {
    for (int i = 0; i < items.size(); i++) {
      if (id.equals(items.getJsonObject(i).getString("id"))) {
        return items.getJsonObject(i);
      }
    }
    throw new AssertionError("no item " + id + " in " + items.encode());
  }

  private static String reason(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getJsonArray("errors").getJsonObject(0).getString("reason");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /** A webhook receiver on loopback: records each ping's headers (lower-cased) and body length, answers 200. */
  private record Hook(HttpServer server, BlockingQueue<Map<String, String>> received) {

    String address() {
      return "http://127.0.0.1:" + server.actualPort() + "/google/calendar/notifications";
    }

    Map<String, String> next() throws InterruptedException {
      Map<String, String> ping = received.poll(5, TimeUnit.SECONDS);
      assertThat(ping).as("a ping within 5 s").isNotNull();
      return ping;
    }

    List<Map<String, String>> drain() {
      List<Map<String, String>> all = new ArrayList<>();
      received.drainTo(all);
      return all;
    }
  }

  private Hook hook() {
    BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Map<String, String> ping = new java.util.HashMap<>();
      request.headers().forEach(header -> ping.put(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue()));
      ping.put("body-length", Integer.toString(body.length()));
      received.add(ping);
      request.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1").await();
    return new Hook(server, received);
  }
}
