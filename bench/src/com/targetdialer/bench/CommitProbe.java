package com.targetdialer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * When each confirmed segment became visible: PersistVerticle publishes every changed row on
 * {@code transcript.live.<meeting>} once its statement has committed; an outbound interceptor on the
 * service's own event bus notes the time of each completed one. updated_at is the statement's
 * start (now()), so this is the later, user-visible moment. Records only while switched on.
 */
final class CommitProbe {

  private static final String PREFIX = "transcript.live.";

  private final ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();
  private volatile boolean on;

  static CommitProbe attach(Vertx service, LongSupplier nowMicros) {
    CommitProbe probe = new CommitProbe();
    service.eventBus().addOutboundInterceptor(context -> {
      if (probe.on && context.message().address().startsWith(PREFIX) && context.body() instanceof JsonObject row
          && Boolean.TRUE.equals(row.getValue("completed")) && row.getValue("segment_key") instanceof String key
          && key.startsWith("ch-0:1:") && row.getValue("meeting_id") instanceof Number meeting) {
        probe.seen.add(new long[] {LiveMeetings.key(meeting.longValue(), Long.parseLong(key.substring(7))), nowMicros.getAsLong()});
      }
      context.next();
    });
    return probe;
  }

  void start() {
    seen.clear();
    on = true;
  }

  void stop() {
    on = false;
  }

  /** Moves what was seen since the last call into {@code into} (first sight wins). */
  void drainInto(Map<Long, Long> into) {
    long[] entry;
    int bound = 10_000_000; // the queue only holds what was published meanwhile
    while (bound-- > 0 && (entry = seen.poll()) != null) {
      into.putIfAbsent(entry[0], entry[1]);
    }
  }
}
