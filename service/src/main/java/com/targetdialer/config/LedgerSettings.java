package com.targetdialer.config;

/**
 * The capture ledger: how each meeting's outcome and coverage are judged.
 *
 * @param captureMinCoverage   a meeting with a transcript is {@code captured} at this share of its span heard, else {@code partial}
 * @param sweepIntervalSeconds how often the outcomes and coverage of meetings under way or just changed are brought up to date
 */
public record LedgerSettings(double captureMinCoverage, int sweepIntervalSeconds) {

  static LedgerSettings read(SettingReader read) {
    return new LedgerSettings(
        read.decimal("CAPTURE_MIN_COVERAGE", 0.0, 1.0),
        read.integer("LEDGER_SWEEP_INTERVAL_S", 1, 3_600));
  }
}
