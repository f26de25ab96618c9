package com.targetdialer.ledger;

import com.targetdialer.meeting.BotStatus;
import com.targetdialer.meeting.LobbyRetry;

import java.time.Instant;
import java.util.List;

/**
 * What the ledger judges a meeting by, read from its row, its bot sessions, its segments and its
 * event log (LedgerSql.FACTS and SESSIONS). Times are Vexa's where it gave them.
 *
 * @param fromCalendar   scheduled by a calendar event (its span starts at the scheduled start), else
 *                       dispatched ad hoc (its span starts when a bot was first let in)
 * @param everInLobby    some bot of it waited in the lobby
 * @param transcription  what Vexa said its transcription produced for the last bot that finished
 *                       ({@code served}, {@code no_output}, {@code failed}, {@code disabled}), or null
 * @param streamDown     when the live stream was down for it and what was said meanwhile is not filled in yet
 * @param waitUntil      until when a finished meeting is not judged yet, else null: another bot will knock at the
 *                       lobby the last one was turned away from (LobbyRetry), or, for a short while, the last bot's
 *                       final transcript has not been read back or its failure has no reason yet (the live stream
 *                       says "failed" before the webhook says why, and the why decides between not_admitted and bot_failed)
 */
public record CaptureFacts(long meetingId, boolean fromCalendar, BotStatus status, Instant scheduledStart, Instant scheduledEnd,
                           Instant endedAt, String failureReason, int segmentCount, boolean everInLobby, String transcription,
                           List<Session> sessions, List<Outage> streamDown, Instant waitUntil) {

  public CaptureFacts(long meetingId, boolean fromCalendar, BotStatus status, Instant scheduledStart, Instant scheduledEnd,
                      Instant endedAt, String failureReason, int segmentCount, boolean everInLobby, String transcription,
                      List<Session> sessions) {
    this(meetingId, fromCalendar, status, scheduledStart, scheduledEnd, endedAt, failureReason, segmentCount, everInLobby, transcription,
        sessions, List.of(), null);
  }

  /** The live stream down from {@code from} to {@code to} (null: still down). */
  public record Outage(Instant from, Instant to) {

    boolean covers(Instant t, Instant end) {
      return !t.isBefore(from) && t.isBefore(to == null ? end : to);
    }
  }

  /**
   * One bot attempt.
   *
   * @param lastHeard   for a deaf bot, when its last segment ended (null when it heard nothing); null for the others,
   *                    whose coverage runs to their end whatever they heard
   * @param deaf        the health sweep judged it deaf
   * @param transcribed its final transcript was read back from Vexa (the backfill), or it never had a bot there
   */
  public record Session(int attempt, BotStatus status, Instant activeAt, Instant endedAt, String endReason,
                        String completionReason, String failureStage, Instant lastHeard, boolean deaf, boolean transcribed) {

    boolean admitted() {
      return activeAt != null;
    }

    /** Turned away at the door: Vexa's lobby timeout or the host's refusal. */
    boolean notLetIn() {
      return LobbyRetry.turnedAway(completionReason, failureStage);
    }

    boolean rejected() {
      return LobbyRetry.REJECTED.equals(completionReason);
    }
  }

  public boolean over() {
    return status.terminal();
  }
}
