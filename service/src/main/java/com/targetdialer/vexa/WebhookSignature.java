package com.targetdialer.vexa;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Vexa's webhook signature: {@code X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>},
 * checked over the raw bytes (never a re-serialization) within a replay window.
 */
public final class WebhookSignature {

  private final byte[] secret;
  private final long toleranceSeconds;
  /** A keyed Mac per thread: building one per request costs more than the HMAC itself. */
  private final ThreadLocal<Mac> macs;

  public WebhookSignature(String secret, long toleranceSeconds) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.toleranceSeconds = toleranceSeconds;
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Null when the request is authentic, else why not (for the log and the 401 detail). */
  public String check(String timestamp, String signature, Buffer body, long nowEpochSeconds) {
    if (timestamp == null || signature == null) {
      return "missing X-Webhook-Timestamp or X-Webhook-Signature";
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return "X-Webhook-Timestamp is not unix seconds";
    }
    if (Math.abs(nowEpochSeconds - sentAt) > toleranceSeconds) {
      return "X-Webhook-Timestamp is outside the " + toleranceSeconds + " s window";
    }
    byte[] expected = ("sha256=" + sign(timestamp.trim(), body)).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
      return "signature does not match";
    }
    return null;
  }

  /** The legacy form: {@code Authorization: Bearer <secret>}, compared in constant time. */
  public boolean bearerMatches(String authorization) {
    return authorization != null && authorization.startsWith("Bearer ")
        && MessageDigest.isEqual(secret, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  /** Hex HMAC of {@code timestamp + "." + body}; also what the simulator signs with. */
  public String sign(String timestamp, Buffer body) {
    Mac mac = macs.get();
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    mac.update(body.getBytes());
    return HexFormat.of().formatHex(mac.doFinal());
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
