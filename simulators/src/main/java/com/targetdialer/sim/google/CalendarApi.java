package com.targetdialer.sim.google;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Calendar v3 routes: {@code events.list}, {@code events.get}, {@code events.watch}, {@code channels.stop}.
 * Every call is checked in this order: bearer token, counters, scripted faults, then the request itself.
 */
final class CalendarApi {

  static final String BASE_PATH = "/calendar/v3";
  private static final Logger LOG = LoggerFactory.getLogger(CalendarApi.class);
  private static final long DEFAULT_TTL_SECONDS = 604_800;

  private final SimState state;

  CalendarApi(SimState state) {
    this.state = state;
  }

  void mount(Router router) {
    router.get(BASE_PATH + "/calendars/:calendarId/events").handler(this::list);
    router.post(BASE_PATH + "/calendars/:calendarId/events/watch").handler(this::watch);
    router.get(BASE_PATH + "/calendars/:calendarId/events/:eventId").handler(this::get);
    router.post(BASE_PATH + "/channels/stop").handler(this::stop);
  }

  /** The authenticated caller and the calendar a request addresses ({@code primary} is the caller's own). */
  private record Caller(Accounts.AccessGrant grant, String calendarId) {
  }

  private Caller authorize(RoutingContext ctx, String kind) {
    Instant now = state.now();
    Accounts.AccessGrant grant = state.accounts.authenticate(ctx.request().getHeader("Authorization"), now);
    String requested = ctx.pathParam("calendarId");
    String calendarId = requested == null ? null : "primary".equals(requested) ? grant.user() : Accounts.key(requested);
    if (kind.equals("events.list")) {
      state.count(state.listCalls, calendarId);
    } else if (kind.equals("events.get")) {
      state.count(state.getCalls, calendarId);
    } else if (kind.equals("events.watch")) {
      state.watchCalls++;
    } else {
      state.stopCalls++;
    }
    String raw = ctx.request().path();
    Faults.Fault fault = state.faults.take(kind, raw, URLDecoder.decode(raw, StandardCharsets.UTF_8));
    if (fault != null) {
      LOG.info("scripted failure [kind: {}, status: {}, reason: {}]", kind, fault.status(), fault.reason());
      throw new GoogleApiError(fault.status(), fault.reason(), null);
    }
    return new Caller(grant, calendarId);
  }

  /** Only the owner sees a calendar; like Google, anything else is "not found". */
  private SimCalendar visibleCalendar(Caller caller) {
    SimCalendar calendar = state.calendar(caller.calendarId());
    if (calendar == null || !calendar.owner.equals(caller.grant().user())) {
      throw GoogleApiError.notFound();
    }
    return calendar;
  }

  private void list(RoutingContext ctx) {
    JsonObject page;
    try {
      synchronized (state) {
        Caller caller = authorize(ctx, "events.list");
        SimCalendar calendar = visibleCalendar(caller);
        page = page(calendar, EventsQuery.parse(ctx.request().params()));
      }
    } catch (GoogleApiError e) {
      fail(ctx, e);
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8").end(page.encode());
  }

  private JsonObject page(SimCalendar calendar, EventsQuery query) {
    long since = -1;
    if (query.syncToken != null) {
      EventsQuery.SyncCursor cursor = EventsQuery.SyncCursor.decode(query.syncToken);
      if (cursor == null || !cursor.calendarId().equals(calendar.id) || cursor.epoch() != calendar.epoch || cursor.seq() > calendar.seq) {
        throw new GoogleApiError(410, "fullSyncRequired", null);
      }
      if (cursor.singleEvents() != query.singleEvents) {
        throw GoogleApiError.badRequest("invalid", "This sync token was issued with singleEvents=" + cursor.singleEvents()
            + "; every parameter must match the full sync (simulator check).");
      }
      since = cursor.seq();
    }
    EventsQuery.PageCursor cursor = query.pageToken != null
        ? EventsQuery.PageCursor.decode(query.pageToken, query.fingerprint)
        : new EventsQuery.PageCursor(0, calendar.seq, false);
    JsonObject envelope = new JsonObject()
        .put("kind", "calendar#events")
        .put("etag", "\"" + calendar.seq + calendar.epoch + "\"")
        .put("summary", calendar.id)
        .put("description", "")
        .put("updated", Times.updated(calendar.updated))
        .put("timeZone", calendar.zone.getId())
        .put("accessRole", "owner")
        .put("defaultReminders", new JsonArray().add(new JsonObject().put("method", "popup").put("minutes", 10)));
    if (state.emptyFirstPage && !cursor.emptyServed()) {
      // A page may be empty while more exist: only nextPageToken says whether to go on.
      return envelope.put("nextPageToken", new EventsQuery.PageCursor(cursor.offset(), cursor.snapshotSeq(), true).encode(query.fingerprint))
          .put("items", new JsonArray());
    }
    Instant now = state.now();
    Instant horizonBase = query.timeMin != null && query.timeMin.isAfter(now) ? query.timeMin : now;
    List<SimCalendar.Entry> entries = calendar.list(query, since, horizonBase.plus(state.expansionHorizon));
    int from = Math.min(cursor.offset(), entries.size());
    int to = Math.min(from + Math.min(query.maxResults, state.serverPageLimit), entries.size());
    List<Object> items = new ArrayList<>(to - from);
    for (SimCalendar.Entry entry : entries.subList(from, to)) {
      items.add(entry.render().get());
    }
    if (to < entries.size()) {
      envelope.put("nextPageToken", new EventsQuery.PageCursor(to, cursor.snapshotSeq(), true).encode(query.fingerprint));
    } else if (query.orderBy == null) {
      // Only on the last page, and stamped with the state of the first: changes made while paging come next time.
      envelope.put("nextSyncToken", new EventsQuery.SyncCursor(calendar.id, calendar.epoch, cursor.snapshotSeq(), query.singleEvents).encode());
    }
    return envelope.put("items", new JsonArray(items));
  }

  private void get(RoutingContext ctx) {
    JsonObject event;
    try {
      synchronized (state) {
        Caller caller = authorize(ctx, "events.get");
        event = visibleCalendar(caller).get(ctx.pathParam("eventId"));
      }
      if (event == null) {
        throw GoogleApiError.notFound();
      }
    } catch (GoogleApiError e) {
      fail(ctx, e);
      return;
    }
    ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8").end(event.encode());
  }

  private void watch(RoutingContext ctx) {
    JsonObject response;
    PushSender.Job sync;
    try {
      synchronized (state) {
        Caller caller = authorize(ctx, "events.watch");
        JsonObject body = jsonBody(ctx);
        SimCalendar calendar = visibleCalendar(caller);
        SimState.ChannelState channel = newChannel(body, caller, calendar, ctx.pathParam("calendarId"));
        response = new JsonObject()
            .put("kind", "api#channel")
            .put("id", channel.id)
            .put("resourceId", channel.resourceId)
            .put("resourceUri", channel.resourceUri);
        if (channel.token != null) {
          response.put("token", channel.token);
        }
        // Google's int64 convention: a JSON string.
        response.put("expiration", Long.toString(channel.expiration.toEpochMilli()));
        sync = channel.next("sync");
      }
    } catch (GoogleApiError e) {
      fail(ctx, e);
      return;
    }
    LOG.debug("channel opened [channel: {}, calendar: {}, address: {}]", sync.channelId(), response.getString("resourceUri"), sync.address());
    PushSender pusher = state.pusher;
    if (state.syncPingBeforeWatchResponse) {
      // The guide warns the sync message can arrive before the watch call returns; this makes it certain.
      pusher.enqueue(sync).onComplete(ar -> ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8").end(response.encode()));
    } else {
      ctx.response().putHeader("Content-Type", "application/json; charset=UTF-8").end(response.encode());
      pusher.enqueue(sync);
    }
  }

  private SimState.ChannelState newChannel(JsonObject body, Caller caller, SimCalendar calendar, String requestedCalendarId) {
    Instant now = state.now();
    String id = body.getString("id");
    if (id == null || id.isBlank()) {
      throw GoogleApiError.badRequest("required", "Required");
    }
    if (id.length() > 64) {
      throw GoogleApiError.badRequest("invalid", "Channel id must be at most 64 characters.");
    }
    SimState.ChannelState existing = state.channels.get(id);
    if (existing != null && existing.active(now)) {
      throw GoogleApiError.badRequest("channelIdNotUnique", "Channel id " + id + " not unique");
    }
    String type = body.getString("type");
    if (!"web_hook".equals(type) && !"webhook".equals(type)) {
      throw GoogleApiError.badRequest("invalid", "Invalid value for: type");
    }
    String address = body.getString("address");
    if (address == null) {
      throw GoogleApiError.badRequest("required", "Required");
    }
    try {
      URI uri = new URI(address);
      boolean https = "https".equalsIgnoreCase(uri.getScheme());
      if (uri.getHost() == null || !(https || "http".equalsIgnoreCase(uri.getScheme()))) {
        throw GoogleApiError.badRequest("invalid", "Invalid value for: address");
      }
      if (state.requireHttpsWebhooks && !https) {
        throw GoogleApiError.badRequest("push.webhookUrlNotHttps", "WebHook callback must be HTTPS: " + address);
      }
    } catch (URISyntaxException e) {
      throw GoogleApiError.badRequest("invalid", "Invalid value for: address");
    }
    String token = body.getString("token");
    if (token != null && token.length() > 256) {
      throw GoogleApiError.badRequest("invalid", "Channel token must be at most 256 characters.");
    }
    Instant expiration = now.plus(min(ttl(body), state.maxChannelTtl));
    Object requestedExpiration = body.getValue("expiration");
    if (requestedExpiration != null) {
      try {
        Instant asked = Instant.ofEpochMilli(Long.parseLong(String.valueOf(requestedExpiration)));
        expiration = asked.isBefore(expiration) ? asked : expiration;
      } catch (NumberFormatException e) {
        throw GoogleApiError.badRequest("invalid", "Invalid value for: expiration");
      }
    }
    String resourceUri = "https://www.googleapis.com/calendar/v3/calendars/"
        + URLEncoder.encode(requestedCalendarId, StandardCharsets.UTF_8) + "/events?alt=json";
    SimState.ChannelState channel = new SimState.ChannelState(id, calendar.resourceId, resourceUri, calendar.id,
        caller.grant().user(), address, token, expiration);
    state.channels.put(id, channel);
    state.channelsByCalendar.computeIfAbsent(calendar.id, k -> new ArrayList<>()).add(channel);
    return channel;
  }

  private static Duration ttl(JsonObject body) {
    JsonObject params = body.getJsonObject("params");
    Object ttl = params == null ? null : params.getValue("ttl");
    if (ttl == null) {
      return Duration.ofSeconds(DEFAULT_TTL_SECONDS);
    }
    try {
      long seconds = Long.parseLong(String.valueOf(ttl));
      if (seconds <= 0) {
        throw GoogleApiError.badRequest("invalid", "Invalid value for: ttl");
      }
      return Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      throw GoogleApiError.badRequest("invalid", "Invalid value for: ttl");
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void stop(RoutingContext ctx) {
    try {
      synchronized (state) {
        Caller caller = authorize(ctx, "channels.stop");
        JsonObject body = jsonBody(ctx);
        String id = body.getString("id");
        SimState.ChannelState channel = id == null ? null : state.channels.get(id);
        if (channel == null || !channel.active(state.now()) || !channel.resourceId.equals(body.getString("resourceId"))
            || !channel.user.equals(caller.grant().user())) {
          throw new GoogleApiError(404, "notFound", "Channel '" + id + "' not found for project 'simulator'");
        }
        channel.stopped = true;
        state.channelsByCalendar.getOrDefault(channel.calendarId, new ArrayList<>()).remove(channel);
      }
    } catch (GoogleApiError e) {
      fail(ctx, e);
      return;
    }
    LOG.debug("channel stopped [channel: {}]", ctx.body().asJsonObject().getString("id"));
    ctx.response().setStatusCode(204).end();
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw GoogleApiError.badRequest("required", "Required");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw GoogleApiError.badRequest("parseError", "Parse Error");
    }
  }

  static void fail(RoutingContext ctx, GoogleApiError error) {
    if (error.code == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
    }
    ctx.response().setStatusCode(error.code)
        .putHeader("Content-Type", "application/json; charset=UTF-8")
        .end(error.body().encode());
  }
}
