package com.targetdialer.api;

import com.targetdialer.http.Tokens;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code Authorization: Bearer <key>} checked in constant time; an unset key refuses everyone. */
final class BearerAuth implements Handler<RoutingContext> {

  private final String setting;
  private final String key;

  BearerAuth(String setting, String key) {
    this.setting = setting;
    this.key = key;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (key == null) {
      JsonErrors.send(ctx, 503, setting + " is not set on this service, so this endpoint is closed");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      JsonErrors.send(ctx, 401, "send Authorization: Bearer <" + setting + ">");
      return;
    }
    if (!Tokens.matches(key, header.substring(7).trim())) {
      JsonErrors.send(ctx, 401, "the bearer key is not " + setting);
      return;
    }
    ctx.next();
  }
}
