package com.targetdialer.sim.google;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** The parameters of one {@code events.list} call, validated the way Calendar validates them. */
final class EventsQuery {

  static final int DEFAULT_MAX_RESULTS = 250;
  static final int MAX_RESULTS_CAP = 2500;

  // Calendar refuses these next to a syncToken: the delta would not mean anything.
  private static final Set<String> NOT_WITH_SYNC_TOKEN =
      Set.of("iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin");

  Instant timeMin;
  Instant timeMax;
  Instant updatedMin;
  boolean singleEvents;
  boolean showDeleted;
  String orderBy;
  int maxResults = DEFAULT_MAX_RESULTS;
  String pageToken;
  String syncToken;
  String q;
  String iCalUID;
  List<String> eventTypes = List.of();
  /** Every parameter except pageToken: a page token is only good for the exact query that produced it. */
  String fingerprint;

  static EventsQuery parse(MultiMap params) {
    EventsQuery query = new EventsQuery();
    query.timeMin = time(params, "timeMin");
    query.timeMax = time(params, "timeMax");
    query.updatedMin = time(params, "updatedMin");
    if (query.timeMin != null && query.timeMax != null && !query.timeMax.isAfter(query.timeMin)) {
      throw GoogleApiError.badRequest("timeRangeEmpty", "The specified time range is empty.");
    }
    query.singleEvents = bool(params, "singleEvents");
    query.showDeleted = bool(params, "showDeleted");
    query.orderBy = params.get("orderBy");
    if (query.orderBy != null) {
      if (!query.orderBy.equals("startTime") && !query.orderBy.equals("updated")) {
        throw GoogleApiError.badRequest("invalid", "Invalid value for: " + query.orderBy + " is not a valid value");
      }
      if (query.orderBy.equals("startTime") && !query.singleEvents) {
        throw GoogleApiError.badRequest("badRequest", "The requested ordering is not available for the particular query.");
      }
    }
    String maxResults = params.get("maxResults");
    if (maxResults != null) {
      try {
        query.maxResults = Math.min(Integer.parseInt(maxResults), MAX_RESULTS_CAP);
      } catch (NumberFormatException e) {
        query.maxResults = 0;
      }
      if (query.maxResults < 1) {
        throw GoogleApiError.badRequest("invalid", "Invalid value '" + maxResults + "'. Values must be within the range: [1, 2500]");
      }
    }
    query.pageToken = params.get("pageToken");
    query.syncToken = params.get("syncToken");
    query.q = params.get("q");
    query.iCalUID = params.get("iCalUID");
    query.eventTypes = params.getAll("eventTypes");
    if (params.contains("privateExtendedProperty") || params.contains("sharedExtendedProperty")) {
      throw GoogleApiError.badRequest("invalid", "extended property filters are not supported by the simulator");
    }
    if (query.syncToken != null) {
      for (String name : params.names()) {
        if (NOT_WITH_SYNC_TOKEN.contains(name)) {
          throw GoogleApiError.badRequest("syncTokenWithRequestRestrictions", "Sync token cannot be used with other request restrictions.");
        }
      }
      if ("false".equals(params.get("showDeleted"))) {
        throw GoogleApiError.badRequest("syncTokenWithRequestRestrictions",
            "showDeleted=false cannot be used with a sync token: deletions are always included.");
      }
    }
    TreeMap<String, List<String>> rest = new TreeMap<>();
    for (String name : params.names()) {
      if (!name.equals("pageToken")) {
        rest.put(name, params.getAll(name));
      }
    }
    query.fingerprint = Integer.toHexString(rest.toString().hashCode());
    return query;
  }

  private static Instant time(MultiMap params, String name) {
    String value = params.get(name);
    if (value == null) {
      return null;
    }
    try {
      return Times.parseQueryTime(value);
    } catch (DateTimeException e) {
      throw GoogleApiError.badRequest("badRequest", "Bad Request");
    }
  }

  private static boolean bool(MultiMap params, String name) {
    return "true".equalsIgnoreCase(params.get(name));
  }

  boolean overlaps(Instant start, Instant end) {
    // timeMin bounds the end, timeMax the start; both exclusive.
    return (timeMin == null || end.isAfter(timeMin)) && (timeMax == null || start.isBefore(timeMax));
  }

  /** Where a page starts, and the calendar's change counter when the first page was served. */
  record PageCursor(int offset, long snapshotSeq, boolean emptyServed) {

    String encode(String fingerprint) {
      return b64("p1|" + offset + "|" + snapshotSeq + "|" + emptyServed + "|" + fingerprint);
    }

    static PageCursor decode(String token, String fingerprint) {
      String[] parts = unb64(token).split("\\|");
      if (parts.length != 5 || !parts[0].equals("p1") || !parts[4].equals(fingerprint)) {
        throw GoogleApiError.badRequest("invalid", "Invalid Value");
      }
      try {
        return new PageCursor(Integer.parseInt(parts[1]), Long.parseLong(parts[2]), Boolean.parseBoolean(parts[3]));
      } catch (NumberFormatException e) {
        throw GoogleApiError.badRequest("invalid", "Invalid Value");
      }
    }
  }

  /** A sync cursor: which calendar, which token generation, which change counter, which expansion mode. */
  record SyncCursor(String calendarId, long epoch, long seq, boolean singleEvents) {

    String encode() {
      return b64("s1|" + calendarId + "|" + epoch + "|" + seq + "|" + singleEvents);
    }

    /** Null when the token is not one of ours at all. */
    static SyncCursor decode(String token) {
      String[] parts = unb64(token).split("\\|");
      if (parts.length != 5 || !parts[0].equals("s1")) {
        return null;
      }
      try {
        return new SyncCursor(parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]), Boolean.parseBoolean(parts[4]));
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private static String b64(String value) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String value) {
    try {
      return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
