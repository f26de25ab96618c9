package com.targetdialer.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** {@code Authorization: Bearer <key>} checked in constant time; an unset key refuses everyone. */
final class BearerAuth implements Handler<RoutingContext> {

  private final String setting;
  private final byte[] expectedDigest;

  BearerAuth(String setting, String key) {
    this.setting = setting;
    this.expectedDigest = key == null ? null : sha256(key);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (expectedDigest == null) {
      JsonErrors.send(ctx, 503, setting + " is not set on this service, so this endpoint is closed");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      JsonErrors.send(ctx, 401, "send Authorization: Bearer <" + setting + ">");
      return;
    }
    // Comparing digests keeps the time independent of where, and whether, the lengths differ.
    if (!MessageDigest.isEqual(expectedDigest, sha256(header.substring(7).trim()))) {
      JsonErrors.send(ctx, 401, "the bearer key is not " + setting);
      return;
    }
    ctx.next();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
