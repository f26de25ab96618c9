package com.targetdialer.calendar;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a Calendar event is a Google Meet meeting the bot should join, and if not, why not.
 * The Meet code comes from, in this order: {@code conferenceData} (a {@code hangoutsMeet} solution's
 * conference id or video entry point), {@code hangoutLink}, a Meet URL in {@code location}, then in
 * {@code description} (HTML stripped, hrefs kept, entities and percent-encoding undone, so links wrapped
 * by Google or Outlook redirects are found), then in {@code summary}.
 */
public final class MeetDetection {

  /** Decisions. */
  public static final String SCHEDULED = "scheduled";
  public static final String SKIPPED = "skipped";

  /** Skip reasons. */
  public static final String CANCELLED = "cancelled";
  public static final String ALL_DAY = "all_day";
  public static final String DECLINED = "declined";
  public static final String NO_MEET_LINK = "no_meet_link";
  public static final String OTHER_PLATFORM = "other_platform";
  public static final String NOT_A_MEETING = "not_a_meeting";
  public static final String ENDED = "ended";
  public static final String NO_TIME = "no_time";

  /** Where the Meet code of a scheduled event was found (its reason). */
  public static final String FROM_CONFERENCE_DATA = "conference_data";
  public static final String FROM_HANGOUT_LINK = "hangout_link";
  public static final String FROM_LOCATION = "location";
  public static final String FROM_DESCRIPTION = "description";
  public static final String FROM_SUMMARY = "summary";

  private static final Pattern CODE = Pattern.compile("^[a-z]{3}-[a-z]{4}-[a-z]{3}$");
  private static final Pattern MEET_URL = Pattern.compile(
      "(?i)(?:https?://)?meet\\.google\\.com/(?:_meet/)?([a-z]{3}-[a-z]{4}-[a-z]{3})(?![a-z0-9-])");
  private static final Pattern OTHER_URL = Pattern.compile(
      "(?i)(?:[a-z0-9-]+\\.)?(?:zoom\\.us|zoom\\.com|zoomgov\\.com)/(?:j|w|my|s)/|teams\\.microsoft\\.(?:com|us)/|teams\\.live\\.com/meet/");
  private static final Pattern HREF = Pattern.compile("(?i)<a\\s[^>]*?href\\s*=\\s*[\"']([^\"']*)[\"'][^>]*>");
  private static final Pattern TAG = Pattern.compile("<[^>]{0,2000}>");
  private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});");

  private MeetDetection() {
  }

  /**
   * The outcome for one event.
   *
   * @param decision {@link #SCHEDULED} or {@link #SKIPPED}
   * @param reason   a skip reason, or where the Meet code was found
   * @param meetCode the Meet code (lowercase {@code xxx-xxxx-xxx}) of a scheduled event, else null
   * @param start    null for all-day events and tombstones
   */
  /** @param admitters who can let the bot in: the organizer first, then the attendees who accepted (emails) */
  public record Detection(String decision, String reason, String meetCode, Instant start, Instant end, String title,
                          List<String> admitters) {

    public boolean scheduled() {
      return SCHEDULED.equals(decision);
    }

    static Detection skip(String reason, Instant start, Instant end, String title) {
      return new Detection(SKIPPED, reason, null, start, end, title, List.of());
    }
  }

  public static Detection detect(JsonObject event, Instant now) {
    String title = event.getValue("summary") instanceof String s ? s : null;
    JsonObject startJson = object(event, "start");
    JsonObject endJson = object(event, "end");
    Instant start = time(startJson);
    Instant end = time(endJson);
    if ("cancelled".equals(event.getValue("status"))) {
      return Detection.skip(CANCELLED, start, end, title);
    }
    if (startJson != null && startJson.getValue("date") != null && startJson.getValue("dateTime") == null) {
      return Detection.skip(ALL_DAY, null, null, title);
    }
    if (start == null) {
      return Detection.skip(NO_TIME, null, null, title);
    }
    if (end == null || !end.isAfter(start)) {
      end = start.plusSeconds(3600);
    }
    Object eventType = event.getValue("eventType");
    if (eventType != null && !"default".equals(eventType)) {
      return Detection.skip(NOT_A_MEETING, start, end, title);
    }
    if (declinedBySelf(event)) {
      return Detection.skip(DECLINED, start, end, title);
    }
    if (!end.isAfter(now)) {
      return Detection.skip(ENDED, start, end, title);
    }
    String[] found = meetCode(event);
    if (found[0] == null) {
      return Detection.skip(found[1], start, end, title);
    }
    return new Detection(SCHEDULED, found[1], found[0], start, end, title, admitters(event));
  }

  /** The organizer, then every attendee who accepted, rooms and resources left out; each once. */
  static List<String> admitters(JsonObject event) {
    Set<String> emails = new LinkedHashSet<>();
    String organizer = string(object(event, "organizer"), "email");
    if (organizer != null && !Boolean.TRUE.equals(object(event, "organizer").getValue("resource"))) {
      emails.add(organizer.toLowerCase(Locale.ROOT));
    }
    if (event.getValue("attendees") instanceof JsonArray attendees) {
      for (Object entry : attendees) {
        if (entry instanceof JsonObject attendee && "accepted".equals(attendee.getValue("responseStatus"))
            && !Boolean.TRUE.equals(attendee.getValue("resource")) && string(attendee, "email") != null) {
          emails.add(string(attendee, "email").toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(emails);
  }

  /** {code, source} when found; {null, skip reason} otherwise. */
  static String[] meetCode(JsonObject event) {
    JsonObject conference = object(event, "conferenceData");
    String solution = null;
    String videoUri = null;
    if (conference != null) {
      JsonObject key = object(object(conference, "conferenceSolution"), "key");
      solution = key == null ? null : string(key, "type");
      videoUri = videoEntryPoint(conference);
      if ("hangoutsMeet".equals(solution) || solution == null) {
        String id = string(conference, "conferenceId");
        if ("hangoutsMeet".equals(solution) && id != null && CODE.matcher(id.toLowerCase()).matches()) {
          return new String[] {id.toLowerCase(), FROM_CONFERENCE_DATA};
        }
        String fromVideo = firstCode(videoUri);
        if (fromVideo != null) {
          return new String[] {fromVideo, FROM_CONFERENCE_DATA};
        }
      }
    }
    String fromHangout = firstCode(string(event, "hangoutLink"));
    if (fromHangout != null) {
      return new String[] {fromHangout, FROM_HANGOUT_LINK};
    }
    boolean otherPlatform = false;
    if (conference != null && videoUri != null && !"hangoutsMeet".equals(solution)) {
      // An add-on (Zoom, Teams...) carries its own URL: the meeting is elsewhere, unless that URL is Meet.
      String fromAddOn = firstCode(videoUri);
      if (fromAddOn != null) {
        return new String[] {fromAddOn, FROM_CONFERENCE_DATA};
      }
      otherPlatform = true;
    }
    String[][] texts = {{string(event, "location"), FROM_LOCATION}, {string(event, "description"), FROM_DESCRIPTION},
        {string(event, "summary"), FROM_SUMMARY}};
    for (String[] text : texts) {
      if (text[0] == null || text[0].isBlank()) {
        continue;
      }
      String normalized = normalize(text[0]);
      String code = firstCode(normalized);
      if (code != null) {
        return new String[] {code, text[1]};
      }
      otherPlatform |= OTHER_URL.matcher(normalized).find();
    }
    return new String[] {null, otherPlatform ? OTHER_PLATFORM : NO_MEET_LINK};
  }

  private static String videoEntryPoint(JsonObject conference) {
    if (!(conference.getValue("entryPoints") instanceof JsonArray entryPoints)) {
      return null;
    }
    for (Object entry : entryPoints) {
      if (entry instanceof JsonObject point && "video".equals(point.getValue("entryPointType"))) {
        return string(point, "uri");
      }
    }
    return null;
  }

  private static String firstCode(String text) {
    if (text == null) {
      return null;
    }
    Matcher matcher = MEET_URL.matcher(text);
    return matcher.find() ? matcher.group(1).toLowerCase() : null;
  }

  /** HTML to text with hrefs kept, entities decoded, percent-encoding undone up to three times. */
  static String normalize(String text) {
    String out = HREF.matcher(text).replaceAll(match -> " " + Matcher.quoteReplacement(match.group(1)) + " ");
    out = TAG.matcher(out).replaceAll(" ");
    out = decodeEntities(out);
    for (int i = 0; i < 3 && out.indexOf('%') >= 0; i++) {
      String decoded;
      try {
        decoded = URLDecoder.decode(out.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        break;
      }
      if (decoded.equals(out)) {
        break;
      }
      out = decoded;
    }
    return out;
  }

  private static String decodeEntities(String text) {
    String out = NUMERIC_ENTITY.matcher(text).replaceAll(match -> {
      String number = match.group(1);
      try {
        int codePoint = number.startsWith("x") ? Integer.parseInt(number.substring(1), 16) : Integer.parseInt(number);
        return Matcher.quoteReplacement(new String(Character.toChars(codePoint)));
      } catch (IllegalArgumentException e) {
        return Matcher.quoteReplacement(match.group());
      }
    });
    return out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&apos;", "'").replace("&nbsp;", " ").replace("&amp;", "&");
  }

  private static boolean declinedBySelf(JsonObject event) {
    if (!(event.getValue("attendees") instanceof JsonArray attendees)) {
      return false;
    }
    for (Object entry : attendees) {
      if (entry instanceof JsonObject attendee && Boolean.TRUE.equals(attendee.getValue("self"))) {
        return "declined".equals(attendee.getValue("responseStatus"));
      }
    }
    return false;
  }

  /** {@code dateTime} with its offset, or with {@code timeZone} when it has none; null for dates and absent values. */
  static Instant time(JsonObject json) {
    String text = json == null ? null : string(json, "dateTime");
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        String zone = string(json, "timeZone");
        return LocalDateTime.parse(text).atZone(zone == null ? ZoneOffset.UTC : ZoneId.of(zone)).toInstant();
      } catch (RuntimeException ignored) {
        return null;
      }
    }
  }

  private static JsonObject object(JsonObject json, String field) {
    return json != null && json.getValue(field) instanceof JsonObject object ? object : null;
  }

  private static String string(JsonObject json, String field) {
    return json != null && json.getValue(field) instanceof String text ? text : null;
  }
}
