package com.targetdialer.vexa;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
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
  /** Year 5138: anything later is not a time Vexa meant. */
  private static final double MAX_EPOCH_SECONDS = 1e11;

  private Timestamps() {
  }

  public static Instant parse(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return epoch(number.doubleValue());
    }
    String text = value.toString().trim();
    if (text.isEmpty()) {
      return null;
    }
    Instant common = parseCommon(text);
    if (common != null) {
      return common;
    }
    Double number = seconds(text);
    return number != null ? epoch(number) : parseByFormatter(text);
  }

  /** Epoch seconds as an instant; null for seconds from a session's start, or for no number at all. */
  private static Instant epoch(double seconds) {
    return Double.isFinite(seconds) && seconds >= EPOCH_THRESHOLD && seconds < MAX_EPOCH_SECONDS ? Instant.ofEpochMilli(Math.round(seconds * 1000)) : null;
  }

  /** Every ISO shape java.time reads, with an offset or naive (UTC); null when it reads none. */
  static Instant parseByFormatter(String text) {
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

  /**
   * The shape nearly every Vexa time has, {@code 2026-11-26T10:00:00[.fraction][Z|±hh:mm]}, read
   * without a DateTimeFormatter (the slow part of ingest); null for anything else, which the
   * formatter then reads or rejects.
   */
  static Instant parseCommon(String text) {
    int length = text.length();
    if (length < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59) {
      return null;
    }
    int i = 19;
    int millis = 0;
    if (i < length && text.charAt(i) == '.') {
      int first = ++i;
      while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        if (i - first < 3) {
          millis = millis * 10 + (text.charAt(i) - '0');
        }
        i++;
      }
      if (i == first || i - first > 9) {
        return null;
      }
      for (int place = i - first; place < 3; place++) {
        millis *= 10;
      }
    }
    int offsetSeconds;
    if (i == length) {
      offsetSeconds = 0; // naive (Vexa 0.10): UTC
    } else if (text.charAt(i) == 'Z' && i + 1 == length) {
      offsetSeconds = 0;
    } else if ((text.charAt(i) == '+' || text.charAt(i) == '-') && i + 6 == length && text.charAt(i + 3) == ':') {
      int offsetHours = digits(text, i + 1, 2);
      int offsetMinutes = digits(text, i + 4, 2);
      if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > 18 * 60) {
        return null;
      }
      offsetSeconds = (text.charAt(i) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return null;
    }
    if (day > 28 && day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds, millis * 1_000_000L);
  }

  /** The number written by {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
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
