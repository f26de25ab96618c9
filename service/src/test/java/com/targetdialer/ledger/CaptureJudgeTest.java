package com.targetdialer.ledger;

import com.targetdialer.meeting.BotStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's verdicts from facts alone: every outcome, its reason, the coverage and the gaps by cause. */
class CaptureJudgeTest {

  private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant END = Instant.parse("2026-11-26T10:30:00Z");
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private static Instant at(String minutesSeconds) {
    String[] parts = minutesSeconds.split(":");
    return START.plusSeconds(Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1]));
  }

  private static CaptureFacts.Session session(int attempt, BotStatus status, Instant active, Instant ended, String endReason,
                                              String completion, String stage, Instant lastHeard, boolean deaf) {
    return new CaptureFacts.Session(attempt, status, active, ended, endReason, completion, stage, lastHeard, deaf, true);
  }

  private static CaptureFacts calendar(BotStatus status, Instant endedAt, String failure, int segments, List<CaptureFacts.Session> sessions) {
    return new CaptureFacts(1, true, status, START, END, endedAt, failure, segments, false, null, sessions);
  }

  private static Assessment judge(CaptureFacts facts) {
    return CaptureJudge.assess(facts, NOW, 0.9);
  }

  @Test
  @DisplayName("captured: admitted 20 s late, heard to the end: one late_join gap, coverage 0.9889")
  void captured() {
    Assessment verdict = judge(calendar(BotStatus.COMPLETED, END, null, 40,
        List.of(session(1, BotStatus.COMPLETED, at("0:20"), END, "left_alone", "left_alone", null, at("29:50"), false))));

    assertThat(verdict.outcome()).isEqualTo(Outcome.CAPTURED);
    assertThat(verdict.coverageRatio()).isEqualTo(0.9889);
    assertThat(verdict.gaps()).containsExactly(new Assessment.Gap(START, at("0:20"), GapCause.LATE_JOIN));
    assertThat(verdict.reason()).isEqualTo("Recorded: the bot heard 99% of the meeting.");
  }

  @Test
  @DisplayName("a deaf first bot: its silence is a deaf gap, the time to the next bot a restart gap; partial below the threshold")
  void deafThenRestarted() {
    Assessment verdict = judge(calendar(BotStatus.COMPLETED, END, null, 12, List.of(
        session(1, BotStatus.COMPLETED, at("0:00"), at("4:00"), "replaced_by_restart", "stopped", null, null, true),
        session(2, BotStatus.COMPLETED, at("5:00"), END, "left_alone", "left_alone", null, at("29:00"), false))));

    assertThat(verdict.outcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(verdict.gaps()).containsExactly(
        new Assessment.Gap(at("0:00"), at("4:00"), GapCause.DEAF),
        new Assessment.Gap(at("4:00"), at("5:00"), GapCause.RESTART));
    assertThat(verdict.coverageRatio()).isEqualTo(0.8333);
    assertThat(verdict.reason()).isEqualTo("Partly recorded: the bot heard 83% of the meeting; 5 min not captured "
        + "(the bot could not hear: 4 min; the bot was restarted: 1 min).");
  }

  @Test
  @DisplayName("a bot that went quiet mid-meeting is covered until it was last heard")
  void deafMidMeeting() {
    Assessment verdict = judge(calendar(BotStatus.COMPLETED, END, null, 30, List.of(
        session(1, BotStatus.COMPLETED, at("0:00"), at("12:00"), "replaced_by_restart", "stopped", null, at("9:00"), true),
        session(2, BotStatus.COMPLETED, at("12:30"), END, null, "left_alone", null, at("29:00"), false))));

    assertThat(verdict.gaps()).containsExactly(
        new Assessment.Gap(at("9:00"), at("12:00"), GapCause.DEAF),
        new Assessment.Gap(at("12:00"), at("12:30"), GapCause.RESTART));
    assertThat(verdict.coverageRatio()).isEqualTo(0.8833);
    assertThat(verdict.outcome()).isEqualTo(Outcome.PARTIAL);
  }

  @Test
  @DisplayName("deaf: restarts used up, nothing heard; the rest of the meeting is a deaf gap")
  void deaf() {
    Assessment verdict = judge(calendar(BotStatus.FAILED, at("12:00"), "deaf_bot", 0, List.of(
        session(1, BotStatus.COMPLETED, at("0:00"), at("4:00"), "replaced_by_restart", "stopped", null, null, true),
        session(2, BotStatus.COMPLETED, at("4:30"), at("8:00"), "replaced_by_restart", "stopped", null, null, true),
        session(3, BotStatus.COMPLETED, at("8:30"), at("12:00"), "deaf_bot", "stopped", null, null, true))));

    assertThat(verdict.outcome()).isEqualTo(Outcome.DEAF);
    assertThat(verdict.reason()).isEqualTo("Not recorded: the bot was in the call but heard nothing, even after 2 restarts.");
    assertThat(verdict.coverageRatio()).isZero();
    assertThat(verdict.gaps().get(verdict.gaps().size() - 1)).isEqualTo(new Assessment.Gap(at("8:30"), END, GapCause.DEAF));
  }

  @Test
  @DisplayName("not_admitted: the lobby timed out (or the host said no), the whole span is a lobby gap")
  void notAdmitted() {
    Assessment timedOut = judge(calendar(BotStatus.FAILED, at("15:00"), "awaiting_admission_timeout", 0, List.of(
        session(1, BotStatus.FAILED, null, at("15:00"), "awaiting_admission_timeout", "awaiting_admission_timeout", "awaiting_admission", null, false))));
    Assessment rejected = judge(calendar(BotStatus.FAILED, at("1:00"), "awaiting_admission_rejected", 0, List.of(
        session(1, BotStatus.FAILED, null, at("1:00"), null, "awaiting_admission_rejected", "awaiting_admission", null, false))));

    assertThat(timedOut.outcome()).isEqualTo(Outcome.NOT_ADMITTED);
    assertThat(timedOut.reason()).isEqualTo("Not recorded: nobody let the bot in; it waited in the lobby until it gave up.");
    assertThat(timedOut.gaps()).containsExactly(new Assessment.Gap(START, END, GapCause.LOBBY));
    assertThat(rejected.outcome()).isEqualTo(Outcome.NOT_ADMITTED);
    assertThat(rejected.reason()).isEqualTo("Not recorded: the host turned the bot away at the door.");
  }

  @Test
  @DisplayName("bot_failed: Vexa refused or the join failed before any lobby")
  void botFailed() {
    Assessment verdict = judge(calendar(BotStatus.FAILED, at("0:10"), "join_failure", 0, List.of(
        session(1, BotStatus.FAILED, null, at("0:10"), null, "join_failure", "joining", null, false))));

    assertThat(verdict.outcome()).isEqualTo(Outcome.BOT_FAILED);
    assertThat(verdict.reason()).isEqualTo("Not recorded: the bot could not join the call (join failure).");
    assertThat(verdict.gaps()).containsExactly(new Assessment.Gap(START, END, GapCause.UNKNOWN));
  }

  @Test
  @DisplayName("empty: in the call, nothing said, no deaf verdict; Vexa's no_output says so in the reason")
  void empty() {
    List<CaptureFacts.Session> sessions = List.of(session(1, BotStatus.COMPLETED, at("0:00"), at("2:00"), null, "left_alone", null, null, false));
    Assessment quiet = judge(new CaptureFacts(1, true, BotStatus.COMPLETED, START, END, at("2:00"), null, 0, false, null, sessions));
    Assessment noOutput = judge(new CaptureFacts(1, true, BotStatus.COMPLETED, START, END, at("2:00"), null, 0, false, "no_output", sessions));

    assertThat(quiet.outcome()).isEqualTo(Outcome.EMPTY);
    assertThat(quiet.reason()).isEqualTo("Nothing to record: the bot was in the call for 2 min and nobody spoke before the meeting ended.");
    assertThat(quiet.coverageRatio()).isEqualTo(1.0);
    assertThat(noOutput.reason()).isEqualTo("Nothing to record: the bot was in the call and Vexa heard no speech.");
    Assessment failed = judge(new CaptureFacts(1, true, BotStatus.COMPLETED, START, END, at("2:00"), null, 0, false, "failed", sessions));
    assertThat(failed.outcome()).isEqualTo(Outcome.EMPTY);
    assertThat(failed.reason()).isEqualTo("Not recorded: the bot was in the call but Vexa's transcription failed.");
  }

  @Test
  @DisplayName("missed and cancelled")
  void missedAndCancelled() {
    Assessment missed = judge(calendar(BotStatus.FAILED, END, "missed: the meeting ended before its bot was sent", 0, List.of()));
    Assessment cancelled = judge(calendar(BotStatus.CANCELLED, null, null, 0, List.of()));

    assertThat(missed.outcome()).isEqualTo(Outcome.MISSED);
    assertThat(missed.coverageRatio()).isZero();
    assertThat(missed.gaps()).containsExactly(new Assessment.Gap(START, END, GapCause.UNKNOWN));
    assertThat(cancelled.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(cancelled.coverageRatio()).isNull();
  }

  @Test
  @DisplayName("pending while it runs, with coverage so far; an ad-hoc meeting's span starts at its first admission")
  void pendingAndAdHoc() {
    Instant now = at("10:00");
    CaptureFacts running = new CaptureFacts(1, false, BotStatus.ACTIVE, at("0:00"), null, null, null, 5, false, null,
        List.of(session(1, BotStatus.ACTIVE, at("1:00"), null, null, null, null, at("9:00"), false)));

    Assessment verdict = CaptureJudge.assess(running, now, 0.9);

    assertThat(verdict.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(verdict.reason()).isEqualTo("The bot is in the call, recording.");
    assertThat(verdict.coverageRatio()).isEqualTo(1.0);
    assertThat(verdict.gaps()).isEmpty();
  }

  @Test
  @DisplayName("a live-stream outage not filled in yet is a stream gap; one still going lasts to now")
  void streamGap() {
    List<CaptureFacts.Session> sessions = List.of(session(1, BotStatus.ACTIVE, at("0:00"), null, null, null, null, at("9:00"), false));
    CaptureFacts facts = new CaptureFacts(1, true, BotStatus.ACTIVE, START, END, null, null, 10, false, null, sessions,
        List.of(new CaptureFacts.Outage(at("4:00"), at("5:00")), new CaptureFacts.Outage(at("9:30"), null)), null);

    Assessment verdict = CaptureJudge.assess(facts, at("10:00"), 0.9);

    assertThat(verdict.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(verdict.gaps()).containsExactly(
        new Assessment.Gap(at("4:00"), at("5:00"), GapCause.STREAM),
        new Assessment.Gap(at("9:30"), at("10:00"), GapCause.STREAM));
    assertThat(verdict.coverageRatio()).isEqualTo(0.85);
  }

  @Test
  @DisplayName("a bot turned away whose next knock is due is not judged yet")
  void waitsForTheReKnock() {
    List<CaptureFacts.Session> sessions = List.of(
        session(1, BotStatus.FAILED, null, at("1:00"), null, "awaiting_admission_timeout", "awaiting_admission", null, false));
    CaptureFacts facts = new CaptureFacts(1, true, BotStatus.FAILED, START, END, at("1:00"), "awaiting_admission_timeout", 0, true, null,
        sessions, List.of(), at("1:30"));

    Assessment verdict = CaptureJudge.assess(facts, at("1:10"), 0.9);

    assertThat(verdict.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(verdict.reason()).isEqualTo("Nobody has let the bot in yet; another bot knocks at the door shortly.");
  }

  @Test
  @DisplayName("the same facts give the same verdict (a replay or a second node agrees)")
  void idempotent() {
    CaptureFacts facts = calendar(BotStatus.COMPLETED, END, null, 12, List.of(
        session(1, BotStatus.COMPLETED, at("0:00"), at("4:00"), "replaced_by_restart", "stopped", null, null, true),
        session(2, BotStatus.COMPLETED, at("5:00"), END, null, "left_alone", null, at("29:00"), false)));

    assertThat(CaptureJudge.assess(facts, NOW, 0.9)).isEqualTo(CaptureJudge.assess(facts, NOW.plusSeconds(3600), 0.9));
  }

  @Test
  @DisplayName("durations in words")
  void words() {
    assertThat(Assessment.words(java.time.Duration.ofSeconds(25))).isEqualTo("25 s");
    assertThat(Assessment.words(java.time.Duration.ofSeconds(190))).isEqualTo("3 min 10 s");
    assertThat(Assessment.words(java.time.Duration.ofSeconds(3900))).isEqualTo("1 h 5 min");
  }
}
