package com.targetdialer.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The {@code persist.segments} request: normalized segments (see {@code VexaSegments}) to merge into
 * one meeting's transcript, answered with how many changed. {@code live} segments move the
 * meeting's first and last heard times; a {@code finalSession} batch is a finished bot session's
 * final transcript, which also retracts that session's drafts it does not hold.
 */
public record SegmentBatch(long meetingId, boolean live, JsonArray segments, FinalSession finalSession) {

  /** The bot session whose final transcript this is. */
  public record FinalSession(long sessionId, String sessionUid) {
  }

  /** Segments heard while the meeting runs (live stream, webhooks, a gap fill). */
  public static SegmentBatch live(long meetingId, JsonArray segments) {
    return new SegmentBatch(meetingId, true, segments, null);
  }

  /** A finished session's final transcript, read back from Vexa. */
  public static SegmentBatch finalTranscript(long meetingId, JsonArray segments, long sessionId, String sessionUid) {
    return new SegmentBatch(meetingId, false, segments, new FinalSession(sessionId, sessionUid));
  }

  /** Sends it to PersistVerticle on this node, without a copy; completes with the number of segments that changed. */
  public Future<Integer> send(EventBus bus) {
    return bus.<JsonObject>request(Addresses.PERSIST_SEGMENTS, toJson(), LocalJson.noCopy()).map(reply -> reply.body().getInteger("changed"));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("meeting_id", meetingId).put("live", live).put("segments", segments);
    if (finalSession != null) {
      json.put("final_session", new JsonObject().put("session_id", finalSession.sessionId()).put("session_uid", finalSession.sessionUid()));
    }
    return json;
  }

  public static SegmentBatch fromJson(JsonObject json) {
    Long meetingId = json.getLong("meeting_id");
    JsonArray segments = json.getJsonArray("segments");
    if (meetingId == null || segments == null) {
      throw new IllegalArgumentException("persist.segments needs meeting_id and segments");
    }
    JsonObject session = json.getJsonObject("final_session");
    return new SegmentBatch(meetingId, json.getBoolean("live", false), segments,
        session == null ? null : new FinalSession(session.getLong("session_id"), session.getString("session_uid")));
  }
}
