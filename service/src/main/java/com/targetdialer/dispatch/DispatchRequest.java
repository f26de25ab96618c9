package com.targetdialer.dispatch;

import io.vertx.core.json.JsonObject;

import static com.targetdialer.http.JsonFields.text;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request to send a bot: the seed's {@code {"vexa_meeting_id": "abc-defg-hij", "platform": "google_meet"}},
 * or a Meet URL, with an optional scheduled start that names the occurrence.
 */
public record DispatchRequest(String platform, String nativeMeetingId, String meetingUrl, OffsetDateTime scheduledStart, String title) {

  private static final Set<String> PLATFORMS = Set.of("google_meet", "teams", "zoom", "jitsi");
  private static final Pattern MEET_CODE = Pattern.compile("^[a-z]{3}-[a-z]{4}-[a-z]{3}$");
  private static final Pattern UNSAFE_ID = Pattern.compile("[?#&=/\\s\\p{Cntrl}]");

  public static DispatchRequest fromJson(JsonObject body) {
    String platform = text(body, "platform");
    String meetingUrl = text(body, "meeting_url");
    String nativeId = text(body, "vexa_meeting_id");
    if (nativeId == null) {
      nativeId = text(body, "native_meeting_id");
    }
    if (meetingUrl != null) {
      String fromUrl = meetCodeFromUrl(meetingUrl);
      if (platform == null && fromUrl != null) {
        platform = "google_meet";
      }
      if (nativeId == null) {
        nativeId = fromUrl;
      }
    }
    if (platform == null) {
      platform = "google_meet";
    }
    if (!PLATFORMS.contains(platform)) {
      throw new IllegalArgumentException("platform must be one of google_meet, teams, zoom, jitsi; got '" + platform + "'");
    }
    if (nativeId == null) {
      throw new IllegalArgumentException("give vexa_meeting_id (the Meet code, e.g. abc-defg-hij) or a meeting_url");
    }
    if (platform.equals("google_meet")) {
      nativeId = nativeId.toLowerCase();
      if (!MEET_CODE.matcher(nativeId).matches()) {
        throw new IllegalArgumentException("'" + nativeId + "' is not a Google Meet code like abc-defg-hij");
      }
    } else if (nativeId.length() > 255 || UNSAFE_ID.matcher(nativeId).find()) {
      throw new IllegalArgumentException("meeting id must be at most 255 characters without spaces or ? # & = /");
    }
    if ((platform.equals("zoom") || platform.equals("jitsi")) && meetingUrl == null) {
      throw new IllegalArgumentException(platform + " needs a meeting_url");
    }
    return new DispatchRequest(platform, nativeId, meetingUrl, scheduledStart(body), text(body, "title"));
  }

  /** The Meet code of a {@code https://meet.google.com/abc-defg-hij} URL, or null for other URLs. */
  static String meetCodeFromUrl(String url) {
    try {
      URI uri = new URI(url);
      if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("meeting_url must be an https URL");
      }
      if (!uri.getHost().equalsIgnoreCase("meet.google.com") || uri.getPath() == null) {
        return null;
      }
      String code = uri.getPath().replaceFirst("^/", "").toLowerCase();
      return MEET_CODE.matcher(code).matches() ? code : null;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("meeting_url is not a URL: " + e.getReason());
    }
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

  public JsonObject toJson() {
    return new JsonObject()
        .put("platform", platform)
        .put("native_meeting_id", nativeMeetingId)
        .put("meeting_url", meetingUrl)
        .put("scheduled_start", scheduledStart == null ? null : scheduledStart.toString())
        .put("title", title);
  }
}
