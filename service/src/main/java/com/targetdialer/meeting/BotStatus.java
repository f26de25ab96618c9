package com.targetdialer.meeting;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a meeting's bot is: {@code td_meetings.bot_status} and {@code td_bot_sessions.status}.
 * Statuses only move forward, by rank: a late or replayed message never takes a bot back to an
 * earlier stage. The schema's {@code td_status_rank()} holds the same ranks (a test keeps them
 * together); {@code restarting} ranks with {@code requested} so the next bot's own stages follow it.
 */
public enum BotStatus {
  SCHEDULED("scheduled", 0),
  REQUESTED("requested", 1),
  RESTARTING("restarting", 1),
  JOINING("joining", 2),
  AWAITING_ADMISSION("awaiting_admission", 3),
  ACTIVE("active", 4),
  STOPPING("stopping", 5),
  COMPLETED("completed", 6),
  FAILED("failed", 6),
  CANCELLED("cancelled", 6);

  /** A bot may be in or near the call. */
  public static final Set<BotStatus> IN_FLIGHT = EnumSet.of(REQUESTED, JOINING, AWAITING_ADMISSION, ACTIVE, RESTARTING, STOPPING);

  /**
   * The transition table's only backward moves, each made by one claim in {@link MeetingStatus}: a
   * failed meeting dispatched again, a cancelled event rescheduled, an active (deaf) bot restarted.
   * Every other move goes forward by rank. MeetingStatusTest runs every statement from every status
   * and checks it against {@link #allowedFrom}.
   */
  private static final Map<BotStatus, Set<BotStatus>> BACKWARD = Map.of(
      FAILED, EnumSet.of(REQUESTED),
      CANCELLED, EnumSet.of(SCHEDULED),
      ACTIVE, EnumSet.of(RESTARTING));

  private final String value;
  private final int rank;

  BotStatus(String value, int rank) {
    this.value = value;
    this.rank = rank;
  }

  /** The name stored in Postgres and used in JSON. */
  public String value() {
    return value;
  }

  public int rank() {
    return rank;
  }

  public boolean terminal() {
    return rank == COMPLETED.rank;
  }

  /** True when this status is further along than {@code current}: the only moves allowed. */
  public boolean movesPast(BotStatus current) {
    return rank > current.rank;
  }

  /** True when a meeting's status may change from {@code from} to this one. */
  public boolean allowedFrom(BotStatus from) {
    return movesPast(from) || BACKWARD.getOrDefault(from, Set.of()).contains(this);
  }

  public static BotStatus of(String value) {
    for (BotStatus status : values()) {
      if (status.value.equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("not a bot status: " + value);
  }

  /**
   * Our status for one of Vexa's, or null for those we do not follow (its planned {@code idle},
   * {@code scheduled}, and {@code requested}, which our dispatch records itself). Vexa's
   * {@code needs_help} (0.12) and {@code needs_human_help} (0.10) are a stuck lobby for us.
   */
  public static BotStatus fromVexa(String vexaStatus) {
    if (vexaStatus == null) {
      return null;
    }
    return switch (vexaStatus) {
      case "joining" -> JOINING;
      case "awaiting_admission", "needs_help", "needs_human_help" -> AWAITING_ADMISSION;
      case "active" -> ACTIVE;
      case "stopping" -> STOPPING;
      case "completed" -> COMPLETED;
      case "failed" -> FAILED;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return value;
  }
}
