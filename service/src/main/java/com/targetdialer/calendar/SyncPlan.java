package com.targetdialer.calendar;

import com.targetdialer.calendar.MeetDetection.Detection;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.platform.MeetingLink;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a calendar's window becomes writes, decided without the database: events in (what Google says
 * now, and what the last sync recorded of each), decisions out: the {@code td_calendar_events} rows
 * to write, the occurrences to upsert, the rows to move along with their event, the meetings that
 * may have to be cancelled, and the calls to lock. {@link CalendarSync} reads the inputs and
 * writes the plan in one transaction; writing fills in what only the database knows (row ids, what
 * a move or a cancellation actually did).
 */
final class SyncPlan {

  /** Why a scheduled event stays on a row whose start no longer matches it. */
  static final String MOVED_AFTER_DISPATCH = "moved_after_dispatch";

  private static final Set<BotStatus> NO_BOT_YET = EnumSet.of(BotStatus.SCHEDULED, BotStatus.CANCELLED);

  /**
   * @param link  the event's call as {@code platform/native id} ({@link MeetingLink#key()}), null without one
   * @param mLink the call of the meeting row it leads to, the same way
   */
  record Known(String eventId, Long meetingId, String decision, String reason, String link, String summary,
           Instant startsAt, Instant endsAt, Instant updated, String mLink, Instant mStart, Instant mEnd,
           BotStatus mStatus, Instant mDispatchAt) {

    boolean sameRow(Long meeting, Detection d, Instant eventUpdated, String reasonWritten) {
      return Objects.equals(meetingId, meeting) && Objects.equals(decision, d.decision()) && Objects.equals(reason, reasonWritten)
          && Objects.equals(link, d.link() == null ? null : d.link().key()) && Objects.equals(summary, d.title())
          && Objects.equals(startsAt, d.start()) && Objects.equals(endsAt, d.end()) && Objects.equals(updated, eventUpdated);
    }
  }

  record Seen(Detection detection, Instant updated) {
  }

  /** An occurrence: the call ({@link MeetingLink#key()}) and its scheduled start. */
  record Key(String link, Instant start) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byLink = link.compareTo(other.link);
      return byLink != 0 ? byLink : start.compareTo(other.start);
    }
  }

  record Occurrence(Key key, MeetingLink link, String title, Instant end, Instant dispatchAt, List<String> admitters) {
  }

  record Move(String eventId, long fromMeeting, String fromLink, Instant fromStart, Occurrence to) {
  }

  /** A td_calendar_events row to write; its meeting is fixed, or the row of {@code key} once upserted. */
  static final class EventRow {
    final String eventId;
    final Detection detection;
    final String reason;
    final Instant updated;
    Long meetingId;
    Key key;

    EventRow(String eventId, Detection detection, String reason, Instant updated, Long meetingId, Key key) {
      this.eventId = eventId;
      this.detection = detection;
      this.reason = reason;
      this.updated = updated;
      this.meetingId = meetingId;
      this.key = key;
    }
  }

  /** The event whose change may cancel a meeting, and why. */
  record CancelCause(String eventId, String reason) {
  }


  final List<EventRow> rows = new ArrayList<>();
  final Map<Key, Occurrence> upserts = new HashMap<>();
  final List<Move> moves = new ArrayList<>();
  final Set<Long> cancelChecks = new LinkedHashSet<>();
  /** The calls ({@link MeetingLink#key()}) whose advisory locks the writes take, in order. */
  final Set<String> links = new TreeSet<>();
  final Map<Long, Instant> scheduled = new HashMap<>();
  /** meeting id → the log entry (type, detail) to append; at most one per meeting. */
  final Map<Long, JsonObject[]> log = new LinkedHashMap<>();
  final Map<Long, BotStatus> changed = new LinkedHashMap<>();
  /** Why a meeting may have to be cancelled: the event that no longer asks for it. */
  final Map<Long, CancelCause> cancelCauses = new HashMap<>();

  boolean writes() {
    return !rows.isEmpty() || !upserts.isEmpty() || !moves.isEmpty() || !cancelChecks.isEmpty();
  }

  void log(long meetingId, String type, JsonObject detail) {
    log.putIfAbsent(meetingId, new JsonObject[] {new JsonObject().put("type", type), detail});
  }

  private final long leadSeconds;

  private SyncPlan(long leadSeconds) {
    this.leadSeconds = leadSeconds;
  }

  /**
   * @param seen        every event of the window: Google's answer read by MeetDetection, and its {@code updated}
   * @param known       what the last sync recorded, by event id
   * @param leadSeconds how long before its start a meeting's bot is sent
   */
  static SyncPlan of(Map<String, Seen> seen, Map<String, Known> known, long leadSeconds) {
    SyncPlan plan = new SyncPlan(leadSeconds);
    seen.forEach((eventId, s) -> plan.plan(eventId, s, known.get(eventId)));
    return plan;
  }

  /** Adds what one event of the window asks for; {@code k} is what the last sync recorded of it, if anything. */
  private void plan(String eventId, Seen seen, Known k) {
    Detection d = seen.detection();
    if (!d.scheduled() && d.start() == null && k != null) {
      // A tombstone carries only its id: keep the times and title we knew, for the API and the purge.
      d = new Detection(d.decision(), d.reason(), null, k.startsAt(), k.endsAt(), d.title() != null ? d.title() : k.summary(), List.of(),
          List.of());
    }
    if (MeetDetection.ENDED.equals(d.reason()) && k != null && MeetDetection.SCHEDULED.equals(k.decision())) {
      return; // the meeting is over; what was decided before stands
    }
    if (!d.scheduled()) {
      Long link = k == null ? null : k.meetingId();
      if (k == null || !k.sameRow(link, d, seen.updated(), d.reason())) {
        rows.add(new EventRow(eventId, d, d.reason(), seen.updated(), link, null));
      }
      if (k != null && MeetDetection.SCHEDULED.equals(k.decision()) && k.meetingId() != null) {
        cancelChecks.add(k.meetingId());
        links.add(k.mLink());
        cancelCauses.put(k.meetingId(), new CancelCause(eventId, d.reason()));
      }
      return;
    }
    Key key = new Key(d.link().key(), d.start());
    Instant dispatchAt = d.start().minusSeconds(leadSeconds);
    Occurrence occurrence = new Occurrence(key, d.link(), d.title(), d.end(), dispatchAt, d.admitters());
    boolean linked = k != null && k.meetingId() != null && k.mLink() != null;
    if (linked && key.link().equals(k.mLink()) && d.start().equals(k.mStart())) {
      boolean waiting = NO_BOT_YET.contains(k.mStatus());
      // A passcode is not compared (it is sealed): an edited event that carries one rewrites the row while no bot was sent.
      boolean meetingChanged = !Objects.equals(k.summary(), d.title())
          || (waiting && (!Objects.equals(k.mEnd(), d.end()) || !Objects.equals(k.mDispatchAt(), dispatchAt) || k.mStatus() == BotStatus.CANCELLED
              || (d.link().passcode() != null && !Objects.equals(k.updated(), seen.updated()))));
      if (meetingChanged) {
        upsert(occurrence);
        rows.add(new EventRow(eventId, d, d.reason(), seen.updated(), null, key));
      } else {
        if (!k.sameRow(k.meetingId(), d, seen.updated(), d.reason())) {
          rows.add(new EventRow(eventId, d, d.reason(), seen.updated(), k.meetingId(), null));
        }
        if (k.mStatus() == BotStatus.SCHEDULED && k.mDispatchAt() != null) {
          scheduled.put(k.meetingId(), k.mDispatchAt());
        }
      }
    } else if (linked && !NO_BOT_YET.contains(k.mStatus()) && key.link().equals(k.mLink()) && overlaps(d.start(), k)) {
      // The bot is (or was) in that call: a calendar change never pulls it out, and the row stays where it is.
      if (!k.sameRow(k.meetingId(), d, seen.updated(), MOVED_AFTER_DISPATCH)) {
        rows.add(new EventRow(eventId, d, MOVED_AFTER_DISPATCH, seen.updated(), k.meetingId(), null));
      }
    } else if (linked && NO_BOT_YET.contains(k.mStatus())) {
      moves.add(new Move(eventId, k.meetingId(), k.mLink(), k.mStart(), occurrence));
      links.add(k.mLink());
      links.add(key.link());
      rows.add(new EventRow(eventId, d, d.reason(), seen.updated(), null, key));
    } else {
      upsert(occurrence);
      rows.add(new EventRow(eventId, d, d.reason(), seen.updated(), null, key));
    }
  }

  void upsert(Occurrence occurrence) {
    upserts.putIfAbsent(occurrence.key(), occurrence);
    links.add(occurrence.key().link());
  }

  private static boolean overlaps(Instant newStart, Known k) {
    Instant end = k.mEnd() != null ? k.mEnd() : k.mStart().plusSeconds(3600);
    return newStart.isBefore(end);
  }
}
