package com.targetdialer.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Webhooks in the seed plan's example shape (one segment, relative times as strings, no segment_id, no
 * absolute times, no session_uid; the meeting named by its link), signed as Vexa 0.12 signs them, for
 * wrk (a file) and for the burst (LoadGenerator requests). Segment {@code n} starts at {@code n * 0.5} s,
 * so every n is a segment of its own (the service keys these by session, relative start and speaker).
 */
final class SeedWebhooks {

  private final VexaSigner signer;

  SeedWebhooks(String secret) {
    this.signer = new VexaSigner(secret);
  }

  /**
   * Segment {@code n} as version {@code version} of {@code versions}: Vexa sends a segment again while it
   * grows, so the earlier versions carry a prefix of its text and the last one all of it.
   */
  static Buffer body(String nativeMeetingId, long n, int version, int versions) {
    String text = Payloads.sentence(n);
    if (version < versions - 1) {
      text = text.substring(0, Math.max(1, text.length() * (version + 1) / versions));
    }
    JsonObject segment = new JsonObject()
        .put("text", text)
        .put("speaker", "Speaker " + (n % 4 + 1))
        .put("start_time", Double.toString(n * 0.5))
        .put("end_time", Double.toString(n * 0.5 + 0.5))
        .put("language", "en");
    return new JsonObject().put("native_meeting_id", nativeMeetingId).put("platform", "google_meet")
        .put("segments", new JsonArray().add(segment)).toBuffer();
  }

  /** Segment {@code n} as version {@code version} of {@code versions} ({@link #body}), signed now. */
  LoadGenerator.Request signed(String nativeMeetingId, long n, int version, int versions) {
    return signer.signed(body(nativeMeetingId, n, version, versions));
  }

  /**
   * Writes {@code count} signed webhooks for segments {@code first..} of a meeting, one a line
   * ({@code <timestamp>\t<signature>\t<body>}), for bench/wrk/intake.lua. Signed now: write it right before the run.
   */
  void writeFile(Path file, String nativeMeetingId, long first, int count) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long n = first; n < first + count; n++) {
        LoadGenerator.Request request = signed(nativeMeetingId, n, 0, 1);
        out.write(request.headers().get("X-Webhook-Timestamp"));
        out.write('\t');
        out.write(request.headers().get("X-Webhook-Signature"));
        out.write('\t');
        out.write(request.body().toString(StandardCharsets.UTF_8)); // one line: Vert.x encodes without newlines
        out.write('\n');
      }
    }
  }
}
