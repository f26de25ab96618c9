package com.targetdialer.sim.google;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One calendar's events and what {@code events.list}/{@code events.get} see of them. Not thread-safe:
 * {@link SimState} guards every call. A list touches only this calendar's events, so cost is per
 * calendar, not per simulator.
 */
final class SimCalendar {

  /** Instances served per series when no timeMax bounds the expansion ("lengthy but not endless"). */
  static final int INSTANCE_CAP = 2500;

  /** A list result before paging: sort keys, and the resource, built only when its page is served. */
  record Entry(Instant start, Instant updated, Supplier<JsonObject> render) {
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();

  final String id;
  final String owner;
  final String resourceId;
  ZoneId zone = ZoneId.of("UTC");
  /** Bumped by every change; sync tokens and page snapshots hold a value of it. */
  long seq;
  /** Bumped to invalidate every sync token issued so far (410 on their next use). */
  long epoch;
  Instant updated;
  final Map<String, StoredEvent> events = new LinkedHashMap<>();

  SimCalendar(String id, String owner, Instant now) {
    this.id = id;
    this.owner = owner;
    this.resourceId = randomId(27);
    this.updated = now;
  }

  static String randomEventId() {
    return randomId(26);
  }

  private static String randomId(int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = BASE32HEX[RANDOM.nextInt(BASE32HEX.length)];
    }
    return new String(chars);
  }

  // ---- writes (control API) ----

  /** Inserts or replaces an event, filling the fields Calendar always returns. */
  JsonObject put(JsonObject event, Instant now, String etag) {
    JsonObject body = event.copy();
    String eventId = body.getString("id");
    if (eventId == null || eventId.isBlank()) {
      eventId = randomEventId();
    } else if (eventId.contains("/")) {
      throw new IllegalArgumentException("event ids cannot contain '/': " + eventId);
    }
    StoredEvent existing = events.get(eventId);
    String status = body.getString("status", "confirmed");
    if (!List.of("confirmed", "tentative", "cancelled").contains(status)) {
      throw new IllegalArgumentException("status must be confirmed, tentative or cancelled: " + status);
    }
    body.put("kind", "calendar#event")
        .put("id", eventId)
        .put("status", status)
        .put("htmlLink", "https://www.google.com/calendar/event?eid=" + java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString((eventId + " " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .put("created", existing != null ? existing.body.getString("created") : Times.updated(now))
        .put("updated", Times.updated(now))
        .put("etag", etag)
        .put("sequence", existing != null ? existing.body.getInteger("sequence", 0) + 1 : body.getInteger("sequence", 0));
    putIfAbsent(body, "iCalUID", eventId + "@google.com");
    putIfAbsent(body, "eventType", "default");
    putIfAbsent(body, "creator", new JsonObject().put("email", owner));
    putIfAbsent(body, "organizer", new JsonObject().put("email", owner));
    putIfAbsent(body, "reminders", new JsonObject().put("useDefault", true));
    JsonArray attendees = body.getJsonArray("attendees");
    if (attendees != null) {
      for (int i = 0; i < attendees.size(); i++) {
        JsonObject attendee = attendees.getJsonObject(i);
        // MeetEvent.selfStatus(..) leaves the email open: it is whoever owns the calendar it lands in.
        if (attendee.getBoolean("self", false) && attendee.getString("email") == null) {
          attendee.put("email", owner);
        }
        putIfAbsent(attendee, "responseStatus", "needsAction");
      }
    }
    StoredEvent stored = StoredEvent.parse(body, zone, seq + 1);
    seq++;
    events.put(eventId, stored);
    updated = now;
    return present(body.copy());
  }

  /**
   * Applies {@code change} to an event, or to one occurrence of a series (creating its exception),
   * then re-validates it. Returns the changed resource.
   */
  JsonObject update(String eventId, Consumer<JsonObject> change, Instant now, String etag) {
    StoredEvent master = events.get(eventId);
    if (master != null) {
      JsonObject body = master.body.copy();
      change.accept(body);
      body.put("updated", Times.updated(now)).put("etag", etag);
      StoredEvent parsed = StoredEvent.parse(body, zone, seq + 1);
      seq++;
      master.body = parsed.body;
      master.timing = parsed.timing;
      if (master.recurrence != null && !sameSchedule(master, parsed)) {
        // The series moved or its rule changed: old exceptions no longer line up with occurrences.
        master.exceptions.clear();
      }
      master.recurrence = parsed.recurrence;
      master.seq = seq;
      updated = now;
      return present(body.copy());
    }
    Occurrence occurrence = occurrence(eventId);
    if (occurrence == null) {
      throw new IllegalArgumentException("no event " + eventId + " in calendar " + id);
    }
    StoredEvent series = occurrence.series;
    JsonObject body = series.currentInstance(occurrence.originalStart);
    change.accept(body);
    body.put("id", eventId).put("recurringEventId", series.id)
        .put("originalStartTime", series.timing.json(occurrence.originalStart))
        .put("updated", Times.updated(now)).put("etag", etag);
    body.remove("recurrence");
    Timing timing = Timing.parse(body.getJsonObject("start"), body.getJsonObject("end"), zone);
    seq++;
    series.exceptions.put(eventId, new StoredEvent.Modified(body, timing, occurrence.originalStart, seq));
    updated = now;
    return present(body.copy());
  }

  private static boolean sameSchedule(StoredEvent before, StoredEvent after) {
    return before.timing.equals(after.timing)
        && before.body.getValue("recurrence", "").equals(after.body.getValue("recurrence", ""));
  }

  /** Removes an event for good: afterwards get answers 404 and no list shows a tombstone. */
  boolean purge(String eventId, Instant now) {
    if (events.remove(eventId) == null) {
      return false;
    }
    seq++;
    updated = now;
    return true;
  }

  // ---- reads ----

  record Occurrence(StoredEvent series, ZonedDateTime originalStart) {
  }

  /** Resolves an instance id {@code <seriesId>_<suffix>} to its series and original start, or null. */
  Occurrence occurrence(String instanceId) {
    int cut = instanceId.lastIndexOf('_');
    if (cut <= 0) {
      return null;
    }
    StoredEvent series = events.get(instanceId.substring(0, cut));
    if (series == null) {
      return null;
    }
    ZonedDateTime originalStart = series.originalStartOf(instanceId);
    return originalStart == null ? null : new Occurrence(series, originalStart);
  }

  /** {@code events.get}: the full resource, cancelled ones included; null when unknown. */
  JsonObject get(String eventId) {
    StoredEvent event = events.get(eventId);
    if (event != null) {
      return present(event.body.copy());
    }
    Occurrence occurrence = occurrence(eventId);
    if (occurrence == null) {
      return null;
    }
    JsonObject instance = occurrence.series.currentInstance(occurrence.originalStart);
    if (occurrence.series.cancelled()) {
      instance.put("status", "cancelled");
    }
    return present(instance);
  }

  /**
   * The full, unpaged result of a list. With {@code since >= 0} it is the delta since that change
   * counter (sync token), deletions included; otherwise the windowed view.
   */
  List<Entry> list(EventsQuery query, long since, Instant horizon) {
    List<Entry> out = new ArrayList<>();
    boolean showDeleted = query.showDeleted || query.updatedMin != null;
    for (StoredEvent event : events.values()) {
      if (!matchesFilters(event.body, query)) {
        continue;
      }
      if (since >= 0) {
        delta(event, query, since, horizon, out);
      } else if (!event.recurring()) {
        if ((!event.cancelled() || showDeleted) && query.overlaps(event.timing.start(), event.timing.end())) {
          out.add(whole(event));
        }
      } else if (!query.singleEvents) {
        masterAndExceptions(event, query, showDeleted, horizon, out);
      } else if (!event.cancelled()) {
        // Instances of a deleted series are not listed; a cancelled master never is with singleEvents.
        instances(event, query, showDeleted, horizon, out);
      }
    }
    if (query.updatedMin != null) {
      out.removeIf(entry -> !entry.updated().isAfter(query.updatedMin));
    }
    if ("startTime".equals(query.orderBy)) {
      out.sort(Comparator.comparing(Entry::start));
    } else if ("updated".equals(query.orderBy)) {
      out.sort(Comparator.comparing(Entry::updated));
    }
    return out;
  }

  private void delta(StoredEvent event, EventsQuery query, long since, Instant horizon, List<Entry> out) {
    if (!event.recurring()) {
      if (event.seq > since) {
        out.add(whole(event));
      }
      return;
    }
    if (!query.singleEvents) {
      if (event.seq > since) {
        out.add(whole(event));
      }
      for (StoredEvent.Modified exception : event.exceptions.values()) {
        if (exception.seq > since) {
          out.add(exceptionEntry(event, exception));
        }
      }
      return;
    }
    if (event.seq > since) {
      // The series itself changed: every occurrence may have, so all of them are in the delta.
      Instant updated = event.updated();
      event.recurrence.expand(event.timing.localStart(), event.timing.zone(), event.timing.length(), null, horizon, INSTANCE_CAP, start -> {
        StoredEvent.Modified exception = event.exceptions.get(event.instanceId(start));
        if (event.cancelled()) {
          out.add(new Entry(start.toInstant(), updated, () -> event.instanceTombstone(start, event.body.getString("etag"))));
        } else if (exception != null) {
          out.add(exceptionEntry(event, exception));
        } else {
          out.add(new Entry(start.toInstant(), updated, () -> present(event.instance(start))));
        }
        return true;
      });
    } else {
      for (StoredEvent.Modified exception : event.exceptions.values()) {
        if (exception.seq > since) {
          out.add(exceptionEntry(event, exception));
        }
      }
    }
  }

  private void masterAndExceptions(StoredEvent event, EventsQuery query, boolean showDeleted, Instant horizon, List<Entry> out) {
    if (event.cancelled()) {
      if (showDeleted && seriesOverlaps(event, query, horizon)) {
        out.add(whole(event));
      }
      return;
    }
    if (seriesOverlaps(event, query, horizon)) {
      out.add(whole(event));
    }
    // Cancelled occurrences of a live series come back even without showDeleted.
    for (StoredEvent.Modified exception : event.exceptions.values()) {
      if (exceptionOverlaps(event, exception, query)) {
        out.add(exceptionEntry(event, exception));
      }
    }
  }

  private void instances(StoredEvent event, EventsQuery query, boolean showDeleted, Instant horizon, List<Entry> out) {
    Instant until = query.timeMax != null ? query.timeMax : horizon;
    Instant updated = event.updated();
    event.recurrence.expand(event.timing.localStart(), event.timing.zone(), event.timing.length(), query.timeMin, until, INSTANCE_CAP, start -> {
      if (!event.exceptions.containsKey(event.instanceId(start))) {
        out.add(new Entry(start.toInstant(), updated, () -> present(event.instance(start))));
      }
      return true;
    });
    // Exceptions are judged by where they are now: a moved occurrence can enter or leave the window.
    for (StoredEvent.Modified exception : event.exceptions.values()) {
      if ((!exception.cancelled() || showDeleted) && exceptionOverlaps(event, exception, query)) {
        out.add(exceptionEntry(event, exception));
      }
    }
  }

  private boolean seriesOverlaps(StoredEvent event, EventsQuery query, Instant horizon) {
    boolean[] found = {false};
    Instant until = query.timeMax != null ? query.timeMax : horizon;
    event.recurrence.expand(event.timing.localStart(), event.timing.zone(), event.timing.length(), query.timeMin, until, 1, start -> {
      found[0] = true;
      return false;
    });
    return found[0];
  }

  private static boolean exceptionOverlaps(StoredEvent event, StoredEvent.Modified exception, EventsQuery query) {
    if (exception.cancelled()) {
      Instant start = exception.originalStart.toInstant();
      return query.overlaps(start, event.timing.endOf(exception.originalStart).toInstant());
    }
    return query.overlaps(exception.timing.start(), exception.timing.end());
  }

  private Entry whole(StoredEvent event) {
    JsonObject body = event.body;
    return new Entry(event.timing.start(), event.updated(), () -> event.cancelled() ? event.tombstone() : present(body.copy()));
  }

  private Entry exceptionEntry(StoredEvent event, StoredEvent.Modified exception) {
    Instant updated = Instant.parse(exception.body.getString("updated"));
    if (exception.cancelled() || event.cancelled()) {
      String etag = exception.body.getString("etag");
      return new Entry(exception.originalStart.toInstant(), updated, () -> event.instanceTombstone(exception.originalStart, etag));
    }
    JsonObject body = exception.body;
    return new Entry(exception.timing.start(), updated, () -> present(body.copy()));
  }

  private static boolean matchesFilters(JsonObject body, EventsQuery query) {
    if (query.iCalUID != null && !query.iCalUID.equals(body.getString("iCalUID"))) {
      return false;
    }
    if (!query.eventTypes.isEmpty() && !query.eventTypes.contains(body.getString("eventType", "default"))) {
      return false;
    }
    if (query.q != null) {
      String needle = query.q.toLowerCase(Locale.ROOT);
      for (String field : List.of("summary", "description", "location")) {
        String text = body.getString(field);
        if (text != null && text.toLowerCase(Locale.ROOT).contains(needle)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  /** Adds the per-reader flags: {@code self} is true on the entries that are this calendar's owner. */
  JsonObject present(JsonObject event) {
    markSelf(event.getJsonObject("organizer"));
    markSelf(event.getJsonObject("creator"));
    JsonArray attendees = event.getJsonArray("attendees");
    if (attendees != null) {
      for (int i = 0; i < attendees.size(); i++) {
        markSelf(attendees.getJsonObject(i));
      }
    }
    return event;
  }

  private void markSelf(JsonObject person) {
    if (person != null && owner.equalsIgnoreCase(person.getString("email", ""))) {
      person.put("self", true);
    }
  }

  private static void putIfAbsent(JsonObject json, String key, Object value) {
    if (!json.containsKey(key)) {
      json.put(key, value);
    }
  }
}
