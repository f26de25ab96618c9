package com.targetdialer.sim.google;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Google Calendar v3 API and OAuth token endpoint on loopback, for integration tests and the demo.
 *
 * <p>HTTP side: {@code POST /token} (refresh-token and service-account JWT grants),
 * {@code GET {calendarBaseUrl}/calendars/{id}/events} (time window, singleEvents expansion, showDeleted,
 * paging, sync tokens), {@code GET .../events/{eventId}}, {@code POST .../events/watch} with real push
 * notifications, and {@code POST {calendarBaseUrl}/channels/stop}.
 *
 * <p>Control side: the public methods below. They are safe to call from any thread, before or after
 * deployment; changes to a calendar send {@code exists} pings to the channels watching it.
 */
public final class GoogleCalendarSimulator extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GoogleCalendarSimulator.class);
  public static final String LOOPBACK = "127.0.0.1";

  private final int requestedPort;
  private final SimState state = new SimState();
  private final List<Ping> pings = Collections.synchronizedList(new ArrayList<>());
  private volatile int port = -1;
  private volatile PushSender pusher;

  /** Listens on any free loopback port. */
  public GoogleCalendarSimulator() {
    this(0);
  }

  /** Listens on {@code port} on loopback; 0 picks a free one (read it from {@link #port()} after deployment). */
  public GoogleCalendarSimulator(int port) {
    this.requestedPort = port;
  }

  @Override
  public Future<?> start() {
    pusher = new PushSender(vertx, context, state::now, pings);
    synchronized (state) {
      state.pusher = pusher;
    }
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    new TokenEndpoint(state, this::tokenUri).mount(router);
    new CalendarApi(state).mount(router);
    router.route().last().handler(ctx -> CalendarApi.fail(ctx, GoogleApiError.notFound()));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(requestedPort, LOOPBACK)
        .onSuccess(server -> {
          port = server.actualPort();
          LOG.info("google calendar simulator listening [calendar: {}, token: {}]", calendarBaseUrl(), tokenUri());
        });
  }

  @Override
  public Future<?> stop() {
    synchronized (state) {
      state.pusher = null;
    }
    return pusher.close();
  }

  // ---- addresses ----

  /** The bound port; only valid after deployment. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("the simulator is not deployed yet");
    }
    return port;
  }

  /** The value for GOOGLE_CALENDAR_BASE_URL: {@code http://127.0.0.1:<port>/calendar/v3}, no trailing slash. */
  public String calendarBaseUrl() {
    return "http://" + LOOPBACK + ":" + port() + CalendarApi.BASE_PATH;
  }

  /** The token server URI for google-auth ({@code setTokenServerUri}, or {@code token_uri} in a key file). */
  public String tokenUri() {
    return "http://" + LOOPBACK + ":" + port() + TokenEndpoint.PATH;
  }

  // ---- identities ----

  /** Adds a user with a primary calendar whose id is the email; the user is also a valid DWD subject. */
  public GoogleCalendarSimulator addUser(String email) {
    synchronized (state) {
      state.accounts.addUser(email);
      state.calendars.computeIfAbsent(Accounts.key(email), id -> new SimCalendar(id, id, state.now()));
    }
    return this;
  }

  /** Adds a secondary calendar owned by {@code ownerEmail} (an existing user). */
  public GoogleCalendarSimulator addCalendar(String ownerEmail, String calendarId) {
    synchronized (state) {
      if (!state.accounts.hasUser(ownerEmail)) {
        throw new IllegalArgumentException("unknown user " + ownerEmail);
      }
      state.calendars.computeIfAbsent(Accounts.key(calendarId), id -> new SimCalendar(id, Accounts.key(ownerEmail), state.now()));
    }
    return this;
  }

  /** The zone list envelopes report and zone-less events are read in (default UTC). */
  public GoogleCalendarSimulator setCalendarTimeZone(String calendarId, String zoneId) {
    synchronized (state) {
      state.requireCalendar(calendarId).zone = java.time.ZoneId.of(zoneId);
    }
    return this;
  }

  /** Creates a refresh token for the user with the default scope {@code calendar.events.readonly}. */
  public String issueRefreshToken(String email) {
    String token = Accounts.randomRefreshToken();
    addRefreshToken(email, token);
    return token;
  }

  public GoogleCalendarSimulator addRefreshToken(String email, String refreshToken) {
    return addRefreshToken(email, refreshToken, List.of(Accounts.DEFAULT_SCOPE));
  }

  /** A refresh token granting {@code scopes} (full URLs); a non-Calendar scope makes Calendar calls 403. */
  public GoogleCalendarSimulator addRefreshToken(String email, String refreshToken, List<String> scopes) {
    synchronized (state) {
      state.accounts.addRefreshToken(email, refreshToken, scopes);
    }
    return this;
  }

  /** Revokes a refresh token: its next grant is 400 invalid_grant and the access tokens it minted stop working. */
  public void revoke(String refreshToken) {
    synchronized (state) {
      if (!state.accounts.revoke(refreshToken)) {
        throw new IllegalArgumentException("unknown refresh token");
      }
    }
  }

  /** Domain-wide delegation for this user now fails with invalid_grant; its access tokens stop working. */
  public void revokeSubject(String email) {
    synchronized (state) {
      state.accounts.revokeSubject(email);
    }
  }

  public void restoreSubject(String email) {
    synchronized (state) {
      state.accounts.restoreSubject(email);
    }
  }

  /** Every access token issued so far is answered with 401 from now on (refresh tokens stay good). */
  public void expireAccessTokens() {
    synchronized (state) {
      state.accounts.expireAccessTokens();
    }
  }

  /** The {@code expires_in} of new access tokens (default 3599). */
  public void setTokenExpiresIn(int seconds) {
    synchronized (state) {
      state.accounts.expiresInSeconds = seconds;
    }
  }

  /** From now on the refresh grant checks client_id and client_secret (401 invalid_client otherwise). */
  public void requireClient(String clientId, String clientSecret) {
    synchronized (state) {
      state.accounts.requireClient(clientId, clientSecret);
    }
  }

  /** Once any is registered, JWT grants must come from a registered service account ({@code iss}). */
  public void addServiceAccount(String clientEmail) {
    synchronized (state) {
      state.accounts.addServiceAccount(clientEmail);
    }
  }

  // ---- clock ----

  /** The simulator's clock (wall time plus {@link #advanceClock}); token and channel expiry use it. */
  public Instant now() {
    return state.now();
  }

  public void advanceClock(Duration by) {
    state.advanceClock(by);
  }

  // ---- events ----

  /**
   * Inserts or replaces (same {@code id}) an event in a calendar (a user's email for their primary).
   * Missing fields Calendar always sends are filled in. Returns the stored resource as the owner reads it.
   *
   * @throws IllegalArgumentException for times, statuses or recurrence rules the simulator cannot serve
   */
  public JsonObject putEvent(String calendarId, JsonObject event) {
    synchronized (state) {
      SimCalendar calendar = state.requireCalendar(calendarId);
      JsonObject stored = calendar.put(event, state.now(), state.nextEtag());
      state.changed(calendar);
      return stored;
    }
  }

  /**
   * Changes an event with {@code change}, which edits a copy of the resource. An instance id
   * ({@code <seriesId>_<yyyyMMdd'T'HHmmss'Z'>}) changes that occurrence only, as an exception of the series.
   * Bumps {@code updated} and {@code etag} and pings the calendar's channels.
   */
  public JsonObject updateEvent(String calendarId, String eventId, Consumer<JsonObject> change) {
    synchronized (state) {
      SimCalendar calendar = state.requireCalendar(calendarId);
      JsonObject updated = calendar.update(eventId, change, state.now(), state.nextEtag());
      state.changed(calendar);
      return updated;
    }
  }

  /** Moves an event, a whole series (by its id) or one occurrence (by instance id). */
  public JsonObject moveEvent(String calendarId, String eventId, Instant newStart, Instant newEnd) {
    return updateEvent(calendarId, eventId, event -> {
      Timing before = Timing.parse(event.getJsonObject("start"), event.getJsonObject("end"), java.time.ZoneOffset.UTC);
      event.put("start", before.json(newStart.atZone(before.zone())))
          .put("end", before.json(newEnd.atZone(before.zone())))
          .put("sequence", event.getInteger("sequence", 0) + 1);
    });
  }

  /** Deletes an event or series (tombstone with {@code status: cancelled}), or cancels one occurrence. */
  public JsonObject cancelEvent(String calendarId, String eventId) {
    return updateEvent(calendarId, eventId, event -> event.put("status", "cancelled"));
  }

  /** The calendar owner's attendee entry gets {@code responseStatus: declined} (added if missing). */
  public JsonObject declineEvent(String calendarId, String eventId) {
    return respond(calendarId, eventId, "declined");
  }

  /** Sets the calendar owner's {@code responseStatus}: needsAction, declined, tentative or accepted. */
  public JsonObject respond(String calendarId, String eventId, String responseStatus) {
    String owner;
    synchronized (state) {
      owner = state.requireCalendar(calendarId).owner;
    }
    return updateEvent(calendarId, eventId, event -> {
      JsonArray attendees = event.getJsonArray("attendees");
      if (attendees == null) {
        attendees = new JsonArray();
        event.put("attendees", attendees);
      }
      for (int i = 0; i < attendees.size(); i++) {
        JsonObject attendee = attendees.getJsonObject(i);
        if (owner.equalsIgnoreCase(attendee.getString("email", ""))) {
          attendee.put("responseStatus", responseStatus);
          return;
        }
      }
      attendees.add(new JsonObject().put("email", owner).put("responseStatus", responseStatus));
    });
  }

  /** Puts the event on another Meet code: {@code hangoutLink} and {@code conferenceData} both change. */
  public JsonObject changeMeetLink(String calendarId, String eventId, String meetCode) {
    JsonObject conference = MeetEvent.conferenceData(meetCode);
    return updateEvent(calendarId, eventId, event -> event
        .put("hangoutLink", "https://meet.google.com/" + meetCode)
        .put("conferenceData", conference));
  }

  /** Removes an event for good (get answers 404, no tombstone). Pings like any change. */
  public void purgeEvent(String calendarId, String eventId) {
    synchronized (state) {
      SimCalendar calendar = state.requireCalendar(calendarId);
      if (!calendar.purge(eventId, state.now())) {
        throw new IllegalArgumentException("no event " + eventId + " in calendar " + calendarId);
      }
      state.changed(calendar);
    }
  }

  /** What {@code events.get} would answer, as the calendar owner reads it. */
  public Optional<JsonObject> event(String calendarId, String eventId) {
    synchronized (state) {
      return Optional.ofNullable(state.requireCalendar(calendarId).get(eventId));
    }
  }

  /** Number of stored events (series count once) in a calendar, tombstones included. */
  public int eventCount(String calendarId) {
    synchronized (state) {
      return state.requireCalendar(calendarId).events.size();
    }
  }

  /** Every sync token issued so far for this calendar gets 410 fullSyncRequired. */
  public void invalidateSyncTokens(String calendarId) {
    synchronized (state) {
      state.requireCalendar(calendarId).epoch++;
    }
  }

  // ---- list quirks ----

  /** Serves at most {@code limit} items per page whatever maxResults says: short pages with a nextPageToken. */
  public void setServerPageLimit(int limit) {
    synchronized (state) {
      state.serverPageLimit = Math.max(1, limit);
    }
  }

  /** The first page of every list is empty but carries a nextPageToken, which Calendar is allowed to do. */
  public void setEmptyFirstPage(boolean enabled) {
    synchronized (state) {
      state.emptyFirstPage = enabled;
    }
  }

  // ---- channels and pings ----

  /** Longest channel life granted, whatever params.ttl asks (default 7 days). */
  public void setMaxChannelTtl(Duration ttl) {
    synchronized (state) {
      state.maxChannelTtl = ttl;
    }
  }

  /** Refuse non-HTTPS watch addresses as Google does (off by default: tests listen on plain HTTP). */
  public void setRequireHttpsWebhooks(boolean required) {
    synchronized (state) {
      state.requireHttpsWebhooks = required;
    }
  }

  /** Deliver the {@code sync} ping before answering the watch call (Google may do either). */
  public void setSyncPingBeforeWatchResponse(boolean before) {
    synchronized (state) {
      state.syncPingBeforeWatchResponse = before;
    }
  }

  /** The next {@code count} pings are recorded as dropped and never sent. */
  public void dropPings(int count) {
    requirePusher().dropNext.addAndGet(count);
  }

  /** The next {@code count} pings are each delivered twice, with the same message number. */
  public void duplicatePings(int count) {
    requirePusher().duplicateNext.addAndGet(count);
  }

  /** Every ping waits this long before it is sent. */
  public void setPingDelay(Duration delay) {
    requirePusher().delayMillis = delay.toMillis();
  }

  /** Channels created so far, in creation order, with whether they are still live. */
  public List<Channel> channels() {
    synchronized (state) {
      Instant now = state.now();
      return state.channels.values().stream().map(channel -> channel.snapshot(now)).toList();
    }
  }

  /** Pings delivered (or dropped, or failed) so far, in completion order. */
  public List<Ping> pings() {
    synchronized (pings) {
      return List.copyOf(pings);
    }
  }

  public List<Ping> pings(String channelId) {
    return pings().stream().filter(ping -> ping.channelId().equals(channelId)).toList();
  }

  /** Completes once every ping caused by changes made before this call has been delivered (or failed). */
  public Future<Void> pingsDelivered() {
    return requirePusher().idle();
  }

  private PushSender requirePusher() {
    if (pusher == null) {
      throw new IllegalStateException("the simulator is not deployed yet");
    }
    return pusher;
  }

  // ---- faults ----

  /**
   * The next {@code count} requests matching {@code target} fail with {@code status} and Google's error
   * JSON for {@code reason} (null: the usual reason for the status). Targets: {@code token},
   * {@code events.list}, {@code events.get}, {@code events.watch}, {@code channels.stop}, {@code calendar}
   * (any Calendar call), or a path prefix such as {@code /calendar/v3/calendars/alice%40example.com}.
   * Calendar faults apply after the bearer check. Token faults answer in the OAuth shape.
   * Examples: {@code (events.list, 403, rateLimitExceeded)}, {@code (events.list, 429, rateLimitExceeded)},
   * {@code (events.list, 410, fullSyncRequired)}, {@code (calendar, 503, backendError)},
   * {@code (token, 401, unauthorized_client)}.
   */
  public void failNext(String target, int status, String reason, int count) {
    synchronized (state) {
      state.faults.add(target, status, reason, count);
    }
  }

  public void clearFaults() {
    synchronized (state) {
      state.faults.clear();
    }
  }

  // ---- counters ----

  /** events.list calls that passed the bearer check for this calendar ({@code primary} counts as the user's). */
  public int listCalls(String calendarId) {
    synchronized (state) {
      return state.listCalls.getOrDefault(Accounts.key(calendarId), 0);
    }
  }

  public int listCalls() {
    synchronized (state) {
      return state.listCalls.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  public int getCalls(String calendarId) {
    synchronized (state) {
      return state.getCalls.getOrDefault(Accounts.key(calendarId), 0);
    }
  }

  /** Requests to the token endpoint, successful or not. */
  public int tokenCalls() {
    synchronized (state) {
      return state.tokenCalls;
    }
  }

  public int watchCalls() {
    synchronized (state) {
      return state.watchCalls;
    }
  }

  public int stopCalls() {
    synchronized (state) {
      return state.stopCalls;
    }
  }

  /** Zeroes the call counters and forgets recorded pings (channels and data stay). */
  public void resetCounters() {
    synchronized (state) {
      state.listCalls.clear();
      state.getCalls.clear();
      state.tokenCalls = 0;
      state.watchCalls = 0;
      state.stopCalls = 0;
    }
    pings.clear();
  }
}
