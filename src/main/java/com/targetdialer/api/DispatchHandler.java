package com.targetdialer.api;

import com.targetdialer.Addresses;
import com.targetdialer.config.VexaSettings;
import com.targetdialer.dispatch.DispatchRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /dispatch/bot}: validates the request and hands it to DispatchVerticle, which claims
 * the occurrence and starts the bot. Vexa refusing or unreachable is a 502, never a 500.
 */
final class DispatchHandler implements Handler<RoutingContext> {

  private final Vertx vertx;
  private final DeliveryOptions delivery;

  DispatchHandler(Vertx vertx, VexaSettings vexa) {
    this.vertx = vertx;
    // Enough for every retry of the Vexa call, so the reply, not a timeout, decides the answer.
    long timeout = (long) vexa.timeoutMs() * vexa.maxAttempts() + 30_000L * (vexa.maxAttempts() - 1) + 10_000;
    this.delivery = new DeliveryOptions().setSendTimeout(timeout);
  }

  @Override
  public void handle(RoutingContext ctx) {
    DispatchRequest request;
    try {
      request = DispatchRequest.fromJson(JsonBodies.object(ctx));
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.DISPATCH_REQUEST, request.toJson(), delivery)
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(failure -> {
          if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            int code = reply.failureCode();
            JsonErrors.send(ctx, code >= 400 && code < 600 ? code : 500, reply.getMessage());
          } else {
            JsonErrors.send(ctx, 503, "dispatch is unavailable: " + failure.getMessage());
          }
        });
  }
}
