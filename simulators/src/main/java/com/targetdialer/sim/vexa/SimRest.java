package com.targetdialer.sim.vexa;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST surface, with the 0.12 routes' validation order and {@code detail} texts
 * ({@code bot_spawn/router.py}, {@code lifecycle/stop_router.py}, {@code collector/app.py},
 * admin-api {@code /user/webhook}). Handlers run on the simulator's context.
 */
final class SimRest {

  private static final Logger LOG = LoggerFactory.getLogger(SimRest.class);

  private static final Set<String> SPAWNABLE = Set.of("google_meet", "zoom", "teams", "jitsi");
  private static final Set<String> STOPPABLE = Set.of("google_meet", "zoom", "teams", "jitsi", "browser_session");
  private static final Set<String> AUTO_LEAVE_KEYS = Set.of("max_bot_time", "max_wait_for_admission",
      "max_time_left_alone", "no_one_joined_timeout", "waiting_room_timeout", "everyone_left_timeout");
  private static final String URL_CHARS = "?#&=/";
  private static final Pattern MEET_CODE = Pattern.compile("^/([a-z]{3}-[a-z]{4}-[a-z]{3})/?$");
  private static final Pattern ZOOM_PATH = Pattern.compile("^/(?:j|wc/join)/(\\d{9,11})/?$");
  private static final Pattern TEAMS_MEET = Pattern.compile("^/meet/(\\d{10,15})/?$");
  private static final Pattern TEAMS_JOIN = Pattern.compile("^/l/meetup-join/([^/]+)(?:/.*)?$");
  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

  private final SimState state;
  private final SimSettings settings;

  SimRest(SimState state, SimSettings settings) {
    this.state = state;
    this.settings = settings;
  }

  void mount(Router router) {
    router.post("/bots").handler(this::createBot);
    router.get("/bots/status").handler(this::botsStatus);
    router.get("/bots").handler(this::listBots);
    router.delete("/bots/:platform/:native").handler(this::stopBot);
    router.get("/meetings").handler(this::listMeetings);
    router.get("/meetings/:id").handler(this::getMeeting);
    router.get("/transcripts/by-id/:id").handler(this::transcriptById);
    router.get("/transcripts/:platform/:native").handler(this::transcriptByLink);
    router.put("/user/webhook").handler(this::putWebhook);
    router.get("/user/webhook").handler(ctx -> json(ctx, 200, state.webhookView()));
    router.get("/auth/me").handler(ctx -> json(ctx, 200, new JsonObject()
        .put("user_id", SimState.USER_ID)
        .put("email", "sim@vexa.local")
        .put("scopes", new JsonArray().add("bot").add("tx"))
        .put("max_concurrent", settings.maxConcurrentBots)));
  }

  // ---- POST /bots ----

  private void createBot(RoutingContext ctx) {
    JsonObject body;
    try {
      Object parsed = Json.decodeValue(ctx.body().asString() == null ? "" : ctx.body().asString());
      if (!(parsed instanceof JsonObject o)) {
        detail(ctx, 422, "body must be an object");
        return;
      }
      body = o;
    } catch (DecodeException e) {
      detail(ctx, 422, "invalid JSON body");
      return;
    }
    String platform = str(body.getValue("platform"));
    String nativeId = str(body.getValue("native_meeting_id"));
    Object rawUrl = body.getValue("meeting_url");
    String meetingUrl = null;
    if (rawUrl != null) {
      String problem = urlProblem(rawUrl);
      if (problem != null) {
        detail(ctx, 422, problem);
        return;
      }
      meetingUrl = rawUrl.toString().strip();
    }
    Object passcode = body.getValue("passcode");
    if (nativeId.isEmpty() && meetingUrl != null) {
      String[] derived = derive(meetingUrl);
      if (derived == null) {
        detail(ctx, 422, "'native_meeting_id' is required: it could not be derived from meeting_url '"
            + meetingUrl + "' (unrecognized meeting link)");
        return;
      }
      if (!platform.isEmpty() && !platform.equals(derived[0])) {
        detail(ctx, 422, "platform '" + platform + "' disagrees with meeting_url (which is a '" + derived[0]
            + "' link) — drop one or make them agree");
        return;
      }
      platform = derived[0];
      nativeId = derived[1];
      if (passcode == null) {
        passcode = queryParam(meetingUrl, "pwd", "p");
      }
    }
    if (platform.isEmpty() || (nativeId.isEmpty() && meetingUrl == null)) {
      detail(ctx, 422, "'platform' and 'native_meeting_id' (or 'meeting_url') are required");
      return;
    }
    String idProblem = nativeIdProblem(nativeId);
    if (idProblem != null) {
      detail(ctx, 422, idProblem);
      return;
    }
    if (!SPAWNABLE.contains(platform)) {
      detail(ctx, 422, "platform '" + platform + "' cannot be spawned as a meeting bot — supported: google_meet, jitsi, teams, zoom"
          + ("browser_session".equals(platform)
          ? ". browser_session is a provisioning workload, not a meeting bot; its 0.12 runtime path is not yet restored"
          + " (tracked in https://github.com/Vexa-ai/vexa/issues/816)" : ""));
      return;
    }
    String constructed = meetingUrl != null ? meetingUrl : constructUrl(platform, nativeId);
    if (constructed == null) {
      detail(ctx, 422, "unsupported platform '" + platform + "' without a meeting_url — "
          + "use google_meet/teams, or provide meeting_url (required for zoom/jitsi)");
      return;
    }
    Boolean transcribe = flag(body.getValue("transcribe_enabled"));
    if (transcribe == null) {
      detail(ctx, 422, "transcribe_enabled must be a boolean");
      return;
    }
    Boolean recording = flag(body.getValue("recording_enabled"));
    if (recording == null) {
      detail(ctx, 422, "recording_enabled must be a boolean");
      return;
    }
    String leaveProblem = automaticLeaveProblem(body.getValue("automatic_leave"));
    if (leaveProblem != null) {
      detail(ctx, 422, leaveProblem);
      return;
    }

    if (!state.live(platform, nativeId).isEmpty()) {
      detail(ctx, 409, "An active meeting already exists for " + platform + "/" + nativeId);
      return;
    }
    int cap = settings.maxConcurrentBots;
    if (cap <= 0 || state.countedBots() >= cap) {
      detail(ctx, 429, "User has reached the maximum concurrent bot limit (" + cap + ").");
      return;
    }
    JsonObject data = new JsonObject()
        .put("constructed_meeting_url", constructed)
        .put("transcribe_enabled", transcribe)
        .put("recording_enabled", recording)
        .put("bot_name", body.getValue("bot_name") instanceof String n ? n : "VexaBot-5f3c1a");
    if (body.getValue("language") != null) {
      data.put("language", body.getValue("language"));
    }
    if (body.getValue("task") != null) {
      data.put("task", body.getValue("task"));
    }
    if (passcode != null) {
      data.put("passcode", passcode);
    }
    SimMeeting m = state.create(platform, nativeId, data);
    // Only this answer lists the session uids (bot_spawn/service.py _meeting_response); stored rows do not.
    JsonObject created = m.response(true, settings.legacy010);
    created.getJsonObject("data").put("sessions", new JsonArray().add(m.sessionUid));
    json(ctx, 201, created);
  }

  private static String urlProblem(Object raw) {
    if (!(raw instanceof String s) || s.isBlank()) {
      return "meeting_url must be a non-empty string";
    }
    String url = s.strip();
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "meeting_url does not parse as a URL: '" + url + "'";
    }
    if (!"https".equals(uri.getScheme())) {
      return "meeting_url must use https:// — the bot only joins TLS deployments";
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return "meeting_url must have a valid hostname";
    }
    host = host.toLowerCase();
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return "meeting_url cannot target localhost";
    }
    if (IPV4.matcher(host).matches() || host.startsWith("[") || host.contains(":")) {
      return "meeting_url cannot be an IP literal — use the deployment's hostname";
    }
    return null;
  }

  /** {@code collector/meeting_link.py}, reduced to the common link shapes: {platform, native id} or null. */
  static String[] derive(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return null;
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    Matcher m;
    if (host.equals("meet.google.com") && (m = MEET_CODE.matcher(path.toLowerCase())).matches()) {
      return new String[] {"google_meet", m.group(1)};
    }
    if ((host.equals("zoom.us") || host.endsWith(".zoom.us")) && (m = ZOOM_PATH.matcher(path)).matches()) {
      return new String[] {"zoom", m.group(1)};
    }
    if (host.equals("teams.live.com") || host.equals("teams.microsoft.com") || host.endsWith(".teams.microsoft.com")) {
      if ((m = TEAMS_MEET.matcher(path)).matches()) {
        return new String[] {"teams", m.group(1)};
      }
      if ((m = TEAMS_JOIN.matcher(path)).matches()) {
        return new String[] {"teams", URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)};
      }
    }
    if (host.equals("meet.jit.si") && path.length() > 1 && path.indexOf('/', 1) < 0) {
      return new String[] {"jitsi", path.substring(1)};
    }
    return null;
  }

  private static String constructUrl(String platform, String nativeId) {
    return switch (platform) {
      case "google_meet" -> "https://meet.google.com/" + nativeId;
      case "teams" -> "https://teams.microsoft.com/l/meetup-join/" + nativeId;
      default -> null;
    };
  }

  private static String nativeIdProblem(String id) {
    if (id.length() > 255) {
      return "'native_meeting_id' is " + id.length() + " characters; the maximum is 255";
    }
    for (char c : id.toCharArray()) {
      if (c < ' ' || c == 0x7f) {
        return "'native_meeting_id' contains control characters";
      }
    }
    for (char c : id.toCharArray()) {
      if (URL_CHARS.indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        return "'native_meeting_id' must be the bare meeting id and cannot contain URL characters "
            + "('?', '#', '&', '=', '/') or spaces — pass any passcode in 'passcode' or supply the full "
            + "'meeting_url' instead";
      }
    }
    return null;
  }

  /** {@code resolve_spawn_flag}: a bool or a boolean word; null means "refuse". Absent defaults to true. */
  private static Boolean flag(Object v) {
    if (v == null) {
      return true;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      return switch (s.strip().toLowerCase()) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> null;
      };
    }
    return null;
  }

  private static String automaticLeaveProblem(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject leave)) {
      return "automatic_leave must be an object";
    }
    List<String> unknown = new ArrayList<>();
    for (String k : leave.fieldNames()) {
      if (!AUTO_LEAVE_KEYS.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      unknown.sort(null);
      return "automatic_leave has unknown field(s): " + String.join(", ", unknown);
    }
    String[][] pairs = {{"max_wait_for_admission", "waiting_room_timeout"}, {"no_one_joined_timeout", null},
        {"max_time_left_alone", "everyone_left_timeout"}};
    for (String[] p : pairs) {
      Object raw = leave.getValue(p[0]);
      if (raw == null && p[1] != null) {
        raw = leave.getValue(p[1]);
      }
      if (raw != null && !((raw instanceof Integer || raw instanceof Long) && ((Number) raw).longValue() > 0)) {
        return "automatic_leave." + p[0] + " must be a positive integer";
      }
    }
    return null;
  }

  private static String queryParam(String url, String... names) {
    try {
      String q = new URI(url).getRawQuery();
      if (q == null) {
        return null;
      }
      for (String name : names) {
        for (String pair : q.split("&")) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).equals(name) && eq < pair.length() - 1) {
            return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          }
        }
      }
    } catch (URISyntaxException e) {
      return null;
    }
    return null;
  }

  // ---- DELETE /bots/{platform}/{native} ----

  private void stopBot(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String nativeId = ctx.pathParam("native");
    if (!STOPPABLE.contains(platform)) {
      detail(ctx, 422, "unsupported platform '" + platform + "' — must be one of: browser_session, google_meet, jitsi, teams, zoom");
      return;
    }
    state.countDelete(nativeId);
    List<SimMeeting> pending = new ArrayList<>();
    for (SimMeeting m : state.live(platform, nativeId)) {
      if (!m.stopRequested) {
        pending.add(m);
      }
    }
    if (pending.isEmpty()) {
      detail(ctx, 404, "No active meeting for this bot");
      return;
    }
    JsonArray siblings = new JsonArray();
    for (SimMeeting m : pending) {
      if (m != pending.get(0)) {
        siblings.add(m.id);
      }
      state.markStopping(m);
      m.run.stop();
    }
    LOG.info("bot stop requested [meeting: {}, link: {}/{}]", pending.get(0).id, platform, nativeId);
    if (settings.legacy010) {
      json(ctx, 202, new JsonObject().put("message", "Stop request accepted and is being processed."));
      return;
    }
    json(ctx, 200, new JsonObject()
        .put("status", "stopping")
        .put("meeting_id", pending.get(0).id)
        .put("native_meeting_id", nativeId)
        .put("also_stopped", siblings)
        .put("cancelled", new JsonArray()));
  }

  // ---- reads ----

  private void botsStatus(RoutingContext ctx) {
    String platform = ctx.request().getParam("platform");
    JsonArray running = new JsonArray();
    List<SimMeeting> rows = state.all();
    for (int i = rows.size() - 1; i >= 0; i--) {
      SimMeeting m = rows.get(i);
      if (!m.terminal() && (platform == null || platform.equals(m.platform))) {
        running.add(m.slim(settings.legacy010));
      }
    }
    if (settings.legacy010) {
      // 0.10 listed containers under running_bots only.
      JsonArray containers = new JsonArray();
      java.time.Instant now = java.time.Instant.now();
      for (int i = rows.size() - 1; i >= 0; i--) {
        SimMeeting m = rows.get(i);
        if (!m.terminal() && (platform == null || platform.equals(m.platform))) {
          containers.add(m.legacyContainer(now));
        }
      }
      json(ctx, 200, new JsonObject().put("running_bots", containers));
      return;
    }
    json(ctx, 200, new JsonObject().put("running", running).put("running_bots", running.copy()).put("count", running.size()));
  }

  private void listBots(RoutingContext ctx) {
    JsonObject page = page(ctx);
    if (page != null) {
      json(ctx, 200, page.put("has_more", page.remove("_has_more")));
    }
  }

  private void listMeetings(RoutingContext ctx) {
    JsonObject page = page(ctx);
    if (page != null) {
      page.remove("_has_more");
      json(ctx, 200, page);
    }
  }

  /** Newest first, filtered by status/platform, paged by limit (1-100, default 50) and offset. */
  private JsonObject page(RoutingContext ctx) {
    String status = ctx.request().getParam("status");
    String platform = ctx.request().getParam("platform");
    Integer limit = intParam(ctx, "limit", 50);
    Integer offset = intParam(ctx, "offset", 0);
    if (limit == null || offset == null) {
      return null;
    }
    if (limit < 1 || limit > 100 || offset < 0) {
      fieldError(ctx, "query", limit < 1 || limit > 100 ? "limit" : "offset", "Input should be within range");
      return null;
    }
    List<SimMeeting> rows = state.all();
    List<JsonObject> matching = new ArrayList<>();
    for (int i = rows.size() - 1; i >= 0; i--) {
      SimMeeting m = rows.get(i);
      if ((status == null || status.equals(m.status)) && (platform == null || platform.equals(m.platform))) {
        matching.add(m.slim(settings.legacy010));
      }
    }
    int from = Math.min(offset, matching.size());
    int to = Math.min(from + limit, matching.size());
    return new JsonObject().put("meetings", new JsonArray(new ArrayList<>(matching.subList(from, to))))
        .put("_has_more", to < matching.size());
  }

  private void getMeeting(RoutingContext ctx) {
    Long id = idParam(ctx, "id", "meeting_id");
    if (id == null) {
      return;
    }
    SimMeeting m = state.get(id);
    if (m == null) {
      detail(ctx, 404, "Meeting not found");
      return;
    }
    json(ctx, 200, m.response(false, settings.legacy010));
  }

  private void transcriptById(RoutingContext ctx) {
    Long id = idParam(ctx, "id", "meeting_id");
    if (id == null) {
      return;
    }
    SimMeeting m = state.get(id);
    if (m == null) {
      detail(ctx, 404, "Meeting " + id + " not found");
      return;
    }
    json(ctx, 200, m.transcript(settings.legacy010));
  }

  private void transcriptByLink(RoutingContext ctx) {
    String platform = ctx.pathParam("platform");
    String nativeId = ctx.pathParam("native");
    SimMeeting m = state.newest(platform, nativeId);
    if (m == null) {
      detail(ctx, 404, "Meeting not found for platform " + platform + " and ID " + nativeId);
      return;
    }
    json(ctx, 200, m.transcript(settings.legacy010));
  }

  // ---- /user/webhook ----

  private void putWebhook(RoutingContext ctx) {
    Object parsed;
    try {
      parsed = Json.decodeValue(ctx.body().asString() == null ? "" : ctx.body().asString());
    } catch (DecodeException e) {
      fieldError(ctx, "body", null, "JSON decode error");
      return;
    }
    if (!(parsed instanceof JsonObject body)) {
      fieldError(ctx, "body", null, "Input should be a valid dictionary or object to extract fields from");
      return;
    }
    if (!(body.getValue("webhook_url") instanceof String url)) {
      fieldError(ctx, "body", "webhook_url", body.containsKey("webhook_url") ? "Input should be a valid string" : "Field required");
      return;
    }
    Object secret = body.getValue("webhook_secret");
    if (secret != null && !(secret instanceof String)) {
      fieldError(ctx, "body", "webhook_secret", "Input should be a valid string");
      return;
    }
    Object events = body.getValue("webhook_events");
    if (events != null && !(events instanceof JsonObject)) {
      fieldError(ctx, "body", "webhook_events", "Input should be a valid dictionary");
      return;
    }
    state.putWebhook(url, (String) secret, (JsonObject) events);
    LOG.info("webhook configured [url: {}, signed: {}, events: {}]", url, state.webhookView().getBoolean("webhook_secret_set"),
        events == null ? "-" : ((JsonObject) events).encode());
    json(ctx, 200, state.user());
  }

  // ---- helpers ----

  private static Long idParam(RoutingContext ctx, String param, String field) {
    String raw = ctx.pathParam(param);
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      JsonArray detail = new JsonArray().add(new JsonObject()
          .put("type", "int_parsing")
          .put("loc", new JsonArray().add("path").add(field))
          .put("msg", "Input should be a valid integer, unable to parse string as an integer")
          .put("input", raw));
      json(ctx, 422, new JsonObject().put("detail", detail));
      return null;
    }
  }

  private static Integer intParam(RoutingContext ctx, String name, int dflt) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      fieldError(ctx, "query", name, "Input should be a valid integer, unable to parse string as an integer");
      return null;
    }
  }

  /** FastAPI's framework 422: {@code detail} is a list of field errors. */
  private static void fieldError(RoutingContext ctx, String where, String field, String msg) {
    JsonArray loc = new JsonArray().add(where);
    if (field != null) {
      loc.add(field);
    }
    json(ctx, 422, new JsonObject().put("detail", new JsonArray().add(new JsonObject()
        .put("type", msg.startsWith("Field required") ? "missing" : "value_error")
        .put("loc", loc)
        .put("msg", msg))));
  }

  static void detail(RoutingContext ctx, int status, String detail) {
    json(ctx, status, new JsonObject().put("detail", detail));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString().strip();
  }
}
