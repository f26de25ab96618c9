package com.targetdialer.ledger;

/** Why part of a meeting was not heard (contract: these strings), with the words the page and reasons use. */
public enum GapCause {
  LATE_JOIN("late_join", "the bot joined late"),
  LOBBY("lobby", "the bot was waiting in the lobby"),
  DEAF("deaf", "the bot could not hear"),
  RESTART("restart", "the bot was restarted"),
  STREAM("stream", "the live stream was down"),
  UNKNOWN("unknown", "no bot was listening");

  private final String value;
  private final String words;

  GapCause(String value, String words) {
    this.value = value;
    this.words = words;
  }

  public String value() {
    return value;
  }

  /** For a person: "— 25 s not captured: the bot was restarted —". */
  public String words() {
    return words;
  }
}
