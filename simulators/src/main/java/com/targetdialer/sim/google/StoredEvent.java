package com.targetdialer.sim.google;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event as the calendar stores it: a single event, or a series master with its exceptions
 * (moved, edited or cancelled occurrences, keyed by instance id). {@code seq} values are the
 * calendar's change counter at the last change, which is what sync tokens compare against.
 */
final class StoredEvent {

  /** An occurrence that differs from the rule: its full resource, and where the rule had put it. */
  static final class Modified {
    JsonObject body;
    Timing timing;
    final ZonedDateTime originalStart;
    long seq;

    Modified(JsonObject body, Timing timing, ZonedDateTime originalStart, long seq) {
      this.body = body;
      this.timing = timing;
      this.originalStart = originalStart;
      this.seq = seq;
    }

    boolean cancelled() {
      return "cancelled".equals(body.getString("status"));
    }
  }

  final String id;
  JsonObject body;
  Timing timing;
  Recurrence recurrence;
  long seq;
  final Map<String, Modified> exceptions = new LinkedHashMap<>();

  private StoredEvent(String id, JsonObject body, Timing timing, Recurrence recurrence, long seq) {
    this.id = id;
    this.body = body;
    this.timing = timing;
    this.recurrence = recurrence;
    this.seq = seq;
  }

  /** Parses and validates a resource; throws {@link IllegalArgumentException} for anything the simulator cannot serve. */
  static StoredEvent parse(JsonObject body, ZoneId calendarZone, long seq) {
    Timing timing = Timing.parse(body.getJsonObject("start"), body.getJsonObject("end"), calendarZone);
    return new StoredEvent(body.getString("id"), body, timing, recurrence(body, timing), seq);
  }

  private static Recurrence recurrence(JsonObject body, Timing timing) {
    JsonArray lines = body.getJsonArray("recurrence");
    if (lines == null || lines.isEmpty()) {
      return null;
    }
    if (!timing.allDay() && !timing.explicitZone()) {
      throw new IllegalArgumentException("start.timeZone is required for recurring events");
    }
    List<String> rules = new ArrayList<>();
    for (Object line : lines) {
      rules.add(String.valueOf(line));
    }
    return Recurrence.parse(rules, timing.localStart(), timing.zone());
  }

  boolean recurring() {
    return recurrence != null;
  }

  boolean cancelled() {
    return "cancelled".equals(body.getString("status"));
  }

  Instant updated() {
    return Instant.parse(body.getString("updated"));
  }

  String instanceId(ZonedDateTime originalStart) {
    return id + "_" + Times.instanceSuffix(originalStart, timing.allDay());
  }

  /** The original start of {@code instanceId} when it names an occurrence of this series, else null. */
  ZonedDateTime originalStartOf(String instanceId) {
    if (!recurring() || !instanceId.startsWith(id + "_")) {
      return null;
    }
    Instant at = Times.parseInstanceSuffix(instanceId.substring(id.length() + 1), timing.zone());
    if (at == null || !recurrence.occursAt(timing.localStart(), timing.zone(), timing.length(), at)) {
      return null;
    }
    return at.atZone(timing.zone());
  }

  /** The occurrence as the rule places it, before any exception. */
  JsonObject instance(ZonedDateTime originalStart) {
    JsonObject instance = body.copy();
    instance.remove("recurrence");
    instance.put("id", instanceId(originalStart))
        .put("recurringEventId", id)
        .put("originalStartTime", timing.json(originalStart))
        .put("start", timing.json(originalStart))
        .put("end", timing.json(timing.endOf(originalStart)));
    return instance;
  }

  /** The occurrence as it is now: its exception if it has one. */
  JsonObject currentInstance(ZonedDateTime originalStart) {
    Modified exception = exceptions.get(instanceId(originalStart));
    return exception != null ? exception.body.copy() : instance(originalStart);
  }

  /** What {@code list} returns for a deleted event: only {@code id} is guaranteed. */
  JsonObject tombstone() {
    return new JsonObject().put("kind", "calendar#event").put("etag", body.getString("etag"))
        .put("id", id).put("status", "cancelled");
  }

  /** What {@code list} returns for a cancelled occurrence: {@code id}, {@code recurringEventId}, {@code originalStartTime}. */
  JsonObject instanceTombstone(ZonedDateTime originalStart, String etag) {
    return new JsonObject().put("kind", "calendar#event").put("etag", etag)
        .put("id", instanceId(originalStart)).put("status", "cancelled")
        .put("recurringEventId", id).put("originalStartTime", timing.json(originalStart));
  }
}
