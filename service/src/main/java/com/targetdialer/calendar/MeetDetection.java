package com.targetdialer.calendar;

import com.targetdialer.config.PlatformSettings;
import com.targetdialer.platform.MeetingLink;
import com.targetdialer.platform.MeetingLinks;
import com.targetdialer.platform.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
 * Whether a Calendar event is a call the bot should join, and if not, why not. The call's link comes
 * from, in this order: {@code conferenceData} (a {@code hangoutsMeet} solution's conference id, or the
 * video entry point of any solution: Meet, or an add-on's Zoom or Teams link), {@code hangoutLink}, the
 * first call link in {@code location}, then in {@code description} (HTML stripped, hrefs kept, entities
 * and percent-encoding undone, so links wrapped by Google or Outlook redirects are found), then in
 * {@code summary}. Links are read by {@link MeetingLinks}: Google Meet, Zoom, Teams and Jitsi. The first
 * link found is where the call is: if its platform is not enabled the event is skipped, saying so.
 */
public final class MeetDetection {

  /** Decisions. */
  public static final String SCHEDULED = "scheduled";
  public static final String SKIPPED = "skipped";

  /** Skip reasons. */
  public static final String CANCELLED = "cancelled";
  public static final String ALL_DAY = "all_day";
  public static final String DECLINED = "declined";
  /** No call link of any platform (the name is kept from when only Meet was read). */
  public static final String NO_MEET_LINK = "no_meet_link";
  /** A call on a platform ENABLED_PLATFORMS leaves out. */
  public static final String PLATFORM_NOT_ENABLED = "platform_not_enabled";
  /** A conferencing add-on whose link no bot can join (Webex, GoTo...), and no other call link. */
  public static final String UNSUPPORTED_PLATFORM = "unsupported_platform";
  /** Only a personal Zoom link (zoom.us/my/name): it names no meeting id, so no bot can be sent to it. */
  public static final String ZOOM_PERSONAL_LINK = "zoom_personal_link";
  public static final String NOT_A_MEETING = "not_a_meeting";
  public static final String ENDED = "ended";
  public static final String NO_TIME = "no_time";

  /** Where the link of a scheduled event was found (its reason). */
  public static final String FROM_CONFERENCE_DATA = "conference_data";
  public static final String FROM_HANGOUT_LINK = "hangout_link";
  public static final String FROM_LOCATION = "location";
  public static final String FROM_DESCRIPTION = "description";
  public static final String FROM_SUMMARY = "summary";

  private static final Pattern CODE = Pattern.compile("^[a-z]{3}-[a-z]{4}-[a-z]{3}$");
  private static final Pattern HREF = Pattern.compile("(?i)<a\\s[^>]*?href\\s*=\\s*[\"']([^\"']*)[\"'][^>]*>");
  private static final Pattern TAG = Pattern.compile("<[^>]{0,2000}>");
  private static final Pattern NUMERIC_ENTITY = Pattern.compile("&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});");

  private final PlatformSettings platforms;
  private final MeetingLinks links;

  public MeetDetection(PlatformSettings platforms) {
    this.platforms = platforms;
    this.links = platforms.links();
  }

  /**
   * The outcome for one event.
   *
   * @param decision  {@link #SCHEDULED} or {@link #SKIPPED}
   * @param reason    a skip reason, or where the link was found
   * @param link      the call of a scheduled event (or of one skipped as {@link #PLATFORM_NOT_ENABLED}), else null
   * @param start     null for all-day events and tombstones
   * @param admitters who can let the bot in: the organizer first, then the attendees who accepted (emails)
   * @param people    everyone on the event, whatever their answer: the organizer, then the attendees (emails); the
   *                  meeting is theirs to read
   */
  public record Detection(String decision, String reason, MeetingLink link, Instant start, Instant end, String title,
                          List<String> admitters, List<String> people) {

    public boolean scheduled() {
      return SCHEDULED.equals(decision);
    }

    static Detection skip(String reason, Instant start, Instant end, String title) {
      return new Detection(SKIPPED, reason, null, start, end, title, List.of(), List.of());
    }
  }

  public Detection detect(JsonObject event, Instant now) {
    // A title may hold the call's link, passcode and all (links are read from it): it is kept and shown without one.
    String title = event.getValue("summary") instanceof String s ? MeetingLink.withoutPasscodes(s) : null;
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
    Found found = link(event);
    if (found.link() == null) {
      return Detection.skip(found.reason(), start, end, title);
    }
    if (!platforms.enabled(found.link().platform())) {
      return new Detection(SKIPPED, PLATFORM_NOT_ENABLED, found.link(), start, end, title, List.of(), List.of());
    }
    return new Detection(SCHEDULED, found.reason(), found.link(), start, end, title, people(event, true), people(event, false));
  }

  /** The organizer, then every attendee (who accepted, when {@code acceptedOnly}), rooms and resources left out; each once. */
  static List<String> people(JsonObject event, boolean acceptedOnly) {
    Set<String> emails = new LinkedHashSet<>();
    String organizer = string(object(event, "organizer"), "email");
    if (organizer != null && !Boolean.TRUE.equals(object(event, "organizer").getValue("resource"))) {
      emails.add(organizer.toLowerCase(Locale.ROOT));
    }
    if (event.getValue("attendees") instanceof JsonArray attendees) {
      for (Object entry : attendees) {
        if (entry instanceof JsonObject attendee && (!acceptedOnly || "accepted".equals(attendee.getValue("responseStatus")))
            && !Boolean.TRUE.equals(attendee.getValue("resource")) && string(attendee, "email") != null) {
          emails.add(string(attendee, "email").toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(emails);
  }

  /** The call and where it was found; or no link, and the skip reason. */
  record Found(MeetingLink link, String reason) {
  }

  Found link(JsonObject event) {
    JsonObject conference = object(event, "conferenceData");
    boolean unsupportedAddOn = false;
    if (conference != null) {
      JsonObject key = object(object(conference, "conferenceSolution"), "key");
      String solution = key == null ? null : string(key, "type");
      String id = string(conference, "conferenceId");
      if ("hangoutsMeet".equals(solution) && id != null && CODE.matcher(id.toLowerCase(Locale.ROOT)).matches()) {
        String code = id.toLowerCase(Locale.ROOT);
        return new Found(new MeetingLink(Platform.GOOGLE_MEET, code, "https://meet.google.com/" + code, null), FROM_CONFERENCE_DATA);
      }
      String videoUri = videoEntryPoint(conference);
      MeetingLink fromVideo = videoUri == null ? null : links.parse(videoUri);
      if (fromVideo != null) {
        return new Found(fromVideo, FROM_CONFERENCE_DATA);
      }
      // An add-on's own call on a platform no bot joins: said so unless the event links a call elsewhere.
      unsupportedAddOn = videoUri != null && !"hangoutsMeet".equals(solution);
    }
    MeetingLink fromHangout = links.parse(string(event, "hangoutLink"));
    if (fromHangout != null) {
      return new Found(fromHangout, FROM_HANGOUT_LINK);
    }
    String[][] texts = {{string(event, "location"), FROM_LOCATION}, {string(event, "description"), FROM_DESCRIPTION},
        {string(event, "summary"), FROM_SUMMARY}};
    boolean personalZoom = false;
    for (String[] text : texts) {
      if (text[0] != null && !text[0].isBlank()) {
        String normalized = normalize(text[0]);
        MeetingLink link = links.find(normalized);
        if (link != null) {
          return new Found(link, text[1]);
        }
        personalZoom |= MeetingLinks.hasPersonalZoomLink(normalized);
      }
    }
    return new Found(null, unsupportedAddOn ? UNSUPPORTED_PLATFORM : personalZoom ? ZOOM_PERSONAL_LINK : NO_MEET_LINK);
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

  /** HTML to text with hrefs kept, entities decoded, percent-encoding undone up to three times. */
  static String normalize(String text) {
    String out = HREF.matcher(text).replaceAll(match -> " " + Matcher.quoteReplacement(match.group(1)) + " ");
    out = TAG.matcher(out).replaceAll(" ");
    return MeetingLinks.decoded(decodeEntities(out));
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
