package com.targetdialer.sim.google;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The subset of RFC 5545 that calendar series use in practice: {@code RRULE} with FREQ
 * DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, COUNT, UNTIL and (weekly) BYDAY, plus {@code EXDATE}.
 * Anything else is rejected when the event is stored, so a test never gets a silently wrong expansion.
 * Occurrences are computed in local time of the event's zone, so a 10:00 meeting stays at 10:00 across DST.
 */
final class Recurrence {

  private enum Freq { DAILY, WEEKLY, MONTHLY, YEARLY }

  /** Guards against rules that never reach the window (for example UNTIL in the far future, tiny windows). */
  private static final int MAX_PERIODS = 20_000;
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");

  private final Freq freq;
  private final int interval;
  private final Integer count;
  private final Instant untilInstant;
  private final LocalDate untilDate;
  private final List<DayOfWeek> byDay;
  private final Set<LocalDateTime> exLocal = new HashSet<>();
  private final Set<LocalDate> exDates = new HashSet<>();

  private Recurrence(Freq freq, int interval, Integer count, Instant untilInstant, LocalDate untilDate, List<DayOfWeek> byDay) {
    this.freq = freq;
    this.interval = interval;
    this.count = count;
    this.untilInstant = untilInstant;
    this.untilDate = untilDate;
    this.byDay = byDay;
  }

  /** Parses the {@code recurrence} lines of a series whose first occurrence starts at {@code first} in {@code zone}. */
  static Recurrence parse(List<String> lines, LocalDateTime first, ZoneId zone) {
    Recurrence rule = null;
    List<String> exdates = new ArrayList<>();
    for (String line : lines) {
      String upper = line.trim();
      if (upper.startsWith("RRULE:")) {
        if (rule != null) {
          throw new IllegalArgumentException("only one RRULE per series is supported");
        }
        rule = parseRule(upper.substring(6), first, zone);
      } else if (upper.startsWith("EXDATE")) {
        exdates.add(upper);
      } else {
        throw new IllegalArgumentException("unsupported recurrence line: " + line);
      }
    }
    if (rule == null) {
      throw new IllegalArgumentException("recurrence needs an RRULE line");
    }
    for (String exdate : exdates) {
      rule.addExdate(exdate, first, zone);
    }
    return rule;
  }

  private static Recurrence parseRule(String spec, LocalDateTime first, ZoneId zone) {
    Freq freq = null;
    int interval = 1;
    Integer count = null;
    Instant untilInstant = null;
    LocalDate untilDate = null;
    List<DayOfWeek> byDay = null;
    for (String part : spec.split(";")) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("bad RRULE part: " + part);
      }
      String value = kv[1];
      switch (kv[0].toUpperCase(Locale.ROOT)) {
        case "FREQ" -> freq = Freq.valueOf(value.toUpperCase(Locale.ROOT));
        case "INTERVAL" -> interval = Integer.parseInt(value);
        case "COUNT" -> count = Integer.parseInt(value);
        case "UNTIL" -> {
          if (value.length() == 8) {
            untilDate = LocalDate.parse(value, DATE);
          } else if (value.endsWith("Z")) {
            untilInstant = LocalDateTime.parse(value.substring(0, value.length() - 1), LOCAL).toInstant(ZoneOffset.UTC);
          } else {
            untilInstant = LocalDateTime.parse(value, LOCAL).atZone(zone).toInstant();
          }
        }
        case "BYDAY" -> byDay = parseDays(value);
        case "WKST" -> {
          if (!"MO".equalsIgnoreCase(value)) {
            throw new IllegalArgumentException("only WKST=MO is supported");
          }
        }
        default -> throw new IllegalArgumentException("unsupported RRULE part: " + part);
      }
    }
    if (freq == null) {
      throw new IllegalArgumentException("RRULE without FREQ");
    }
    if (interval < 1 || (count != null && count < 1)) {
      throw new IllegalArgumentException("RRULE INTERVAL and COUNT must be positive");
    }
    if (byDay != null && freq != Freq.WEEKLY) {
      throw new IllegalArgumentException("BYDAY is only supported with FREQ=WEEKLY");
    }
    if (freq == Freq.WEEKLY && byDay == null) {
      byDay = List.of(first.getDayOfWeek());
    }
    return new Recurrence(freq, interval, count, untilInstant, untilDate, byDay);
  }

  private static List<DayOfWeek> parseDays(String value) {
    EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String day : value.split(",")) {
      days.add(switch (day.trim().toUpperCase(Locale.ROOT)) {
        case "MO" -> DayOfWeek.MONDAY;
        case "TU" -> DayOfWeek.TUESDAY;
        case "WE" -> DayOfWeek.WEDNESDAY;
        case "TH" -> DayOfWeek.THURSDAY;
        case "FR" -> DayOfWeek.FRIDAY;
        case "SA" -> DayOfWeek.SATURDAY;
        case "SU" -> DayOfWeek.SUNDAY;
        default -> throw new IllegalArgumentException("unsupported BYDAY value: " + day);
      });
    }
    return new ArrayList<>(days);
  }

  // EXDATE;TZID=Europe/Berlin:20250319T100000,...  EXDATE:20250319T090000Z  EXDATE;VALUE=DATE:20250319
  private void addExdate(String line, LocalDateTime first, ZoneId zone) {
    int colon = line.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("bad EXDATE line: " + line);
    }
    ZoneId tz = zone;
    for (String param : line.substring(0, colon).split(";")) {
      if (param.toUpperCase(Locale.ROOT).startsWith("TZID=")) {
        tz = ZoneId.of(param.substring(5));
      }
    }
    for (String value : line.substring(colon + 1).split(",")) {
      String v = value.trim();
      if (v.length() == 8) {
        exDates.add(LocalDate.parse(v, DATE));
      } else if (v.endsWith("Z")) {
        Instant at = LocalDateTime.parse(v.substring(0, v.length() - 1), LOCAL).toInstant(ZoneOffset.UTC);
        exLocal.add(LocalDateTime.ofInstant(at, zone));
      } else {
        exLocal.add(LocalDateTime.parse(v, LOCAL).atZone(tz).withZoneSameInstant(zone).toLocalDateTime());
      }
    }
  }

  /**
   * Walks the original starts, in order, whose occurrence overlaps {@code (from, to)}: start before
   * {@code to} and start + length after {@code from} ({@code from} may be null: no lower bound).
   * The visitor returns false to stop early. At most {@code cap} occurrences are visited.
   */
  void expand(LocalDateTime first, ZoneId zone, Duration length, Instant from, Instant to, int cap, Predicate<ZonedDateTime> visitor) {
    long period = 0;
    // Without COUNT the occurrences before the window need not be counted: jump close to it.
    if (count == null && from != null && (freq == Freq.DAILY || freq == Freq.WEEKLY)) {
      LocalDate fromDate = LocalDateTime.ofInstant(from.minus(length), zone).toLocalDate();
      LocalDate anchor = freq == Freq.DAILY ? first.toLocalDate() : weekStart(first.toLocalDate());
      long periodDays = (freq == Freq.DAILY ? 1L : 7L) * interval;
      period = Math.max(0, ChronoUnit.DAYS.between(anchor, fromDate) / periodDays - 1);
    }
    int counted = 0;
    int visited = 0;
    for (long p = period; p < period + MAX_PERIODS; p++) {
      for (LocalDateTime candidate : candidates(first, p)) {
        if (candidate.isBefore(first)) {
          continue;
        }
        counted++;
        if (count != null && counted > count) {
          return;
        }
        ZonedDateTime start = candidate.atZone(zone);
        Instant at = start.toInstant();
        if ((untilInstant != null && at.isAfter(untilInstant)) || (untilDate != null && candidate.toLocalDate().isAfter(untilDate))) {
          return;
        }
        if (!at.isBefore(to)) {
          return;
        }
        if (exLocal.contains(candidate) || exDates.contains(candidate.toLocalDate())) {
          continue;
        }
        if (from == null || at.plus(length).isAfter(from)) {
          if (!visitor.test(start) || ++visited >= cap) {
            return;
          }
        }
      }
    }
  }

  /** True when {@code originalStart} is an occurrence of this series. */
  boolean occursAt(LocalDateTime first, ZoneId zone, Duration length, Instant originalStart) {
    boolean[] found = {false};
    // The lower bound makes the first visited occurrence the first one starting at or after originalStart.
    expand(first, zone, length, originalStart.plus(length).minusMillis(1), originalStart.plusMillis(1), 1, start -> {
      found[0] = start.toInstant().equals(originalStart);
      return false;
    });
    return found[0];
  }

  private List<LocalDateTime> candidates(LocalDateTime first, long p) {
    long step = p * interval;
    return switch (freq) {
      case DAILY -> List.of(first.plusDays(step));
      case WEEKLY -> {
        LocalDate week = weekStart(first.toLocalDate()).plusWeeks(step);
        TreeSet<LocalDateTime> days = new TreeSet<>();
        for (DayOfWeek day : byDay) {
          days.add(week.plusDays(day.getValue() - 1L).atTime(first.toLocalTime()));
        }
        yield new ArrayList<>(days);
      }
      // Months or years without that day (the 31st, 29 February) have no occurrence, as in RFC 5545.
      case MONTHLY -> {
        LocalDateTime next = first.plusMonths(step);
        yield next.getDayOfMonth() == first.getDayOfMonth() ? List.of(next) : List.of();
      }
      case YEARLY -> {
        LocalDateTime next = first.plusYears(step);
        yield next.getDayOfMonth() == first.getDayOfMonth() ? List.of(next) : List.of();
      }
    };
  }

  private static LocalDate weekStart(LocalDate date) {
    return date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }
}
