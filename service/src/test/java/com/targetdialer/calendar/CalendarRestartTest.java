package com.targetdialer.calendar;

import com.targetdialer.TargetDialer;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Timers are memory; the schedule is the database. A restart, or a second node, never sends a second bot. */
@ExtendWith(TestStores.class)
class CalendarRestartTest {

  @Test
  @DisplayName("restart between scheduling and dispatch: the meeting that started while down goes at once, the next on time, "
      + "each exactly once, even with a second node running")
  void restartBetweenSchedulingAndDispatch() throws Exception {
    try (CalendarHarness h = CalendarHarness.start(Map.of())) {
      String user = h.newUser("restart");
      String duringOutage = CalendarHarness.randomCode();
      String afterRestart = CalendarHarness.randomCode();
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant startA = now.plusSeconds(4);
      Instant startB = now.plusSeconds(9);
      h.google.putEvent(user, MeetEvent.meet(duringOutage, startA, startA.plusSeconds(1800)).json());
      h.google.putEvent(user, MeetEvent.meet(afterRestart, startB, startB.plusSeconds(1800)).json());
      h.connect(user);
      h.awaitStatus(duringOutage, "scheduled", Duration.ofSeconds(4));
      h.awaitStatus(afterRestart, "scheduled", Duration.ofSeconds(4));
      long idA = h.meeting(duringOutage).getLong("id");
      long idB = h.meeting(afterRestart).getLong("id");

      h.stopService();
      Await.until("the first meeting started while the service was down", Duration.ofSeconds(10),
          () -> Instant.now().isAfter(startA.plusMillis(300)));
      assertThat(h.status(duringOutage)).isEqualTo("scheduled");
      assertThat(h.vexa.botsStarted(duringOutage)).isZero();

      Instant restarted = Instant.now();
      h.startService();
      TargetDialer secondNode = h.startSecondNode();
      try {
        Await.until("the missed one dispatched at once", Duration.ofSeconds(5), () -> h.vexa.botsStarted(duringOutage) == 1);
        assertThat(h.botRequestedAt(idA)).isAfter(restarted).isBefore(restarted.plusSeconds(4));
        Await.until("the next one dispatched", Duration.ofSeconds(15), () -> h.vexa.botsStarted(afterRestart) == 1);
        assertThat(h.botRequestedAt(idB)).as("on time, from timers rebuilt from the database")
            .isBetween(startB.minusMillis(2_100), startB.minusMillis(500));
        int calls = h.google.listCalls(user);
        Await.until("the calendar synced twice more", Duration.ofSeconds(6), () -> h.google.listCalls(user) >= calls + 2);
        assertThat(h.vexa.botsStarted(duringOutage)).isEqualTo(1);
        assertThat(h.vexa.botsStarted(afterRestart)).isEqualTo(1);
        assertThat(h.db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id IN ($1, $2)", idA, idB)).isEqualTo(2);
        assertThat(h.db.count("SELECT count(*) FROM td_meeting_events WHERE meeting_id IN ($1, $2) AND type = 'dispatch_due'", idA, idB))
            .isEqualTo(2);
      } finally {
        secondNode.stop();
      }

      // A node that died between its claim and dispatch.start left the meeting 'requested' without a bot session.
      String stalled = CalendarHarness.randomCode();
      long stalledId = (Long) h.db.value("INSERT INTO td_meetings (native_meeting_id, meeting_url, scheduled_start, scheduled_end, "
          + "source, dispatch_at, bot_status, updated_at) VALUES ($1, 'https://meet.google.com/' || $1, now(), now() + interval '30 minutes', "
          + "'calendar', now() - interval '2 minutes', 'requested', now() - interval '61 seconds') RETURNING id", stalled);
      Await.until("the lost dispatch sent again", Duration.ofSeconds(5), () -> h.vexa.botsStarted(stalled) == 1);
      assertThat(h.db.count("SELECT count(*) FROM td_bot_sessions WHERE meeting_id = $1", stalledId)).isEqualTo(1);
    }
  }
}
