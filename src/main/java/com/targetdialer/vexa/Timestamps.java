package com.targetdialer.vexa;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Vexa's times come as ISO strings with {@code Z}, with an offset, or naive (0.10, meaning UTC), in
 * varying precision, or as epoch seconds. All are read into an {@link Instant} at millisecond
 * precision, so the same moment always reads the same way.
 */
public final class Timestamps {

  /** Epoch seconds above this are wall-clock times (0.12); below, seconds from session start (0.10). */
  private static final double EPOCH_THRESHOLD = 1e9;

  private Timestamps() {
  }

  public static Instant parse(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return number.doubleValue() >= EPOCH_THRESHOLD ? Instant.ofEpochMilli(Math.round(number.doubleValue() * 1000)) : null;
    }
    String text = value.toString().trim();
    if (text.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeParseException withoutZone) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
  }

  /** Seconds as a number, whether given as a number or a numeric string; null otherwise. */
  public static Double seconds(Object value) {
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    if (value instanceof String text) {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
