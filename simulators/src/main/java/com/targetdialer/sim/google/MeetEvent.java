package com.targetdialer.sim.google;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds event resources the way Calendar returns them: a Google Meet meeting ({@code hangoutLink},
 * {@code conferenceData} with a {@code hangoutsMeet} solution), a Zoom meeting from Zoom's Calendar
 * add-on, a Teams meeting from an Outlook invitation (the link only in the description), a Jitsi room
 * in the location; attendees, an optional weekly series. {@link #json()} is what
 * {@link GoogleCalendarSimulator#putEvent} takes.
 *
 * <pre>{@code
 * sim.putEvent("alice@example.com", MeetEvent.meet("abc-defg-hij", start, end)
 *     .summary("Standup").selfStatus("accepted").attendee("bob@example.com", "needsAction").weekly().json());
 * sim.putEvent("alice@example.com", MeetEvent.teams(MeetEvent.teamsJoinUrl(MeetEvent.randomTeamsThreadToken()), start, end)
 *     .organizer("carol@contoso.com").json());
 * }</pre>
 */
public final class MeetEvent {

  public static final Pattern MEET_CODE = Pattern.compile("[a-z]{3}-[a-z]{4}-[a-z]{3}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String MEET_ICON =
      "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png";
  private static final Pattern ZOOM_ID = Pattern.compile("\\d{9,11}");
  private static final String ZOOM_HOST = "us02web.zoom.us";
  private static final String ZOOM_ICON = "https://lh3.googleusercontent.com/pw/AM-JKLUkiyTEgH-6DiQP85RGtd_BORvAuFnS9katNMgwYQBJUTiDh12qtQx"
      + "MJFWYH2Dj30hNsNUrr-kzKMl7jX-Qd0FR7JmVSx-Fhruf8xTPPI-wdsMYez6WJE7tz7KmqsORKBEnBTiILtMJXuMvphqKdB9X=s128-no";
  /** The Apps Script behind Zoom's add-on: the same id in every event it creates. */
  private static final String ZOOM_ADDON_SCRIPT = "1O_9DeEljSH2vrECr8XeFYYRxFFiowFKOivqSDz316BlBcDXrF00BXrkO";
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Pattern TEAMS_TOKEN = Pattern.compile("[A-Za-z0-9+=_-]+");
  private static final Pattern TEAMS_CLASSIC = Pattern.compile("19%3ameeting_([^%]+)%40thread\\.v2", Pattern.CASE_INSENSITIVE);
  private static final Pattern TEAMS_SHORT = Pattern.compile("/meet/(\\d+)\\?p=([^&#]+)");
  private static final String TEAMS_RULE = "<div style=\"width:100%\"><span style=\"white-space:nowrap;color:#5F5F5F;opacity:.36\">"
      + "_".repeat(80) + "</span></div>\n";
  private static final Pattern JITSI_ROOM = Pattern.compile("[^/?#\\s]+");

  private final JsonObject event = new JsonObject();
  private final boolean allDay;
  private ZoneId zone = ZoneId.of("UTC");
  private Instant start;
  private Instant end;
  private LocalDate startDate;
  private LocalDate endDate;

  private MeetEvent(boolean allDay) {
    this.allDay = allDay;
  }

  /** A timed meeting with Meet conferencing on {@code meetCode} ({@code xxx-xxxx-xxx}). */
  public static MeetEvent meet(String meetCode, Instant start, Instant end) {
    MeetEvent builder = timed(start, end);
    builder.meetCode(meetCode);
    return builder;
  }

  /** A timed event without conferencing (add a link to location or description yourself). */
  public static MeetEvent timed(Instant start, Instant end) {
    MeetEvent builder = new MeetEvent(false);
    builder.start = start;
    builder.end = end;
    return builder;
  }

  /** An all-day event; {@code endExclusive} is the day after the last day, as in Calendar. */
  public static MeetEvent allDay(LocalDate start, LocalDate endExclusive) {
    MeetEvent builder = new MeetEvent(true);
    builder.startDate = start;
    builder.endDate = endExclusive;
    return builder;
  }

  public static String randomMeetCode() {
    StringBuilder code = new StringBuilder();
    for (int part : new int[] {3, 4, 3}) {
      if (code.length() > 0) {
        code.append('-');
      }
      for (int i = 0; i < part; i++) {
        code.append((char) ('a' + RANDOM.nextInt(26)));
      }
    }
    return code.toString();
  }

  /** The {@code conferenceData} Calendar attaches to a Meet meeting. */
  public static JsonObject conferenceData(String meetCode) {
    requireCode(meetCode);
    String pin = Long.toString(1_000_000_000_000L + RANDOM.nextInt(1_000_000_000));
    return new JsonObject()
        .put("entryPoints", new JsonArray()
            .add(new JsonObject().put("entryPointType", "video").put("uri", "https://meet.google.com/" + meetCode)
                .put("label", "meet.google.com/" + meetCode))
            .add(new JsonObject().put("entryPointType", "more").put("uri", "https://tel.meet/" + meetCode + "?pin=" + pin)
                .put("pin", pin)))
        .put("conferenceSolution", new JsonObject()
            .put("key", new JsonObject().put("type", "hangoutsMeet"))
            .put("name", "Google Meet")
            .put("iconUri", MEET_ICON))
        .put("conferenceId", meetCode);
  }

  // ---- Zoom ----

  /**
   * A timed meeting with Zoom conferencing as Zoom's Calendar add-on attaches it: no {@code hangoutLink},
   * an {@code addOn} {@code conferenceData}, the meeting number in {@code extendedProperties.shared}.
   * {@code passcode} may be null, for a meeting without one.
   */
  public static MeetEvent zoom(String meetingId, String passcode, Instant start, Instant end) {
    MeetEvent builder = timed(start, end);
    builder.event.put("conferenceData", zoomConferenceData(meetingId, passcode))
        .put("extendedProperties", new JsonObject().put("shared", new JsonObject()
            .put("meetingId", meetingId)
            .put("zmMeetingNum", meetingId)));
    return builder;
  }

  /** The join link the add-on writes: the passcode rides in it as the {@code pwd} token, not in clear. */
  public static String zoomJoinUrl(String meetingId, String passcode) {
    if (meetingId == null || !ZOOM_ID.matcher(meetingId).matches()) {
      throw new IllegalArgumentException("a Zoom meeting id is 9 to 11 digits, got " + meetingId);
    }
    return "https://" + ZOOM_HOST + "/j/" + meetingId + (passcode == null ? "" : "?pwd=" + zoomPwd(meetingId, passcode));
  }

  /**
   * The {@code pwd} of a Zoom link: a token Zoom derives from the passcode and accepts in its place
   * (32 characters and ".1"). Fixed per meeting and passcode here, so a test can name it, for example
   * {@code BotScript.requirePasscode(passcode, MeetEvent.zoomPwd(id, passcode))}.
   */
  public static String zoomPwd(String meetingId, String passcode) {
    return alphanumeric("zoom-pwd/" + meetingId + "/" + passcode, 32) + ".1";
  }

  /**
   * The add-on's {@code conferenceData}: video, phone and "more" entry points (the passcode in clear on
   * the first two), the meeting number as {@code conferenceId}, and the add-on's parameters. Unlike
   * the add-on's, its {@code notes} have no "Meeting host:" line.
   */
  public static JsonObject zoomConferenceData(String meetingId, String passcode) {
    String joinUrl = zoomJoinUrl(meetingId, passcode);
    String meetingUuid = Base64.getEncoder().encodeToString(randomBytes(16));
    JsonObject video = new JsonObject().put("entryPointType", "video").put("uri", joinUrl)
        .put("label", joinUrl.substring("https://".length())).put("meetingCode", meetingId);
    JsonObject phone = new JsonObject().put("regionCode", "US").put("entryPointType", "phone")
        .put("uri", "tel:+13092053325,," + meetingId + "#").put("label", "+1 309-205-3325");
    if (passcode != null) {
      video.put("passcode", passcode);
      phone.put("passcode", passcode);
    }
    JsonObject more = new JsonObject().put("entryPointType", "more").put("uri", zoomInvitationUri(meetingUuid));
    return new JsonObject()
        .put("entryPoints", new JsonArray().add(video).add(phone).add(more))
        .put("conferenceSolution", new JsonObject()
            .put("key", new JsonObject().put("type", "addOn"))
            .put("name", "Zoom Meeting")
            .put("iconUri", ZOOM_ICON))
        .put("conferenceId", meetingId)
        .put("notes", "Join Zoom Meeting: \n\n" + joinUrl)
        .put("parameters", new JsonObject().put("addOnParameters", new JsonObject().put("parameters", new JsonObject()
            .put("scriptId", ZOOM_ADDON_SCRIPT)
            .put("realMeetingId", meetingId)
            .put("creatorUserId", base64Url(randomBytes(16)))
            .put("meetingUuid", meetingUuid)
            .put("meetingType", "2")
            .put("originalEventId", SimCalendar.randomEventId()))));
  }

  /** The add-on's invitation page, behind Google's redirector as Calendar links it. */
  private static String zoomInvitationUri(String meetingUuid) {
    String page = "https://applications.zoom.us/addon/invitation/detail?meetingUuid=" + urlEncode(meetingUuid)
        + "&signature=" + HexFormat.of().formatHex(randomBytes(32)) + "&v=1";
    return "https://www.google.com/url?q=" + page.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
        + "&sa=D&source=calendar&usg=AOvVaw" + base64Url(randomBytes(16));
  }

  // ---- Microsoft Teams ----

  /**
   * A Teams meeting as an Outlook invitation lands in Google Calendar: no {@code conferenceData}, the
   * location "Microsoft Teams Meeting", the join link only inside Outlook's HTML block in the
   * description, an Outlook iCalUID, and the private copy an invitation from outside becomes. For the
   * SafeLinks-wrapped form, override with {@code .description(teamsDescription(joinUrl, true))}.
   */
  public static MeetEvent teams(String joinUrl, Instant start, Instant end) {
    MeetEvent builder = timed(start, end);
    builder.event.put("location", "Microsoft Teams Meeting")
        .put("description", teamsDescription(joinUrl, false))
        .put("iCalUID", outlookUid())
        .put("privateCopy", true)
        .put("guestsCanInviteOthers", false);
    return builder;
  }

  /** A new meeting's thread token: base64 of a GUID, as Teams mints them. */
  public static String randomTeamsThreadToken() {
    return Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code 19:meeting_<token>@thread.v2}: the thread id, which Vexa takes as the native meeting id. */
  public static String teamsThreadId(String threadToken) {
    return "19:meeting_" + requireThreadToken(threadToken) + "@thread.v2";
  }

  /**
   * The classic join link, as Outlook writes it: the thread id percent-encoded with lowercase escapes,
   * then a {@code context} naming the tenant and the organizer (fixed per token).
   */
  public static String teamsJoinUrl(String threadToken) {
    requireThreadToken(threadToken);
    return "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + threadToken + "%40thread.v2/0?context=%7b%22Tid%22%3a%22"
        + nameUuid("tenant", threadToken) + "%22%2c%22Oid%22%3a%22" + nameUuid("organizer", threadToken) + "%22%7d";
  }

  /** The short join link newer Teams meetings get: the numeric meeting id, the passcode as {@code p}. */
  public static String teamsShortJoinUrl(String meetingId, String passcode) {
    if (meetingId == null || !meetingId.matches("\\d{10,15}") || passcode == null || !passcode.matches("[A-Za-z0-9]+")) {
      throw new IllegalArgumentException("a Teams short link needs a 10-15 digit id and an alphanumeric passcode");
    }
    return "https://teams.microsoft.com/meet/" + meetingId + "?p=" + passcode;
  }

  /**
   * Outlook's "Microsoft Teams / Join the meeting now" HTML block around {@code joinUrl}: the meeting id
   * and passcode lines, and the organizer's "Meeting options" link, whose {@code threadId} is spelled
   * {@code 19_meeting_...}. Hrefs escape '&' as {@code &amp;}. With {@code safeLinks}, every link is
   * wrapped in an Outlook SafeLinks redirect, as Defender for Office 365 delivers mail.
   */
  public static String teamsDescription(String joinUrl, boolean safeLinks) {
    UnaryOperator<String> href = url -> (safeLinks ? safeLink(url) : url).replace("&", "&amp;");
    String token = teamsThreadToken(joinUrl);
    String options = "https://teams.microsoft.com/meetingOptions/?organizerId=" + nameUuid("organizer", token)
        + "&tenantId=" + nameUuid("tenant", token) + "&threadId=19_meeting_" + token + "@thread.v2&messageId=0&language=en-US";
    String[] code = teamsCode(joinUrl);
    return TEAMS_RULE
        + "<div class=\"me-email-text\" lang=\"en-US\" style=\"color:#252424;font-family:'Segoe UI','Helvetica Neue',Helvetica,Arial,sans-serif\">\n"
        + "<div style=\"margin-top:24px;margin-bottom:20px\"><span style=\"font-size:24px;color:#252424\">Microsoft Teams</span> "
        + anchor("help", "me-email-link", href.apply("https://aka.ms/JoinTeamsMeeting?omkt=en-US"), "Need help?") + "</div>\n"
        + "<div style=\"margin-bottom:20px\">" + anchor("join_link", "me-email-headline", href.apply(joinUrl), "Join the meeting now") + "</div>\n"
        + "<div style=\"margin-bottom:20px;margin-top:20px\">\n" + teamsLine("Meeting ID: ", code[0]) + teamsLine("Passcode: ", code[1]) + "</div>\n"
        + "<div style=\"font-size:14px;margin-bottom:4px\"><span class=\"me-email-text-secondary\" style=\"font-size:14px;color:#616161\">"
        + "For organizers: </span>" + anchor("organizer_meet_options", "me-email-link", href.apply(options), "Meeting options") + "</div>\n"
        + "</div>\n" + TEAMS_RULE;
  }

  /** {@code url} behind an Outlook SafeLinks redirect: percent-encoded into {@code url}, then tracking data. */
  public static String safeLink(String url) {
    byte[] hash = sha256("safelinks/" + url);
    HexFormat hex = HexFormat.of();
    return "https://nam12.safelinks.protection.outlook.com/?url=" + urlEncode(url)
        + "&data=05%7C02%7C%7C" + hex.formatHex(hash, 0, 16) + "%7C" + hex.formatHex(hash, 16, 32)
        + "%7C0%7C0%7C638712345678901234%7CUnknown%7CTWFpbGZsb3d8eyJWIjoiMC4wLjAwMDAiLCJQIjoiV2luMzIiLCJBTiI6Ik1haWwiLCJXVCI6Mn0%3D"
        + "%7C0%7C%7C%7C&sdata=" + urlEncode(Base64.getEncoder().encodeToString(hash)) + "&reserved=0";
  }

  /** The classic link's thread token, or (short links have none in sight) one fixed per link. */
  private static String teamsThreadToken(String joinUrl) {
    Matcher classic = TEAMS_CLASSIC.matcher(joinUrl);
    return classic.find() ? classic.group(1) : Base64.getEncoder().encodeToString(
        nameUuid("thread", joinUrl).toString().getBytes(StandardCharsets.UTF_8));
  }

  /** {meeting id in groups of three, passcode}: a short link's own, else fixed per link. */
  private static String[] teamsCode(String joinUrl) {
    Matcher shortLink = TEAMS_SHORT.matcher(joinUrl);
    String id;
    String passcode;
    if (shortLink.find()) {
      id = shortLink.group(1);
      passcode = shortLink.group(2);
    } else {
      byte[] hash = sha256("teams-code/" + joinUrl);
      id = String.valueOf(100_000_000_000L + Math.floorMod(ByteBuffer.wrap(hash).getLong(), 900_000_000_000L));
      passcode = alphanumeric("teams-passcode/" + joinUrl, 6);
    }
    return new String[] {id.replaceAll("(\\d{3})(?=\\d)", "$1 "), passcode};
  }

  private static String anchor(String action, String cssClass, String href, String text) {
    String size = "me-email-headline".equals(cssClass) ? "font-size:20px;font-weight:600;" : "font-size:14px;";
    return "<a id=\"meet_invite_block.action." + action + "\" class=\"" + cssClass + "\" href=\"" + href
        + "\" target=\"_blank\" rel=\"noreferrer noopener\" style=\"" + size + "text-decoration:underline;color:#5B5FC7\">" + text + "</a>";
  }

  private static String teamsLine(String label, String value) {
    return "<div style=\"margin-bottom:4px\"><span class=\"me-email-text-secondary\" style=\"font-size:14px;color:#616161\">" + label
        + "</span><span class=\"me-email-text\" style=\"font-size:14px;color:#252424\">" + value + "</span></div>\n";
  }

  /** An Outlook global object id (creation time, then a random GUID): the iCalUID of an Exchange meeting. */
  private static String outlookUid() {
    long fileTime = (Instant.now().toEpochMilli() + 11_644_473_600_000L) * 10_000;
    HexFormat hex = HexFormat.of().withUpperCase();
    return "040000008200E00074C5B7101A82E00800000000"
        + hex.formatHex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fileTime).array())
        + "000000000000000010000000" + hex.formatHex(randomBytes(16));
  }

  private static String requireThreadToken(String token) {
    if (token == null || !TEAMS_TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException("a Teams thread token is base64-ish, got " + token);
    }
    return token;
  }

  // ---- Jitsi ----

  /** A timed meeting in a room on the public Jitsi deployment: its link in {@code location}, no conferencing. */
  public static MeetEvent jitsi(String room, Instant start, Instant end) {
    if (room == null || !JITSI_ROOM.matcher(room).matches()) {
      throw new IllegalArgumentException("a Jitsi room is one path segment, got " + room);
    }
    return timed(start, end).location("https://meet.jit.si/" + room);
  }

  // ---- shared ----

  private static UUID nameUuid(String kind, String key) {
    return UUID.nameUUIDFromBytes((kind + "/" + key).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code length} (at most 32) letters and digits fixed by {@code seed}. */
  private static String alphanumeric(String seed, int length) {
    byte[] hash = sha256(seed);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(ALNUM.charAt((hash[i] & 0xff) % ALNUM.length()));
    }
    return out.toString();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void requireCode(String meetCode) {
    if (meetCode == null || !MEET_CODE.matcher(meetCode).matches()) {
      throw new IllegalArgumentException("a Meet code looks like abc-defg-hij, got " + meetCode);
    }
  }

  public MeetEvent id(String id) {
    event.put("id", id);
    return this;
  }

  public MeetEvent meetCode(String meetCode) {
    requireCode(meetCode);
    event.put("hangoutLink", "https://meet.google.com/" + meetCode).put("conferenceData", conferenceData(meetCode));
    return this;
  }

  public MeetEvent summary(String summary) {
    event.put("summary", summary);
    return this;
  }

  public MeetEvent description(String description) {
    event.put("description", description);
    return this;
  }

  public MeetEvent location(String location) {
    event.put("location", location);
    return this;
  }

  /** The zone {@code start}/{@code end} are written in, and a series expands in (default UTC). */
  public MeetEvent timeZone(String zoneId) {
    this.zone = ZoneId.of(zoneId);
    return this;
  }

  public MeetEvent status(String status) {
    event.put("status", status);
    return this;
  }

  /** Defaults to the owner of the calendar the event is put into. */
  public MeetEvent organizer(String email) {
    event.put("organizer", new JsonObject().put("email", email));
    return this;
  }

  public MeetEvent attendee(String email, String responseStatus) {
    attendees().add(new JsonObject().put("email", email).put("responseStatus", responseStatus));
    return this;
  }

  /** The calendar owner's own attendee entry (its email is filled in by the calendar it is put into). */
  public MeetEvent selfStatus(String responseStatus) {
    attendees().add(new JsonObject().put("self", true).put("responseStatus", responseStatus));
    return this;
  }

  /** A weekly series on the start's weekday, without end. */
  public MeetEvent weekly() {
    return recurrence("RRULE:FREQ=WEEKLY");
  }

  /** A weekly series of {@code count} occurrences. */
  public MeetEvent weekly(int count) {
    return recurrence("RRULE:FREQ=WEEKLY;COUNT=" + count);
  }

  /** A weekly series on several weekdays, without end. */
  public MeetEvent weeklyOn(DayOfWeek... days) {
    StringBuilder byDay = new StringBuilder();
    for (DayOfWeek day : days) {
      byDay.append(byDay.length() > 0 ? "," : "").append(day.name().substring(0, 2).toUpperCase(Locale.ROOT));
    }
    return recurrence("RRULE:FREQ=WEEKLY;BYDAY=" + byDay);
  }

  /** Raw RFC 5545 lines ({@code RRULE:...}, {@code EXDATE...}). */
  public MeetEvent recurrence(String... lines) {
    event.put("recurrence", new JsonArray(java.util.List.of((Object[]) lines)));
    return this;
  }

  /** Any other field, for example {@code eventType} or {@code transparency}. */
  public MeetEvent with(String field, Object value) {
    event.put(field, value);
    return this;
  }

  public JsonObject json() {
    JsonObject json = event.copy();
    if (allDay) {
      json.put("start", new JsonObject().put("date", startDate.toString()))
          .put("end", new JsonObject().put("date", endDate.toString()));
    } else {
      json.put("start", new JsonObject().put("dateTime", Times.dateTime(start, zone)).put("timeZone", zone.getId()))
          .put("end", new JsonObject().put("dateTime", Times.dateTime(end, zone)).put("timeZone", zone.getId()));
    }
    return json;
  }

  private JsonArray attendees() {
    JsonArray attendees = event.getJsonArray("attendees");
    if (attendees == null) {
      attendees = new JsonArray();
      event.put("attendees", attendees);
    }
    return attendees;
  }
}
