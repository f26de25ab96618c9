package com.targetdialer.meeting;

import com.targetdialer.config.LobbySettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Who gets another knock at the lobby, and when, at the shipped defaults (30 s later, 300 s left, once, not after a "no"). */
class LobbyRetryTest {

  private static final LobbyRetry DEFAULTS = new LobbyRetry(new LobbySettings(60, 30, 300, 1, false));
  private static final Instant GAVE_UP = Instant.parse("2026-11-26T10:15:00Z");
  private static final Instant END = Instant.parse("2026-11-26T10:30:00Z");

  @Test
  @DisplayName("a lobby timeout with time left: one knock, 30 s later")
  void timeout() {
    assertThat(DEFAULTS.nextKnock("awaiting_admission_timeout", "awaiting_admission", false, GAVE_UP, END, 0))
        .isEqualTo(GAVE_UP.plusSeconds(30));
    assertThat(DEFAULTS.nextKnock(null, "awaiting_admission", false, GAVE_UP, END, 0)).as("failed at the door, no reason").isNotNull();
    assertThat(DEFAULTS.nextKnock("awaiting_admission_timeout", null, false, GAVE_UP, END, 1)).as("the one re-knock used").isNull();
  }

  @Test
  @DisplayName("none after a rejection (unless LOBBY_RETRY_ON_REJECT), a bot that was let in, another failure, or too little time left")
  void noKnock() {
    assertThat(DEFAULTS.nextKnock("awaiting_admission_rejected", "awaiting_admission", false, GAVE_UP, END, 0)).isNull();
    assertThat(new LobbyRetry(new LobbySettings(60, 30, 300, 1, true))
        .nextKnock("awaiting_admission_rejected", "awaiting_admission", false, GAVE_UP, END, 0)).isEqualTo(GAVE_UP.plusSeconds(30));
    assertThat(DEFAULTS.nextKnock("awaiting_admission_timeout", null, true, GAVE_UP, END, 0)).isNull();
    assertThat(DEFAULTS.nextKnock("join_failure", "joining", false, GAVE_UP, END, 0)).isNull();
    assertThat(DEFAULTS.nextKnock("awaiting_admission_timeout", null, false, END.minusSeconds(300), END, 0)).isNull();
    assertThat(DEFAULTS.nextKnock("awaiting_admission_timeout", null, false, GAVE_UP, null, 0)).as("no scheduled end").isNull();
  }
}
