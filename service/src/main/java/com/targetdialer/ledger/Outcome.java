package com.targetdialer.ledger;

/**
 * What became of a meeting (contract: these strings). All but {@code pending}, {@code cancelled} and
 * {@code skipped} are meetings that should have been recorded.
 */
public enum Outcome {
  PENDING("pending"),
  CAPTURED("captured"),
  PARTIAL("partial"),
  NOT_ADMITTED("not_admitted"),
  BOT_FAILED("bot_failed"),
  DEAF("deaf"),
  EMPTY("empty"),
  MISSED("missed"),
  CANCELLED("cancelled"),
  SKIPPED("skipped");

  private final String value;

  Outcome(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  /** Counted in the report's {@code meetings}: it should have been recorded (pending ones too, until decided). */
  public boolean shouldRecord() {
    return this != CANCELLED && this != SKIPPED;
  }

  public static Outcome of(String value) {
    for (Outcome outcome : values()) {
      if (outcome.value.equals(value)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException("not an outcome: " + value);
  }

  @Override
  public String toString() {
    return value;
  }
}
