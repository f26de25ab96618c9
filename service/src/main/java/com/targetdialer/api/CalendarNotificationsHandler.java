package com.targetdialer.api;

import com.targetdialer.bus.ReplyTimeouts;
import com.targetdialer.bus.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /calendar/notifications}: Google's push pings (empty body, everything in {@code X-Goog-*}
 * headers). The channel id and token are checked against the stored channel (constant time) by
 * CalendarVerticle; a good ping is answered 200 with an empty body at once and the sync runs after,
 * debounced. A forged one gets 403 and causes nothing.
 */
final class CalendarNotificationsHandler implements Handler<RoutingContext> {

  private static final DeliveryOptions DELIVERY = ReplyTimeouts.calendarNotification();

  private final Vertx vertx;

  CalendarNotificationsHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String channelId = ctx.request().getHeader("X-Goog-Channel-ID");
    String state = ctx.request().getHeader("X-Goog-Resource-State");
    if (channelId == null || channelId.isBlank() || state == null || state.isBlank()) {
      JsonErrors.send(ctx, 400, "not a Google push notification: X-Goog-Channel-ID and X-Goog-Resource-State are required");
      return;
    }
    JsonObject ping = new JsonObject()
        .put("channel_id", channelId)
        .put("token", ctx.request().getHeader("X-Goog-Channel-Token"))
        .put("resource_id", ctx.request().getHeader("X-Goog-Resource-ID"))
        .put("state", state)
        .put("message_number", ctx.request().getHeader("X-Goog-Message-Number"));
    vertx.eventBus().<JsonObject>request(Addresses.CALENDAR_NOTIFICATION, ping, DELIVERY)
        .onSuccess(reply -> ctx.response().setStatusCode(200).end())
        .onFailure(failure -> CalendarsHandler.fail(ctx, failure));
  }
}
