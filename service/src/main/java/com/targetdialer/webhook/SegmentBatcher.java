package com.targetdialer.webhook;

import com.targetdialer.bus.SegmentBatch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live segments for PersistVerticle gathered over one event-loop turn: what one pass reads (an
 * inbox round, the frames of one socket read) goes as one {@code persist.segments} request per
 * meeting instead of one per payload, in the order it came. If a gathered request fails, each part
 * is sent again on its own, so a payload that cannot be written fails alone. Used from its
 * context's event loop only.
 */
final class SegmentBatcher {

  private final Context context;
  private final EventBus bus;
  private final Map<Long, List<Part>> gathered = new LinkedHashMap<>();

  SegmentBatcher(Context context, EventBus bus) {
    this.context = context;
    this.bus = bus;
  }

  /** Completes once these segments of the meeting are written. */
  Future<Void> persist(long meetingId, JsonArray segments) {
    if (gathered.isEmpty()) {
      context.runOnContext(ignored -> flush());
    }
    Part part = new Part(segments, Promise.promise());
    gathered.computeIfAbsent(meetingId, id -> new ArrayList<>()).add(part);
    return part.written().future();
  }

  private record Part(JsonArray segments, Promise<Void> written) {
  }

  private void flush() {
    Map<Long, List<Part>> turn = new LinkedHashMap<>(gathered);
    gathered.clear();
    turn.forEach((meetingId, parts) -> {
      if (parts.size() == 1) {
        send(meetingId, parts.get(0));
        return;
      }
      JsonArray all = new JsonArray();
      parts.forEach(part -> all.addAll(part.segments()));
      SegmentBatch.live(meetingId, all).send(bus).onComplete(written -> {
        if (written.succeeded()) {
          parts.forEach(part -> part.written().complete());
        } else {
          parts.forEach(part -> send(meetingId, part));
        }
      });
    });
  }

  private void send(long meetingId, Part part) {
    SegmentBatch.live(meetingId, part.segments()).send(bus).<Void>mapEmpty().onComplete(part.written());
  }
}
