package com.targetdialer.config;

import com.targetdialer.calendar.CalendarRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Google Calendar sync: where Google is, how often and how far ahead to look, when to send the bot,
 * the key that encrypts stored credentials, and the calendars connected in the config file.
 *
 * @param encryptionKey   TD_ENCRYPTION_KEY (base64 of 32 bytes), or null: generated into DATA_DIR on the
 *                        embedded single-node default; with DATABASE_URL calendars cannot be connected without it
 * @param push            CALENDAR_PUSH: {@code auto} (push channels when PUBLIC_API_URL is https), {@code on}
 *                        (any PUBLIC_API_URL, for simulators on plain http), {@code off}
 * @param credentialWarnDays  credentials (a user's refresh token) this many days old raise a warning: Google expires
 *                            unused and testing-mode grants, and the user must consent again
 * @param failingAlertSeconds a calendar whose syncs have failed this long (for a reason other than re-authorisation) raises an alert
 * @param staticCalendars the {@code calendars} array of the config file, validated
 */
public record CalendarSettings(
    String calendarBaseUrl,
    String tokenUri,
    String encryptionKey,
    int dispatchLeadSeconds,
    int pollIntervalSeconds,
    int windowHours,
    int syncConcurrency,
    String push,
    int channelTtlSeconds,
    int pushDebounceMs,
    int retryBaseMs,
    int maxAttempts,
    int timeoutMs,
    int credentialWarnDays,
    int failingAlertSeconds,
    List<CalendarRequest> staticCalendars) {

  public static final String KEY_SETTING = "TD_ENCRYPTION_KEY";
  private static final Set<String> PUSH_MODES = Set.of("auto", "on", "off");

  static CalendarSettings read(SettingReader read, List<String> httpSchemes, boolean externalDatabase) {
    String key = read.optionalString(KEY_SETTING);
    if (key != null) {
      checkKey(key);
    }
    String push = read.string("CALENDAR_PUSH").toLowerCase(Locale.ROOT);
    if (!PUSH_MODES.contains(push)) {
      throw new ConfigException("CALENDAR_PUSH", "expected auto, on or off, got '" + push + "'");
    }
    List<CalendarRequest> calendars = staticCalendars(read.array("calendars"));
    if (!calendars.isEmpty() && key == null && externalDatabase) {
      throw new ConfigException(KEY_SETTING, "is required with DATABASE_URL when calendars are connected: "
          + "32 random bytes in base64, e.g. from `openssl rand -base64 32`, the same on every node");
    }
    return new CalendarSettings(
        requiredUrl(read, "GOOGLE_CALENDAR_BASE_URL", httpSchemes),
        requiredUrl(read, "GOOGLE_TOKEN_URI", httpSchemes),
        key,
        read.integer("DISPATCH_LEAD_S", 0, 3_600),
        read.integer("CALENDAR_POLL_INTERVAL_S", 1, 86_400),
        read.integer("CALENDAR_WINDOW_HOURS", 1, 2_160),
        read.integer("CALENDAR_SYNC_CONCURRENCY", 1, 256),
        push,
        read.integer("CALENDAR_CHANNEL_TTL_S", 60, 2_592_000),
        read.integer("CALENDAR_PUSH_DEBOUNCE_MS", 0, 60_000),
        read.integer("CALENDAR_RETRY_BASE_MS", 1, 60_000),
        read.integer("CALENDAR_MAX_ATTEMPTS", 1, 20),
        read.integer("CALENDAR_TIMEOUT_MS", 100, 300_000),
        read.integer("CALENDAR_CREDENTIAL_WARN_DAYS", 1, 3_650),
        read.integer("CALENDAR_FAILING_ALERT_S", 60, 86_400 * 7),
        calendars);
  }

  private static String requiredUrl(SettingReader read, String name, List<String> schemes) {
    String url = read.url(name, schemes);
    if (url == null) {
      throw new ConfigException(name, "is required");
    }
    return url;
  }

  /** The decoded key: 32 bytes from standard or URL-safe base64. */
  public static byte[] decodeKey(String text) {
    checkKey(text);
    return decode(text);
  }

  private static void checkKey(String text) {
    byte[] key;
    try {
      key = decode(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(KEY_SETTING, "not base64: use 32 random bytes in base64, e.g. from `openssl rand -base64 32`");
    }
    if (key.length != 32) {
      throw new ConfigException(KEY_SETTING, "must be 32 bytes in base64 (AES-256), got " + key.length + " bytes");
    }
  }

  private static byte[] decode(String text) {
    String trimmed = text.trim();
    return trimmed.contains("-") || trimmed.contains("_") ? Base64.getUrlDecoder().decode(trimmed) : Base64.getDecoder().decode(trimmed);
  }

  private static List<CalendarRequest> staticCalendars(JsonArray array) {
    List<CalendarRequest> calendars = new ArrayList<>();
    if (array == null) {
      return calendars;
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      Object entry = array.getValue(i);
      if (!(entry instanceof JsonObject object)) {
        throw new ConfigException("calendars", "entry " + i + " is not an object");
      }
      CalendarRequest calendar;
      try {
        calendar = CalendarRequest.fromJson(object);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("calendars", "entry " + i + ": " + e.getMessage());
      }
      if (!ids.add(calendar.id())) {
        throw new ConfigException("calendars", "entry " + i + ": id '" + calendar.id() + "' appears twice");
      }
      calendars.add(calendar);
    }
    return calendars;
  }

  /** Whether events.watch channels are used, given PUBLIC_API_URL. */
  public boolean pushEnabled(String publicApiUrl) {
    if (publicApiUrl == null || push.equals("off")) {
      return false;
    }
    return push.equals("on") || publicApiUrl.toLowerCase(Locale.ROOT).startsWith("https://");
  }
}
