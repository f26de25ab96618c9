package com.targetdialer.calendar;

import com.targetdialer.meeting.MeetingStatus;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.calendar.MeetDetection.Detection;
import com.targetdialer.platform.MeetingLink;
import com.targetdialer.store.CredentialCipher;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reconciles one calendar's window with the database: a decision with its reason for every event
 * ({@code td_calendar_events}), one {@code td_meetings} row per occurrence (call + start) shared by
 * every calendar that holds it, moves and cancellations applied only while no bot was sent.
 *
 * <p>Events that did not change since the last sync cost no write. Everything else is written in one
 * transaction per calendar with batched statements, under advisory locks on the calls involved
 * (the key ad-hoc dispatches use too), so two calendars sharing a meeting take turns.
 */
final class CalendarSync {

  /** A calendar this node has claimed for one sync. */
  /** @param owner whose meetings the calendar holds (an email), or null when that is not known */
  record Claimed(String id, String calendarId, String credentialsType, byte[] credentialsEnc, int failureCount, String owner,
                 OffsetDateTime claimedAt) {

    static Claimed from(Row row) {
      return new Claimed(row.getString("id"), row.getString("calendar_id"), row.getString("credentials_type"),
          row.getBuffer("credentials_enc").getBytes(), row.getInteger("failure_count"), row.getString("owner"),
          row.getOffsetDateTime("claimed_at"));
    }
  }

  /** What the sync changed, and the scheduled meetings with their dispatch times. */
  record Outcome(int events, int written, Map<Long, Instant> scheduled, Map<Long, BotStatus> changedMeetings) {
  }

  private final Pool pg;
  private final GoogleCalendarClient google;
  private final long leadSeconds;
  private final MeetDetection detection;
  private final CredentialCipher cipher;

  /** @param cipher seals the calls' passcodes, as it seals the calendars' credentials */
  CalendarSync(Pool pg, GoogleCalendarClient google, int leadSeconds, MeetDetection detection, CredentialCipher cipher) {
    this.pg = pg;
    this.google = google;
    this.leadSeconds = leadSeconds;
    this.detection = detection;
    this.cipher = cipher;
  }

  /**
   * @param items every event of the window, all pages
   */
  Future<Outcome> reconcile(Claimed calendar, GoogleCalendarClient.Tokens tokens, List<JsonObject> items, Instant now,
                            Instant timeMin, Instant timeMax) {
    return pg.preparedQuery(CalendarSql.LOAD_KNOWN).execute(Tuple.of(calendar.id())).compose(rows -> {
      Map<String, SyncPlan.Known> known = new HashMap<>();
      rows.forEach(row -> known.put(row.getString("event_id"), known(row)));
      Map<String, SyncPlan.Seen> seen = new LinkedHashMap<>();
      for (JsonObject item : items) {
        if (item.getValue("id") instanceof String id) {
          seen.put(id, new SyncPlan.Seen(detection.detect(item, now), updated(item)));
        }
      }
      // A scheduled event of the window that the list no longer returns: ask for it (404 = deleted).
      List<SyncPlan.Known> missing = known.values().stream()
          .filter(k -> MeetDetection.SCHEDULED.equals(k.decision()) && !seen.containsKey(k.eventId()))
          .filter(k -> k.startsAt() != null && k.startsAt().isBefore(timeMax) && (k.endsAt() == null || k.endsAt().isAfter(timeMin)))
          .toList();
      return lookUp(calendar, tokens, missing, now, seen).compose(ignored -> apply(calendar, known, seen, now));
    });
  }

  private Future<Void> lookUp(Claimed calendar, GoogleCalendarClient.Tokens tokens, List<SyncPlan.Known> missing, Instant now,
                              Map<String, SyncPlan.Seen> seen) {
    Future<Void> chain = Future.succeededFuture();
    for (SyncPlan.Known k : missing) {
      chain = chain.compose(ignored -> google.getEvent(tokens, calendar.calendarId(), k.eventId()).map(event -> {
        Detection detected = event == null
            ? new Detection(MeetDetection.SKIPPED, MeetDetection.CANCELLED, null, k.startsAt(), k.endsAt(), k.summary(), List.of(), List.of())
            : detection.detect(event, now);
        seen.put(k.eventId(), new SyncPlan.Seen(detected, event == null ? k.updated() : updated(event)));
        return null;
      }));
    }
    return chain;
  }

  private Future<Outcome> apply(Claimed calendar, Map<String, SyncPlan.Known> known, Map<String, SyncPlan.Seen> seen, Instant now) {
    SyncPlan plan = SyncPlan.of(seen, known, leadSeconds);
    if (!plan.writes()) {
      return Future.succeededFuture(new Outcome(seen.size(), 0, plan.scheduled, plan.changed));
    }
    return pg.withTransaction(connection -> lock(connection, plan)
            .compose(ignored -> moves(connection, calendar, plan))
            .compose(ignored -> upserts(connection, calendar, plan))
            .compose(ignored -> writeRows(connection, calendar, plan))
            .compose(ignored -> writeOwners(connection, calendar, plan))
            .compose(ignored -> cancel(connection, calendar, plan))
            .compose(ignored -> appendLog(connection, plan)))
        .map(ignored -> new Outcome(seen.size(), plan.rows.size(), plan.scheduled, plan.changed));
  }

  private Future<Void> lock(SqlConnection connection, SyncPlan plan) {
    if (plan.links.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] links = plan.links.toArray(new String[0]);
    return connection.preparedQuery(CalendarSql.LOCK_LINKS).execute(Tuple.tuple().addValue(links)).mapEmpty();
  }

  /** Each move in turn; one that cannot take its row along gets (or joins) the row at its new time instead. */
  private Future<Void> moves(SqlConnection connection, Claimed calendar, SyncPlan plan) {
    Future<Void> chain = Future.succeededFuture();
    for (SyncPlan.Move move : plan.moves) {
      SyncPlan.Occurrence to = move.to();
      MeetingLink link = to.link();
      chain = chain.compose(ignored -> MeetingStatus.moveOccurrence(connection, move.fromMeeting(), link.platform().wire(), link.nativeId(),
              link.url(), sealedPasscode(link), utc(to.key().start()), utc(to.end()), to.title(), utc(to.dispatchAt()), calendar.id())
          .map(rows -> {
            if (rows.size() == 1) {
              plan.upserts.remove(to.key());
              for (SyncPlan.EventRow row : plan.rows) {
                if (to.key().equals(row.key)) {
                  row.meetingId = move.fromMeeting();
                  row.key = null;
                }
              }
              plan.scheduled.put(move.fromMeeting(), to.dispatchAt());
              plan.changed.put(move.fromMeeting(), BotStatus.SCHEDULED);
              plan.log(move.fromMeeting(), "calendar_moved", new JsonObject()
                  .put("calendar", calendar.id()).put("event_id", move.eventId())
                  .put("from_start", move.fromStart().toString()).put("to_start", to.key().start().toString())
                  .put("from_link", move.fromLink()).put("to_link", to.key().link())
                  .put("dispatch_at", to.dispatchAt().toString()));
            } else {
              plan.upsert(to);
              plan.cancelChecks.add(move.fromMeeting());
              plan.cancelCauses.put(move.fromMeeting(), new SyncPlan.CancelCause(move.eventId(), "moved"));
            }
            return null;
          }));
    }
    return chain;
  }

  private Future<Void> upserts(SqlConnection connection, Claimed calendar, SyncPlan plan) {
    if (plan.upserts.isEmpty()) {
      return Future.succeededFuture();
    }
    List<SyncPlan.Occurrence> batch = plan.upserts.values().stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    int n = batch.size();
    String[] platforms = new String[n];
    String[] nativeIds = new String[n];
    String[] urls = new String[n];
    Buffer[] passcodes = new Buffer[n];
    String[] titles = new String[n];
    OffsetDateTime[] starts = new OffsetDateTime[n];
    OffsetDateTime[] ends = new OffsetDateTime[n];
    OffsetDateTime[] dispatch = new OffsetDateTime[n];
    JsonArray[] admitters = new JsonArray[n];
    for (int i = 0; i < n; i++) {
      SyncPlan.Occurrence o = batch.get(i);
      admitters[i] = new JsonArray(new ArrayList<>(o.admitters()));
      platforms[i] = o.link().platform().wire();
      nativeIds[i] = o.link().nativeId();
      urls[i] = o.link().url();
      byte[] sealed = sealedPasscode(o.link());
      passcodes[i] = sealed == null ? null : Buffer.buffer(sealed);
      titles[i] = o.title();
      starts[i] = utc(o.key().start());
      ends[i] = utc(o.end());
      dispatch[i] = utc(o.dispatchAt());
    }
    return MeetingStatus.upsertOccurrences(connection, platforms, nativeIds, urls, passcodes, titles, starts, ends, dispatch, admitters)
        .map(rows -> {
          Map<SyncPlan.Key, Long> ids = new HashMap<>();
          for (Row row : rows) {
            long id = row.getLong("id");
            SyncPlan.Key key = new SyncPlan.Key(MeetingLink.key(row.getString("platform"), row.getString("native_meeting_id")),
                instant(row, "scheduled_start"));
            ids.put(key, id);
            BotStatus status = BotStatus.of(row.getString("bot_status"));
            if (status == BotStatus.SCHEDULED) {
              plan.scheduled.put(id, instant(row, "dispatch_at"));
            }
            if (Boolean.TRUE.equals(row.getBoolean("inserted"))) {
              plan.changed.put(id, status);
              SyncPlan.Occurrence o = plan.upserts.get(key);
              plan.log(id, "calendar_scheduled", new JsonObject().put("calendar", calendar.id())
                  .put("dispatch_at", o == null ? null : o.dispatchAt().toString()));
            }
          }
          for (SyncPlan.EventRow row : plan.rows) {
            if (row.key != null) {
              row.meetingId = ids.get(row.key);
            }
          }
          return null;
        });
  }

  private Future<Void> writeRows(SqlConnection connection, Claimed calendar, SyncPlan plan) {
    if (plan.rows.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = plan.rows.size();
    String[] ids = new String[n];
    Long[] meetings = new Long[n];
    String[] decisions = new String[n];
    String[] reasons = new String[n];
    String[] platforms = new String[n];
    String[] nativeIds = new String[n];
    String[] summaries = new String[n];
    OffsetDateTime[] starts = new OffsetDateTime[n];
    OffsetDateTime[] ends = new OffsetDateTime[n];
    OffsetDateTime[] updated = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      SyncPlan.EventRow row = plan.rows.get(i);
      ids[i] = row.eventId;
      meetings[i] = row.meetingId;
      decisions[i] = row.detection.decision();
      reasons[i] = row.reason;
      MeetingLink link = row.detection.link();
      platforms[i] = link == null ? null : link.platform().wire();
      nativeIds[i] = link == null ? null : link.nativeId();
      summaries[i] = row.detection.title();
      starts[i] = utc(row.detection.start());
      ends[i] = utc(row.detection.end());
      updated[i] = utc(row.updated);
    }
    return connection.preparedQuery(CalendarSql.UPSERT_EVENTS).execute(Tuple.tuple().addValue(calendar.id())
            .addValue(ids).addValue(meetings).addValue(decisions).addValue(reasons).addValue(platforms).addValue(nativeIds).addValue(summaries)
            .addValue(starts).addValue(ends).addValue(updated))
        .mapEmpty();
  }

  /**
   * Whose meetings these are: the calendar's owner and everyone on each event it schedules, rewritten with
   * the event (someone taken off the invitation no longer reads the meeting; an event no longer scheduled
   * no longer gives the meeting to anyone through this calendar).
   */
  private Future<Void> writeOwners(SqlConnection connection, Claimed calendar, SyncPlan plan) {
    Set<Long> touched = new LinkedHashSet<>();
    List<Long> meetings = new ArrayList<>();
    List<String> owners = new ArrayList<>();
    for (SyncPlan.EventRow row : plan.rows) {
      if (row.meetingId == null) {
        continue;
      }
      touched.add(row.meetingId);
      if (row.detection.scheduled()) {
        Set<String> people = new LinkedHashSet<>(row.detection.people());
        if (calendar.owner() != null) {
          people.add(calendar.owner());
        }
        people.forEach(person -> {
          meetings.add(row.meetingId);
          owners.add(person);
        });
      }
    }
    if (touched.isEmpty()) {
      return Future.succeededFuture();
    }
    String via = "calendar:" + calendar.id();
    return connection.preparedQuery(CalendarSql.FORGET_OWNERS).execute(Tuple.tuple().addValue(via).addValue(touched.toArray(new Long[0])))
        .compose(ignored -> meetings.isEmpty() ? Future.succeededFuture() : connection.preparedQuery(CalendarSql.ADD_OWNERS)
            .execute(Tuple.tuple().addValue(via).addValue(meetings.toArray(new Long[0])).addValue(owners.toArray(new String[0]))))
        .mapEmpty();
  }

  private Future<Void> cancel(SqlConnection connection, Claimed calendar, SyncPlan plan) {
    if (plan.cancelChecks.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] ids = plan.cancelChecks.toArray(new Long[0]);
    return MeetingStatus.cancelOrphans(connection, ids).map(rows -> {
      for (Row row : rows) {
        long id = row.getLong("id");
        plan.scheduled.remove(id);
        plan.changed.put(id, BotStatus.CANCELLED);
        SyncPlan.CancelCause cause = plan.cancelCauses.getOrDefault(id, new SyncPlan.CancelCause("", null));
        plan.log(id, "calendar_cancelled", new JsonObject().put("calendar", calendar.id())
            .put("event_id", cause.eventId()).put("reason", cause.reason()));
      }
      return null;
    });
  }

  private Future<Void> appendLog(SqlConnection connection, SyncPlan plan) {
    if (plan.log.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = plan.log.size();
    Long[] ids = new Long[n];
    String[] types = new String[n];
    String[] levels = new String[n];
    String[] details = new String[n];
    int i = 0;
    for (Map.Entry<Long, JsonObject[]> entry : plan.log.entrySet()) {
      ids[i] = entry.getKey();
      types[i] = entry.getValue()[0].getString("type");
      levels[i] = "info";
      details[i] = entry.getValue()[1].encode();
      i++;
    }
    return appendMeetingEvents(connection, ids, types, levels, details);
  }

  static Future<Void> appendMeetingEvents(SqlConnection connection, Long[] ids, String[] types, String[] levels, String[] details) {
    return connection.preparedQuery(CalendarSql.APPEND_MEETING_EVENTS)
        .execute(Tuple.tuple().addValue(ids).addValue(types).addValue(levels).addValue(details))
        .mapEmpty();
  }

  private static SyncPlan.Known known(Row row) {
  return new SyncPlan.Known(row.getString("event_id"), row.getLong("meeting_id"), row.getString("decision"), row.getString("reason"),
        row.getString("link"), row.getString("summary"), instant(row, "starts_at"), instant(row, "ends_at"),
        instant(row, "event_updated"), row.getString("m_link"), instant(row, "m_start"), instant(row, "m_end"),
        row.getString("m_status") == null ? null : BotStatus.of(row.getString("m_status")), instant(row, "m_dispatch_at"));
  }

  /** The passcode sealed for its call (a row copied to another call does not open). */
  private byte[] sealedPasscode(MeetingLink link) {
    return cipher.seal(link.passcode(), link.key());
  }

  static Instant updated(JsonObject event) {
    if (!(event.getValue("updated") instanceof String text)) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
