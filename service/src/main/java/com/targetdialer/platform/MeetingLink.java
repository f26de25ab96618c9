package com.targetdialer.platform;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A call a bot can be sent to. {@code (platform, nativeId)} is its identity, derived as Vexa derives it
 * ({@code collector/meeting_link.py}), so two links to one call are one meeting. {@code url} is the link
 * without its passcode: it may be shown and stored in the clear. The passcode is a credential: it is
 * stored encrypted, sent to Vexa, and never logged ({@link #toString()} leaves it out).
 *
 * @param passcode Zoom's {@code pwd}, Teams' {@code p}, or a Jitsi room password; null when the call has none
 */
public record MeetingLink(Platform platform, String nativeId, String url, String passcode) {

  /** A link's pwd/p parameter (also percent-encoded), a JSON or Python {@code passcode} field: their values are masked. */
  private static final Pattern PASSCODE_PARAMETER = Pattern.compile(
      "(?i)((?:[?&]|%3F|%26)(?:pwd|p)(?:=|%3D)|[\"']passcode[\"']\\s*:\\s*[\"'])[^&\\s\"']+");
  private static final Pattern PASSCODE_IN_LINK = Pattern.compile("([?&])(?:pwd|p)=([^&#]*)&?");

  /** {@code platform/nativeId}: how locks and logs name the call. */
  public String key() {
    return key(platform.wire(), nativeId);
  }

  public static String key(String platform, String nativeId) {
    return platform + "/" + nativeId;
  }

  /** The link as the bot should open it: the passcode put back where the platform's own links carry it. */
  public String joinUrl() {
    String parameter = switch (platform) {
      case ZOOM -> "pwd";
      case TEAMS -> "p";
      default -> null;
    };
    if (passcode == null || parameter == null) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + parameter + "=" + URLEncoder.encode(passcode, StandardCharsets.UTF_8);
  }

  /**
   * The text with this call's passcode, and any link's {@code pwd}/{@code p} parameter or {@code passcode}
   * field, masked: for what Vexa answers (its errors may quote the link) before it is logged or stored.
   */
  public String redact(String text) {
    String out = withoutPasscodes(text);
    return passcode == null || passcode.isEmpty() || out == null ? out : out.replace(passcode, "***");
  }

  /** Any link's {@code pwd}/{@code p} parameter, and any JSON {@code passcode} field, masked. */
  public static String withoutPasscodes(String text) {
    return text == null ? null : PASSCODE_PARAMETER.matcher(text).replaceAll("$1***");
  }

  /**
   * A call as stored: a link stored before passcodes were kept apart may still carry one; it is taken out
   * (and used when none was sealed), so the bot never gets two.
   */
  public static MeetingLink stored(Platform platform, String nativeId, String url, String sealedPasscode) {
    if (url == null) {
      return new MeetingLink(platform, nativeId, null, sealedPasscode);
    }
    java.util.regex.Matcher inLink = PASSCODE_IN_LINK.matcher(url);
    String fromLink = inLink.find() && !inLink.group(2).isEmpty() ? inLink.group(2) : null;
    String bare = PASSCODE_IN_LINK.matcher(url).replaceAll("$1").replaceAll("[?&]$", "");
    return new MeetingLink(platform, nativeId, bare, sealedPasscode != null ? sealedPasscode : fromLink);
  }

  public MeetingLink withPasscode(String given) {
    return new MeetingLink(platform, nativeId, url, given);
  }

  @Override
  public String toString() {
    return "MeetingLink[" + key() + (passcode == null ? "" : ", passcode: ***") + "]";
  }
}
