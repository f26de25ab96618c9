package com.targetdialer.dispatch;

import com.targetdialer.access.Owners;
import com.targetdialer.config.PlatformSettings;
import com.targetdialer.platform.MeetingLink;
import com.targetdialer.platform.MeetingLinks;
import com.targetdialer.platform.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import static com.targetdialer.http.JsonFields.text;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A request to send a bot: a call's {@code meeting_url} (Google Meet, Zoom, Teams or Jitsi; platform, id and
 * passcode derived from it), or the seed's {@code {"vexa_meeting_id": "abc-defg-hij", "platform": "google_meet"}};
 * an optional {@code passcode}, and an optional scheduled start that names the occurrence. Error messages
 * never repeat the URL: it may carry the passcode.
 */
public record DispatchRequest(MeetingLink link, OffsetDateTime scheduledStart, String title, List<String> owners) {

  private static final Pattern MEET_CODE = Pattern.compile("^[a-z]{3}-[a-z]{4}-[a-z]{3}$");
  private static final Pattern UNSAFE_ID = Pattern.compile("[?#&=/\\s\\p{Cntrl}]");

  public static DispatchRequest fromJson(JsonObject body, PlatformSettings platforms) {
    String platformName = text(body, "platform");
    Platform platform = platformName == null ? null : Platform.of(platformName);
    if (platformName != null && platform == null) {
      throw new IllegalArgumentException("platform must be one of " + Platform.names() + "; got '" + platformName + "'");
    }
    String nativeId = text(body, "vexa_meeting_id");
    if (nativeId == null) {
      nativeId = text(body, "native_meeting_id");
    }
    String meetingUrl = text(body, "meeting_url");
    MeetingLink link = meetingUrl != null ? fromUrl(meetingUrl, platform, nativeId, platforms) : fromId(platform, nativeId);
    String passcode = text(body, "passcode");
    if (passcode != null) {
      link = link.withPasscode(passcode);
    }
    if (!platforms.enabled(link.platform())) {
      throw new IllegalArgumentException(link.platform().displayName() + " calls are not enabled on this service (ENABLED_PLATFORMS)");
    }
    return new DispatchRequest(link, scheduledStart(body), MeetingLink.withoutPasscodes(text(body, "title")), owners(body));
  }

  /** {@code owners}: the people (emails) whose meeting this is, beside those of the calendars that hold it. */
  private static List<String> owners(JsonObject body) {
    Object given = body.getValue("owners");
    if (given == null) {
      return List.of();
    }
    if (!(given instanceof JsonArray array) || array.size() > 100) {
      throw new IllegalArgumentException("owners must be an array of at most 100 emails");
    }
    List<String> owners = new ArrayList<>();
    for (Object owner : array) {
      if (!(owner instanceof String email) || !Owners.isEmail(email)) {
        throw new IllegalArgumentException("owners must be emails, like [\"alice@example.com\"]");
      }
      owners.add(Owners.key(email));
    }
    return List.copyOf(owners);
  }

  private static MeetingLink fromUrl(String url, Platform platform, String nativeId, PlatformSettings platforms) {
    try {
      URI uri = new URI(url.trim());
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("meeting_url must be an https URL");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("meeting_url is not a URL (" + e.getReason() + ")");
    }
    MeetingLink link = platforms.links().parse(url);
    if (link == null && MeetingLinks.hasPersonalZoomLink(MeetingLinks.decoded(url))) {
      throw new IllegalArgumentException("meeting_url is a personal Zoom link (/my/...), which names no meeting: Vexa's bot cannot join it;"
          + " give the meeting's own link (/j/<id>)");
    }
    if (link == null) {
      throw new IllegalArgumentException("meeting_url is not a link to a Google Meet, Zoom, Teams or Jitsi call"
          + " (Jitsi hosts other than meet.jit.si must be listed in JITSI_HOSTS)");
    }
    if (platform != null && platform != link.platform()) {
      throw new IllegalArgumentException("platform '" + platform + "' disagrees with meeting_url, which is a " + link.platform() + " link");
    }
    if (nativeId != null && !nativeId.equalsIgnoreCase(link.nativeId())) {
      throw new IllegalArgumentException("native_meeting_id '" + nativeId + "' disagrees with meeting_url, which leads to '" + link.nativeId() + "'");
    }
    return link;
  }

  private static MeetingLink fromId(Platform platform, String nativeId) {
    Platform chosen = platform == null ? Platform.GOOGLE_MEET : platform;
    if (nativeId == null) {
      throw new IllegalArgumentException("give a meeting_url, or vexa_meeting_id (the Meet code, e.g. abc-defg-hij)");
    }
    if (chosen == Platform.GOOGLE_MEET) {
      String code = nativeId.toLowerCase(Locale.ROOT);
      if (!MEET_CODE.matcher(code).matches()) {
        throw new IllegalArgumentException("'" + nativeId + "' is not a Google Meet code like abc-defg-hij");
      }
      return new MeetingLink(chosen, code, "https://meet.google.com/" + code, null);
    }
    if (nativeId.length() > 255 || UNSAFE_ID.matcher(nativeId).find()) {
      throw new IllegalArgumentException("meeting id must be at most 255 characters without spaces or ? # & = / (give a passcode in 'passcode')");
    }
    if (chosen != Platform.TEAMS) {
      throw new IllegalArgumentException(chosen + " needs a meeting_url");
    }
    // Vexa builds a meetup-join link from a thread id itself; a short link's id it would build wrong.
    return new MeetingLink(chosen, nativeId, nativeId.startsWith("19:") ? null : "https://teams.microsoft.com/meet/" + nativeId, null);
  }

  private static OffsetDateTime scheduledStart(JsonObject body) {
    String text = text(body, "scheduled_start");
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("scheduled_start must be an ISO-8601 time with a zone, like 2026-11-26T10:00:00Z");
    }
  }

  /** For the event bus, within this process: the passcode travels apart from the link, as it is stored. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("platform", link.platform().wire())
        .put("native_meeting_id", link.nativeId())
        .put("meeting_url", link.url())
        .put("passcode", link.passcode())
        .put("scheduled_start", scheduledStart == null ? null : scheduledStart.toString())
        .put("title", title)
        .put("owners", new JsonArray(new ArrayList<>(owners)));
  }
}
