package com.targetdialer.api;

import com.targetdialer.bus.ReplyTimeouts;
import com.targetdialer.bus.Failures;
import com.targetdialer.bus.Addresses;
import com.targetdialer.config.PlatformSettings;
import com.targetdialer.config.Settings;
import com.targetdialer.dispatch.DispatchRequest;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /dispatch/bot}: validates the request and hands it to DispatchVerticle, which claims
 * the occurrence and starts the bot. Vexa refusing or unreachable is a 502, never a 500.
 */
final class DispatchHandler implements Handler<RoutingContext> {

  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final PlatformSettings platforms;

  DispatchHandler(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.platforms = settings.platforms();
    this.delivery = ReplyTimeouts.dispatch(settings);
  }

  @Override
  public void handle(RoutingContext ctx) {
    DispatchRequest request;
    try {
      request = DispatchRequest.fromJson(JsonBodies.object(ctx), platforms);
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.DISPATCH_REQUEST, request.toJson(), delivery)
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(failure -> JsonErrors.send(ctx, Failures.httpStatus(failure), Failures.detail(failure, "dispatch")));
  }
}
