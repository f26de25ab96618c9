package com.targetdialer.ledger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The ledger's verdict on one meeting: its outcome, a sentence a salesperson understands, the share of
 * its span ({@code coverageFrom} .. {@code coverageTo}) a hearing bot covered (null while there is
 * nothing to measure), and the gaps by cause.
 */
public record Assessment(Outcome outcome, String reason, Double coverageRatio, List<Gap> gaps, Instant coverageFrom, Instant coverageTo) {

  Assessment(Outcome outcome, String reason, Double coverageRatio, List<Gap> gaps) {
    this(outcome, reason, coverageRatio, gaps, null, null);
  }

  Assessment over(Instant from, Instant to) {
    return new Assessment(outcome, reason, coverageRatio, gaps, from, to);
  }

  /** A stretch of the meeting nobody heard. */
  public record Gap(Instant from, Instant to, GapCause cause) {

    public Duration length() {
      return Duration.between(from, to);
    }

    public JsonObject toJson() {
      return new JsonObject().put("from", from.toString()).put("to", to.toString()).put("cause", cause.value())
          .put("seconds", length().toMillis() / 1000.0);
    }
  }

  public JsonArray gapsJson() {
    JsonArray json = new JsonArray();
    gaps.forEach(gap -> json.add(gap.toJson()));
    return json;
  }

  /** The fields the read API, the event log and {@code meetings.updates} carry. */
  public JsonObject toJson() {
    return new JsonObject().put("outcome", outcome.value()).put("outcome_reason", reason).put("coverage_ratio", coverageRatio)
        .put("gaps", gapsJson())
        .put("coverage_from", coverageFrom == null ? null : coverageFrom.toString())
        .put("coverage_to", coverageTo == null ? null : coverageTo.toString());
  }

  /** "25 s", "3 min 10 s", "1 h 5 min". */
  static String words(Duration duration) {
    long seconds = Math.max(0, Math.round(duration.toMillis() / 1000.0));
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }
    return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
  }
}
