package com.targetdialer.events;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Standard Webhooks signing: the secret is {@code whsec_<base64 key>}, and
 * {@code webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>}.
 */
public final class Signature {

  public static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] key;

  private Signature(byte[] key) {
    this.key = key;
  }

  /** A new secret: 32 random bytes. */
  public static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** Why a given secret cannot be used, or null when it can. */
  public static String problem(String secret) {
    if (!secret.startsWith(PREFIX)) {
      return "secret must look like whsec_<base64>, as Standard Webhooks secrets do";
    }
    try {
      int length = Base64.getDecoder().decode(secret.substring(PREFIX.length())).length;
      return length < 24 || length > 64 ? "secret must hold 24 to 64 bytes after whsec_, base64-encoded" : null;
    } catch (IllegalArgumentException e) {
      return "the part of secret after whsec_ is not base64";
    }
  }

  /** @param secret a secret {@link #problem} accepts */
  public static Signature of(String secret) {
    return new Signature(Base64.getDecoder().decode(secret.substring(PREFIX.length())));
  }

  /** The {@code webhook-signature} header's value. */
  public String sign(String id, String timestamp, Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
