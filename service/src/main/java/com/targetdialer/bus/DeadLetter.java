package com.targetdialer.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Something that arrived and could not be applied, kept with its raw body: the message to
 * {@code persist.dead-letter}. {@code reason} is one of {@link Reason}'s codes (it labels the
 * {@code td_dead_letters_total} metric, so the set stays small); {@code error} says it for a person.
 */
public record DeadLetter(String source, Reason reason, String streamId, String rawBody, String error, int attempts) {

  /** Where it came from. */
  public static final String WEBHOOK = "vexa_webhook";
  public static final String LIVE = "vexa_ws";
  public static final String REST = "vexa_rest";

  /** Why it could not be applied. */
  public enum Reason {
    /** The body is not a JSON object. */
    NOT_JSON("not_json"),
    /** An event type or payload shape we do not know. */
    UNKNOWN_EVENT("unknown_event"),
    /** A known event that carries nothing we track (recording.ready, a status such as requested). */
    UNTRACKED("untracked"),
    /** The event lacks the id that names its bot or meeting. */
    MISSING_ID("missing_id"),
    /** Segments for a meeting we do not have, or no longer have. */
    UNKNOWN_MEETING("unknown_meeting"),
    /** A status change for a bot we never learned of, after waiting for it. */
    UNKNOWN_BOT("unknown_bot"),
    /** A segment with no segment_id and no start time, absolute or relative. */
    UNKEYABLE_SEGMENT("unkeyable_segment"),
    /** Postgres refused the write, again and again. */
    NOT_STORED("not_stored");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    /** Why segments that {@code persist.segments} refused are kept: their meeting is gone (404), or they were not stored. */
    public static Reason ofRefusedSegments(Throwable failure) {
      return Failures.httpStatus(failure) == Failures.NOT_FOUND ? UNKNOWN_MEETING : NOT_STORED;
    }

    public static Reason of(String code) {
      for (Reason reason : values()) {
        if (reason.code.equals(code)) {
          return reason;
        }
      }
      throw new IllegalArgumentException("not a dead-letter reason: " + code);
    }
  }

  public DeadLetter {
    if (source == null || reason == null || rawBody == null || error == null) {
      throw new IllegalArgumentException("a dead letter needs source, reason, raw_body and error");
    }
  }

  public static DeadLetter of(String source, Reason reason, String streamId, String rawBody, String error) {
    return new DeadLetter(source, reason, streamId, rawBody, error, 1);
  }

  /** Sends it to PersistVerticle; completes once it is stored. */
  public Future<Void> keep(EventBus bus) {
    return bus.request(Addresses.PERSIST_DEAD_LETTER, toJson()).mapEmpty();
  }

  public JsonObject toJson() {
    return new JsonObject().put("source", source).put("reason", reason.code()).put("stream_id", streamId)
        .put("raw_body", rawBody).put("error", error).put("attempts", attempts);
  }

  public static DeadLetter fromJson(JsonObject json) {
    return new DeadLetter(json.getString("source"), Reason.of(json.getString("reason", "")), json.getString("stream_id"),
        json.getString("raw_body"), json.getString("error"), json.getInteger("attempts", 1));
  }
}
