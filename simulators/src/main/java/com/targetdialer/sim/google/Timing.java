package com.targetdialer.sim.google;

import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The parsed {@code start}/{@code end} of an event or instance. {@code zone} is the event's
 * {@code start.timeZone}, or the calendar's zone; recurring series expand in it.
 */
record Timing(Instant start, Instant end, ZoneId zone, boolean allDay, LocalDateTime localStart, long days, boolean explicitZone) {

  static Timing parse(JsonObject start, JsonObject end, ZoneId calendarZone) {
    if (start == null || end == null) {
      throw new IllegalArgumentException("an event needs start and end");
    }
    boolean allDay = start.containsKey("date");
    if (allDay != end.containsKey("date")) {
      throw new IllegalArgumentException("start and end must both be dates or both be date-times");
    }
    try {
      String tz = start.getString("timeZone");
      ZoneId zone = tz != null ? ZoneId.of(tz) : calendarZone;
      if (allDay) {
        LocalDate s = LocalDate.parse(start.getString("date"));
        LocalDate e = LocalDate.parse(end.getString("date"));
        if (!e.isAfter(s)) {
          throw new IllegalArgumentException("end.date is exclusive and must be after start.date");
        }
        return new Timing(s.atStartOfDay(zone).toInstant(), e.atStartOfDay(zone).toInstant(), zone, true,
            s.atStartOfDay(), ChronoUnit.DAYS.between(s, e), tz != null);
      }
      ZonedDateTime s = dateTime(start, zone);
      String endTz = end.getString("timeZone");
      ZonedDateTime e = dateTime(end, endTz != null ? ZoneId.of(endTz) : zone);
      if (e.isBefore(s)) {
        throw new IllegalArgumentException("end is before start");
      }
      return new Timing(s.toInstant(), e.toInstant(), zone, false, s.withZoneSameInstant(zone).toLocalDateTime(), 0, tz != null);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("bad event time: " + e.getMessage(), e);
    }
  }

  private static ZonedDateTime dateTime(JsonObject time, ZoneId zone) {
    String value = time.getString("dateTime");
    if (value == null) {
      throw new IllegalArgumentException("start/end need dateTime or date");
    }
    try {
      return OffsetDateTime.parse(value).atZoneSameInstant(zone);
    } catch (DateTimeParseException noOffset) {
      return LocalDateTime.parse(value).atZone(zone);
    }
  }

  Duration length() {
    return Duration.between(start, end);
  }

  /** End of an occurrence starting at {@code start}: whole days for all-day series, else the same length. */
  ZonedDateTime endOf(ZonedDateTime start) {
    return allDay ? start.toLocalDate().plusDays(days).atStartOfDay(zone) : start.plus(length());
  }

  /** An {@code EventDateTime} for a time in this event's zone: {@code {date}} or {@code {dateTime, timeZone}}. */
  JsonObject json(ZonedDateTime time) {
    JsonObject json = allDay
        ? new JsonObject().put("date", time.toLocalDate().toString())
        : new JsonObject().put("dateTime", Times.dateTime(time.withZoneSameInstant(zone)));
    if (!allDay || explicitZone) {
      json.put("timeZone", zone.getId());
    }
    return json;
  }
}
