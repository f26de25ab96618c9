package com.targetdialer.api;

import com.targetdialer.access.AccessDenied;
import com.targetdialer.access.KeysUnavailable;
import com.targetdialer.access.Viewer;
import com.targetdialer.access.ViewerAuth;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The read API's door: {@code Authorization: Bearer <UI_TOKEN or a person's JWT>} becomes the request's
 * {@link Viewer}; anything else is a 401 in the usual error shape (its reason never quotes the token).
 */
final class ViewerHandler implements Handler<RoutingContext> {

  private static final String KEY = "viewer";

  private final ViewerAuth auth;

  ViewerHandler(ViewerAuth auth) {
    this.auth = auth;
  }

  static Viewer viewer(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      JsonErrors.send(ctx, 401, "send Authorization: Bearer <UI_TOKEN, or your sign-in token>");
      return;
    }
    auth.authenticate(header.substring(7).trim()).onComplete(result -> {
      if (result.succeeded()) {
        ctx.put(KEY, result.result());
        ctx.next();
      } else if (result.cause() instanceof KeysUnavailable unavailable) {
        JsonErrors.send(ctx, 503, unavailable.getMessage());
      } else {
        JsonErrors.send(ctx, 401, result.cause() instanceof AccessDenied denied ? denied.getMessage() : "the token cannot be checked");
      }
    });
  }
}
