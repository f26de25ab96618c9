package com.targetdialer.sim.google;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Builds event resources the way Calendar returns them for a Google Meet meeting: {@code hangoutLink},
 * {@code conferenceData} with a {@code hangoutsMeet} solution, attendees, an optional weekly series.
 * {@link #json()} is what {@link GoogleCalendarSimulator#putEvent} takes.
 *
 * <pre>{@code
 * sim.putEvent("alice@example.com", MeetEvent.meet("abc-defg-hij", start, end)
 *     .summary("Standup").selfStatus("accepted").attendee("bob@example.com", "needsAction").weekly().json());
 * }</pre>
 */
public final class MeetEvent {

  public static final Pattern MEET_CODE = Pattern.compile("[a-z]{3}-[a-z]{4}-[a-z]{3}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String MEET_ICON =
      "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png";

  private final JsonObject event = new JsonObject();
  private final boolean allDay;
  private ZoneId zone = ZoneId.of("UTC");
  private Instant start;
  private Instant end;
  private LocalDate startDate;
  private LocalDate endDate;

  private MeetEvent(boolean allDay) {
    this.allDay = allDay;
  }

  /** A timed meeting with Meet conferencing on {@code meetCode} ({@code xxx-xxxx-xxx}). */
  public static MeetEvent meet(String meetCode, Instant start, Instant end) {
    MeetEvent builder = timed(start, end);
    builder.meetCode(meetCode);
    return builder;
  }

  /** A timed event without conferencing (add a link to location or description yourself). */
  public static MeetEvent timed(Instant start, Instant end) {
    MeetEvent builder = new MeetEvent(false);
    builder.start = start;
    builder.end = end;
    return builder;
  }

  /** An all-day event; {@code endExclusive} is the day after the last day, as in Calendar. */
  public static MeetEvent allDay(LocalDate start, LocalDate endExclusive) {
    MeetEvent builder = new MeetEvent(true);
    builder.startDate = start;
    builder.endDate = endExclusive;
    return builder;
  }

  public static String randomMeetCode() {
    StringBuilder code = new StringBuilder();
    for (int part : new int[] {3, 4, 3}) {
      if (code.length() > 0) {
        code.append('-');
      }
      for (int i = 0; i < part; i++) {
        code.append((char) ('a' + RANDOM.nextInt(26)));
      }
    }
    return code.toString();
  }

  /** The {@code conferenceData} Calendar attaches to a Meet meeting. */
  public static JsonObject conferenceData(String meetCode) {
    requireCode(meetCode);
    String pin = Long.toString(1_000_000_000_000L + RANDOM.nextInt(1_000_000_000));
    return new JsonObject()
        .put("entryPoints", new JsonArray()
            .add(new JsonObject().put("entryPointType", "video").put("uri", "https://meet.google.com/" + meetCode)
                .put("label", "meet.google.com/" + meetCode))
            .add(new JsonObject().put("entryPointType", "more").put("uri", "https://tel.meet/" + meetCode + "?pin=" + pin)
                .put("pin", pin)))
        .put("conferenceSolution", new JsonObject()
            .put("key", new JsonObject().put("type", "hangoutsMeet"))
            .put("name", "Google Meet")
            .put("iconUri", MEET_ICON))
        .put("conferenceId", meetCode);
  }

  private static void requireCode(String meetCode) {
    if (meetCode == null || !MEET_CODE.matcher(meetCode).matches()) {
      throw new IllegalArgumentException("a Meet code looks like abc-defg-hij, got " + meetCode);
    }
  }

  public MeetEvent id(String id) {
    event.put("id", id);
    return this;
  }

  public MeetEvent meetCode(String meetCode) {
    requireCode(meetCode);
    event.put("hangoutLink", "https://meet.google.com/" + meetCode).put("conferenceData", conferenceData(meetCode));
    return this;
  }

  public MeetEvent summary(String summary) {
    event.put("summary", summary);
    return this;
  }

  public MeetEvent description(String description) {
    event.put("description", description);
    return this;
  }

  public MeetEvent location(String location) {
    event.put("location", location);
    return this;
  }

  /** The zone {@code start}/{@code end} are written in, and a series expands in (default UTC). */
  public MeetEvent timeZone(String zoneId) {
    this.zone = ZoneId.of(zoneId);
    return this;
  }

  public MeetEvent status(String status) {
    event.put("status", status);
    return this;
  }

  /** Defaults to the owner of the calendar the event is put into. */
  public MeetEvent organizer(String email) {
    event.put("organizer", new JsonObject().put("email", email));
    return this;
  }

  public MeetEvent attendee(String email, String responseStatus) {
    attendees().add(new JsonObject().put("email", email).put("responseStatus", responseStatus));
    return this;
  }

  /** The calendar owner's own attendee entry (its email is filled in by the calendar it is put into). */
  public MeetEvent selfStatus(String responseStatus) {
    attendees().add(new JsonObject().put("self", true).put("responseStatus", responseStatus));
    return this;
  }

  /** A weekly series on the start's weekday, without end. */
  public MeetEvent weekly() {
    return recurrence("RRULE:FREQ=WEEKLY");
  }

  /** A weekly series of {@code count} occurrences. */
  public MeetEvent weekly(int count) {
    return recurrence("RRULE:FREQ=WEEKLY;COUNT=" + count);
  }

  /** A weekly series on several weekdays, without end. */
  public MeetEvent weeklyOn(DayOfWeek... days) {
    StringBuilder byDay = new StringBuilder();
    for (DayOfWeek day : days) {
      byDay.append(byDay.length() > 0 ? "," : "").append(day.name().substring(0, 2).toUpperCase(Locale.ROOT));
    }
    return recurrence("RRULE:FREQ=WEEKLY;BYDAY=" + byDay);
  }

  /** Raw RFC 5545 lines ({@code RRULE:...}, {@code EXDATE...}). */
  public MeetEvent recurrence(String... lines) {
    event.put("recurrence", new JsonArray(java.util.List.of((Object[]) lines)));
    return this;
  }

  /** Any other field, for example {@code eventType} or {@code transparency}. */
  public MeetEvent with(String field, Object value) {
    event.put(field, value);
    return this;
  }

  public JsonObject json() {
    JsonObject json = event.copy();
    if (allDay) {
      json.put("start", new JsonObject().put("date", startDate.toString()))
          .put("end", new JsonObject().put("date", endDate.toString()));
    } else {
      json.put("start", new JsonObject().put("dateTime", Times.dateTime(start, zone)).put("timeZone", zone.getId()))
          .put("end", new JsonObject().put("dateTime", Times.dateTime(end, zone)).put("timeZone", zone.getId()));
    }
    return json;
  }

  private JsonArray attendees() {
    JsonArray attendees = event.getJsonArray("attendees");
    if (attendees == null) {
      attendees = new JsonArray();
      event.put("attendees", attendees);
    }
    return attendees;
  }
}
