package com.targetdialer.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** The webhook bodies the benchmarks send, signed as Vexa signs them ({@link VexaSigner}). */
final class Payloads {

  private static final String[] SPEAKERS = {"Alice Martin", "Bob Chen", "Carla Diaz", "Dev Patel"};
  private static final String[] WORDS = ("so the plan for this quarter is to ship the capture service first then the "
      + "live transcript view and after that we look at the calendar sync again because of the quota issue").split(" ");

  private final VexaSigner signer;
  private final String runId = String.format("%08x", ThreadLocalRandom.current().nextInt());
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong segmentBatches = new AtomicLong();
  private final String statusHead;
  private final String statusTail;

  Payloads(String webhookSecret, String sessionUid) {
    this.signer = new VexaSigner(webhookSecret);
    // A real 0.12 meeting.status_change (reference/vexa-api.md §5): the bot was admitted. Built
    // once with a marker where the event id goes, so each request costs one concatenation.
    String marker = "@EVENT_ID@";
    String at = Instant.now().toString();
    JsonArray transitions = new JsonArray();
    String[][] steps = {{"requested", "joining"}, {"joining", "awaiting_admission"}, {"awaiting_admission", "active"}};
    for (String[] step : steps) {
      transitions.add(new JsonObject().put("from", step[0]).put("to", step[1]).put("timestamp", at)
          .put("timestamp_source", "producer").put("source", "bot_callback"));
    }
    JsonObject envelope = new JsonObject()
        .put("event_id", marker)
        .put("event_type", "meeting.status_change")
        .put("api_version", "2026-03-01")
        .put("created_at", at)
        .put("data", new JsonObject()
            .put("meeting", new JsonObject()
                .put("connection_id", sessionUid)
                .put("status", "active")
                .put("completion_reason", null)
                .put("failure_stage", null)
                .put("data", new JsonObject().put("status_transition", transitions)
                    .put("bot_container_id", "mtg-4242-" + runId)
                    .put("lifecycle_contract_version", "2026-07-28")))
            .put("status_change", new JsonObject()
                .put("old_status", "awaiting_admission")
                .put("new_status", "active")
                .put("reason", "admitted_by_host")
                .put("transition_source", "bot_callback")));
    String text = envelope.encode();
    statusHead = text.substring(0, text.indexOf(marker));
    statusTail = text.substring(text.indexOf(marker) + marker.length());
  }

  /** A signed status change with a unique event id; thread-safe. */
  LoadGenerator.Request statusChange() {
    String eventId = "evt_" + runId + String.format("%024x", events.incrementAndGet());
    return signer.signed(Buffer.buffer(statusHead + eventId + statusTail));
  }

  int statusChangeBytes() {
    return statusChange().body().length();
  }

  /**
   * The next seed-style payload for a meeting named by its link: {@code perPayload} completed
   * segments with unique ids, consecutive across calls; thread-safe.
   */
  LoadGenerator.Request seedSegments(String nativeMeetingId, String sessionUid, int perPayload, Instant meetingStart) {
    long batch = segmentBatches.getAndIncrement();
    JsonArray segments = new JsonArray();
    for (int i = 0; i < perPayload; i++) {
      segments.add(segment(runId, batch * perPayload + i, meetingStart));
    }
    JsonObject body = new JsonObject().put("native_meeting_id", nativeMeetingId).put("platform", "google_meet")
        .put("session_uid", sessionUid).put("segments", segments);
    return signer.signed(body.toBuffer());
  }

  /**
   * Webhook number {@code n} in exactly the seed plan's example shape ({@link SeedWebhooks#body}, whole):
   * one segment, relative times as strings, no segment_id, no absolute times, no session_uid. The start
   * moves by 0.5 s per {@code n}, so every body is a segment of its own (the service keys these by
   * session, relative start and speaker).
   */
  LoadGenerator.Request seedExample(String nativeMeetingId, long n) {
    return signer.signed(SeedWebhooks.body(nativeMeetingId, n, 0, 1));
  }

  /** Segment number {@code n} of a meeting, as a seed-style webhook carries it. */
  static JsonObject segment(String idPrefix, long n, Instant meetingStart) {
    Instant start = meetingStart.plusMillis(n * 2_500);
    return new JsonObject()
        .put("segment_id", "seg-" + idPrefix + "-" + n)
        .put("text", sentence(n))
        .put("speaker", SPEAKERS[(int) (n % SPEAKERS.length)])
        .put("language", "en")
        .put("start", n * 2.5)
        .put("end", n * 2.5 + 2.4)
        .put("absolute_start_time", start.toString())
        .put("absolute_end_time", start.plusMillis(2_400).toString())
        .put("completed", true);
  }

  /** Restart the segment numbering for a new meeting. */
  void resetSegments() {
    segmentBatches.set(0);
  }

  /** About 80 characters of speech, different for every segment. */
  static String sentence(long n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < 72; i++) {
      text.append(WORDS[(int) ((n * 7 + i * 3) % WORDS.length)]).append(' ');
    }
    return text.append("(").append(n).append(")").toString();
  }
}
