package com.targetdialer.sim.google;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The date and time spellings Calendar uses on the wire. */
final class Times {

  private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
  private static final DateTimeFormatter UPDATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter INSTANCE_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE_SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
  static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private Times() {
  }

  /** {@code 2025-03-19T10:00:00+01:00}, or {@code ...Z} in UTC: how event times are rendered. */
  static String dateTime(ZonedDateTime time) {
    return DATE_TIME.format(time);
  }

  static String dateTime(Instant instant, ZoneId zone) {
    return dateTime(instant.atZone(zone));
  }

  /** {@code 2025-03-10T09:12:44.123Z}: the {@code updated}/{@code created} spelling, always with milliseconds. */
  static String updated(Instant instant) {
    return UPDATED.format(instant);
  }

  /** The part after {@code _} in an instance id: the original start in UTC, or the date for all-day series. */
  static String instanceSuffix(ZonedDateTime originalStart, boolean allDay) {
    return allDay ? DATE_SUFFIX.format(originalStart.toLocalDate()) : INSTANCE_SUFFIX.format(originalStart.toInstant());
  }

  /** Reads an instance-id suffix back; null when it is not one. */
  static Instant parseInstanceSuffix(String suffix, ZoneId zone) {
    try {
      if (suffix.length() == 8) {
        return LocalDate.parse(suffix, DATE_SUFFIX).atStartOfDay(zone).toInstant();
      }
      return LocalDateTime.parse(suffix, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** RFC 3339 with a mandatory offset, as {@code timeMin}/{@code timeMax} require; milliseconds are accepted. */
  static Instant parseQueryTime(String value) {
    return OffsetDateTime.parse(value).toInstant();
  }
}
