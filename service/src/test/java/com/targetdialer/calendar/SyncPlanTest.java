package com.targetdialer.calendar;

import com.targetdialer.calendar.MeetDetection.Detection;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.platform.MeetingLink;
import com.targetdialer.platform.Platform;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sync plan alone, without a database: what Google says now and what the last sync recorded, in; the writes, out. */
class SyncPlanTest {

  private static final long LEAD_S = 120;
  private static final Instant START = Instant.parse("2026-12-01T15:00:00Z");
  private static final Instant END = START.plusSeconds(1800);
  private static final Instant UPDATED = Instant.parse("2026-11-30T09:00:00Z");
  private static final String CODE = "abc-defg-hij";
  /** The call as the plan names it: {@code platform/native id}. */
  private static final String LINK = "google_meet/" + CODE;

  private static Detection meet(String code, Instant start) {
    return new Detection(MeetDetection.SCHEDULED, MeetDetection.FROM_CONFERENCE_DATA,
        new MeetingLink(Platform.GOOGLE_MEET, code, "https://meet.google.com/" + code, null), start, start.plusSeconds(1800),
        "Discovery call", java.util.List.of("alice@example.com"), java.util.List.of("alice@example.com", "bob@example.com"));
  }

  /** What the last sync recorded: the event scheduled onto meeting 7 at START, whose bot is in {@code status}. */
  private static SyncPlan.Known known(BotStatus status) {
    return new SyncPlan.Known("ev1", 7L, MeetDetection.SCHEDULED, MeetDetection.FROM_CONFERENCE_DATA, LINK, "Discovery call",
        START, END, UPDATED, LINK, START, END, status, START.minusSeconds(LEAD_S));
  }

  private static SyncPlan plan(Detection now, SyncPlan.Known before) {
    return SyncPlan.of(Map.of("ev1", new SyncPlan.Seen(now, UPDATED)), before == null ? Map.of() : Map.of("ev1", before), LEAD_S);
  }

  @Test
  @DisplayName("a new Meet event: one occurrence to upsert, sent DISPATCH_LEAD_S before its start, and the event's row pointing at it")
  void newEvent() {
    SyncPlan plan = plan(meet(CODE, START), null);

    assertThat(plan.upserts.values()).singleElement().satisfies(o -> {
      assertThat(o.key()).isEqualTo(new SyncPlan.Key(LINK, START));
      assertThat(o.dispatchAt()).isEqualTo(START.minusSeconds(LEAD_S));
    });
    assertThat(plan.rows).singleElement().satisfies(row -> assertThat(row.key).isEqualTo(new SyncPlan.Key(LINK, START)));
    assertThat(plan.links).containsExactly(LINK);
    assertThat(plan.moves).isEmpty();
    assertThat(plan.cancelCauses).isEmpty();
  }

  @Test
  @DisplayName("an event unchanged since the last sync costs no write, and its meeting's timer is kept")
  void unchanged() {
    SyncPlan plan = plan(meet(CODE, START), known(BotStatus.SCHEDULED));

    assertThat(plan.writes()).isFalse();
    assertThat(plan.scheduled).containsEntry(7L, START.minusSeconds(LEAD_S));
  }

  @Test
  @DisplayName("a scheduled event now declined: its row says why, and its meeting may be cancelled, for that reason")
  void declined() {
    SyncPlan plan = plan(Detection.skip(MeetDetection.DECLINED, START, END, "Discovery call"), known(BotStatus.SCHEDULED));

    assertThat(plan.rows).singleElement().satisfies(row -> assertThat(row.reason).isEqualTo(MeetDetection.DECLINED));
    assertThat(plan.cancelCauses).containsEntry(7L, new SyncPlan.CancelCause("ev1", MeetDetection.DECLINED));
    assertThat(plan.upserts).isEmpty();
  }

  @Test
  @DisplayName("an event moved before its bot was sent takes its meeting along")
  void movedBeforeDispatch() {
    Instant later = START.plusSeconds(3600);

    SyncPlan plan = plan(meet(CODE, later), known(BotStatus.SCHEDULED));

    assertThat(plan.moves).singleElement().satisfies(move -> {
      assertThat(move.fromMeeting()).isEqualTo(7L);
      assertThat(move.to().key()).isEqualTo(new SyncPlan.Key(LINK, later));
    });
    assertThat(plan.links).containsExactly(LINK);
  }

  @Test
  @DisplayName("an event moved within the call while its bot is in it: the bot stays, the row says moved_after_dispatch")
  void movedAfterDispatch() {
    SyncPlan plan = plan(meet(CODE, START.plusSeconds(600)), known(BotStatus.ACTIVE));

    assertThat(plan.moves).isEmpty();
    assertThat(plan.upserts).isEmpty();
    assertThat(plan.rows).singleElement().satisfies(row -> {
      assertThat(row.reason).isEqualTo(SyncPlan.MOVED_AFTER_DISPATCH);
      assertThat(row.meetingId).isEqualTo(7L);
    });
  }
}
