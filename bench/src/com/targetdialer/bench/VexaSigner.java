package com.targetdialer.bench;

import com.targetdialer.vexa.WebhookSignature;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Signs webhook bodies as Vexa 0.12 does, with the service's own {@link WebhookSignature}: a signing
 * mismatch shows up as 401s rather than as a fast path.
 */
final class VexaSigner {

  private final WebhookSignature signature;

  VexaSigner(String secret) {
    this.signature = new WebhookSignature(secret, 300);
  }

  /** Signed now: a timestamp of this second and its signature, as the service and the seed check them. */
  LoadGenerator.Request signed(Buffer body) {
    String timestamp = Long.toString(System.currentTimeMillis() / 1000);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("content-type", "application/json")
        .add("X-Webhook-Timestamp", timestamp)
        .add("X-Webhook-Signature", "sha256=" + signature.sign(timestamp, body));
    return new LoadGenerator.Request(headers, body);
  }
}
