package com.targetdialer.sim.vexa;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
  // collector/meeting_link.py's patterns. Python's \d and \s are Unicode-aware, and its \s also takes \x1c-\x1f.
  private static final Pattern GMEET_ID = Pattern.compile("[a-z]{3}-[a-z]{4}-[a-z]{3}");
  private static final Pattern ZOOM_ID = Pattern.compile("\\d{9,11}", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern TEAMS_THREAD = Pattern.compile("19:meeting_[^@%\\s\\x1c-\\x1f/]+@thread\\.v2",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern TEAMS_SHORT = Pattern.compile("/meet/([^/?#]+)", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern JITSI_ROOM = Pattern.compile("[^/?#\\s\\x1c-\\x1f]+", Pattern.UNICODE_CHARACTER_CLASS);

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
      meetingUrl = strip(rawUrl.toString());
    }
    Object passcode = body.getValue("passcode");
    if (nativeId.isEmpty() && meetingUrl != null) {
      String[] derived = derive(meetingUrl, settings.jitsiHosts);
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
      if (falsy(passcode)) {
        passcode = passcodeFromUrl(meetingUrl);
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
    SimMeeting m = state.create(platform, nativeId, meetingUrl, passcode == null ? null : passcode.toString(), data);
    // Only this answer lists the session uids (bot_spawn/service.py _meeting_response); stored rows do not.
    JsonObject created = m.response(true, settings.legacy010);
    created.getJsonObject("data").put("sessions", new JsonArray().add(m.sessionUid));
    json(ctx, 201, created);
  }

  /** {@code _validate_meeting_url}, on a port of Python's URL parser: what it refuses, this refuses. */
  private static String urlProblem(Object raw) {
    if (!(raw instanceof String s) || strip(s).isEmpty()) {
      return "meeting_url must be a non-empty string";
    }
    String url = strip(s);
    PyUrl parsed;
    try {
      parsed = PyUrl.parse(url);
    } catch (IllegalArgumentException e) {
      return "meeting_url does not parse as a URL: " + repr(url);
    }
    if (!"https".equals(parsed.scheme)) {
      return "meeting_url must use https:// — the bot only joins TLS deployments";
    }
    String host = parsed.hostname();
    if (host == null) {
      return "meeting_url must have a valid hostname";
    }
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost") || lower.endsWith(".localhost")) {
      return "meeting_url cannot target localhost";
    }
    if (PyUrl.isIpAddress(host)) {
      return "meeting_url cannot be an IP literal — use the deployment's hostname";
    }
    return null;
  }

  /**
   * {@code collector/meeting_link.py parse_meeting_url} with generic hosts (what POST /bots uses):
   * {platform, native id}, or null when nothing valid can be extracted.
   */
  static String[] derive(String raw, Set<String> jitsiHosts) {
    String value = raw == null ? "" : strip(raw);
    if (value.isEmpty()) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (GMEET_ID.matcher(lower).matches()) {
      return new String[] {"google_meet", lower};
    }
    PyUrl url;
    try {
      url = PyUrl.parse(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
    String host = url.hostname();
    if (host != null) {
      // .hostname keeps an IPv6 zone's case; meeting_link.py lowercases all of it.
      return deriveFromHost(value, url, host.toLowerCase(Locale.ROOT), jitsiHosts);
    }
    // A bare number is taken for a Zoom id.
    return ZOOM_ID.matcher(value).matches() ? new String[] {"zoom", value} : null;
  }

  private static String[] deriveFromHost(String value, PyUrl url, String host, Set<String> jitsiHosts) {
    Matcher m;
    if (host.contains("meet.google.com")) {
      String[] segments = url.path.split("/");
      String code = segments.length == 0 ? "" : segments[segments.length - 1].toLowerCase(Locale.ROOT);
      return GMEET_ID.matcher(code).matches() ? new String[] {"google_meet", code} : null;
    }
    if (host.contains("zoom")) {
      m = ZOOM_ID.matcher(url.path);
      if (m.find() || (m = ZOOM_ID.matcher(url.query)).find()) {
        return new String[] {"zoom", m.group()};
      }
      return null;
    }
    if (host.contains("teams.microsoft.com") || host.contains("teams.live.com")) {
      // The classic deep link's thread id, searched in the whole decoded link; else the short /meet/<id> link.
      if ((m = TEAMS_THREAD.matcher(PyUrl.unquote(value))).find()) {
        return new String[] {"teams", m.group()};
      }
      return (m = TEAMS_SHORT.matcher(url.path)).find() ? new String[] {"teams", m.group(1)} : null;
    }
    if (jitsiHost(host, jitsiHosts)) {
      String room = url.path.replaceAll("^/+|/+$", "");
      if (!JITSI_ROOM.matcher(room).matches()) {
        return null;
      }
      // Rooms are deployment-scoped: only the public deployment keeps the bare room as id.
      return new String[] {"jitsi", host.equals("meet.jit.si") ? room : room + "@" + host};
    }
    return null;
  }

  /** meet.jit.si, a configured host, or (pasted links only) a host naming jitsi or with a "meet" label. */
  private static boolean jitsiHost(String host, Set<String> configured) {
    return host.equals("meet.jit.si") || configured.contains(host) || host.contains("jitsi")
        || Arrays.asList(host.split("\\.", -1)).contains("meet");
  }

  /** {@code _passcode_from_url}: the link's own passcode, Zoom's {@code ?pwd=} or else Teams' {@code ?p=}. */
  static String passcodeFromUrl(String url) {
    if (url == null) {
      return null;
    }
    try {
      String query = PyUrl.parse(url).query;
      String pwd = PyUrl.firstValue(query, "pwd");
      return pwd != null ? pwd : PyUrl.firstValue(query, "p");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Python's {@code repr} of a str, as the f-string {@code {raw!r}} writes it. */
  private static String repr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    s.codePoints().forEach(c -> {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (c == quote) {
            out.append('\\').append(quote);
          } else if (c == ' ' || printable(c)) {
            out.appendCodePoint(c);
          } else {
            out.append(c < 0x100 ? String.format("\\x%02x", c) : c < 0x10000 ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
          }
        }
      }
    });
    return out.append(quote).toString();
  }

  /** {@code str.isprintable} for one character: not a control, format, separator, private or unassigned one. */
  private static boolean printable(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
           Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /** Python's truthiness, for {@code if not passcode}: an empty or zero passcode counts as none. */
  private static boolean falsy(Object v) {
    return v == null || Boolean.FALSE.equals(v) || "".equals(v) || (v instanceof Number n && n.doubleValue() == 0)
        || (v instanceof JsonObject o && o.isEmpty()) || (v instanceof JsonArray a && a.isEmpty());
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
      return switch (strip(s).toLowerCase()) {
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
    return o == null ? "" : strip(o.toString());
  }

  /** Python's {@code str.strip()}, whose whitespace also takes in U+0085, no-break spaces and the like. */
  private static String strip(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && pythonSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && pythonSpace(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  /** {@code str.isspace}: general category Zs, or bidirectional class WS, B or S. */
  private static boolean pythonSpace(char c) {
    byte bidi = Character.getDirectionality(c);
    return Character.getType(c) == Character.SPACE_SEPARATOR || bidi == Character.DIRECTIONALITY_WHITESPACE
        || bidi == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR || bidi == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
  }
}
