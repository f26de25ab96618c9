package com.targetdialer.meeting;

import com.targetdialer.config.LobbySettings;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a meeting whose bot was never let in gets another knock, and when: after a lobby timeout (or,
 * with LOBBY_RETRY_ON_REJECT, a rejection) that left more than LOBBY_RETRY_MIN_REMAINING_S of the
 * meeting, LOBBY_RETRY_DELAY_S later, at most LOBBY_MAX_RETRIES times. The health sweep knocks by it,
 * the capture ledger waits for it.
 */
public record LobbyRetry(LobbySettings settings) {

  public static final String TIMEOUT = "awaiting_admission_timeout";
  public static final String REJECTED = "awaiting_admission_rejected";

  /** Vexa gave up on the bot at the door (its lobby budget ran out, or the host said no). */
  public static boolean turnedAway(String completionReason, String failureStage) {
    return TIMEOUT.equals(completionReason) || REJECTED.equals(completionReason) || "awaiting_admission".equals(failureStage);
  }

  /**
   * When the next bot knocks, or null when none will.
   *
   * @param gaveUpAt when Vexa ended the bot that was turned away
   * @param reKnocks how many re-knocks the meeting had already
   */
  public Instant nextKnock(String completionReason, String failureStage, boolean everAdmitted, Instant gaveUpAt, Instant scheduledEnd,
                           long reKnocks) {
    if (everAdmitted || !turnedAway(completionReason, failureStage) || gaveUpAt == null || scheduledEnd == null
        || reKnocks >= settings.maxRetries() || REJECTED.equals(completionReason) && !settings.retryOnReject()) {
      return null;
    }
    if (!scheduledEnd.isAfter(gaveUpAt.plusSeconds(settings.retryMinRemainingSeconds()))) {
      return null;
    }
    return gaveUpAt.plusSeconds(settings.retryDelaySeconds());
  }

  /** How long past its time a knock may still come (a sweep away); after that the meeting is judged without it. */
  public Duration patience(int sweepIntervalSeconds) {
    return Duration.ofSeconds(2L * sweepIntervalSeconds + 60);
  }
}
