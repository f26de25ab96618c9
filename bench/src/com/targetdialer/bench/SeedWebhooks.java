package com.targetdialer.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Webhooks in the seed plan's example shape (one segment, relative times as strings, no segment_id, no
 * absolute times, no session_uid; the meeting named by its link), signed as Vexa 0.12 signs them, for
 * wrk (files of raw requests) and for the burst (LoadGenerator requests). Segment {@code n} starts at {@code n * 0.5} s,
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
   * Writes {@code count} signed webhooks for segments {@code first..} of a meeting as raw HTTP/1.1 POSTs of {@code url},
   * dealt round-robin into {@code threads} files {@code <prefix>.<k>} (one per wrk thread, bench/wrk/intake.lua), each
   * request a record {@code <byte length>\n<request>}. Signed now: write them right before the run.
   */
  void writeRequests(Path prefix, int threads, URI url, String nativeMeetingId, long first, long count) throws IOException {
    OutputStream[] files = new OutputStream[threads];
    try {
      for (int k = 0; k < threads; k++) {
        files[k] = new BufferedOutputStream(Files.newOutputStream(Path.of(prefix + "." + k)), 1 << 20);
      }
      for (long n = first; n < first + count; n++) {
        byte[] request = rawRequest(url, nativeMeetingId, n);
        OutputStream out = files[(int) ((n - first) % threads)];
        out.write(Integer.toString(request.length).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
        out.write(request);
      }
    } finally {
      for (OutputStream file : files) {
        if (file != null) {
          file.close();
        }
      }
    }
  }

  /** Segment {@code n} as one signed raw HTTP/1.1 POST of {@code url}, headers and body. */
  byte[] rawRequest(URI url, String nativeMeetingId, long n) {
    LoadGenerator.Request signed = signed(nativeMeetingId, n, 0, 1);
    byte[] body = signed.body().getBytes();
    byte[] head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
        + "\r\nContent-Type: application/json\r\nX-Webhook-Timestamp: " + signed.headers().get("X-Webhook-Timestamp")
        + "\r\nX-Webhook-Signature: " + signed.headers().get("X-Webhook-Signature")
        + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  /** Removes what {@link #writeRequests} wrote. */
  static void deleteRequests(Path prefix, int threads) throws IOException {
    for (int k = 0; k < threads; k++) {
      Files.deleteIfExists(Path.of(prefix + "." + k));
    }
  }
}
