package com.targetdialer.api;

import com.targetdialer.access.Viewer;
import com.targetdialer.bus.ReplyTimeouts;
import com.targetdialer.bus.Failures;
import com.targetdialer.bus.Addresses;
import com.targetdialer.calendar.CalendarRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /calendars}, {@code GET /calendars}, {@code DELETE /calendars/{id}} and
 * {@code GET /calendars/{id}/events}: validates and hands over to CalendarVerticle, which owns the
 * credentials (encrypted before they are stored, never returned).
 */
final class CalendarsHandler {

  // Disconnecting calls Google (channels.stop, with retries): leave it the time to answer itself.
  private static final DeliveryOptions DELIVERY = ReplyTimeouts.calendar();

  private final Vertx vertx;

  CalendarsHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  void connect(RoutingContext ctx) {
    CalendarRequest request;
    try {
      request = CalendarRequest.fromJson(JsonBodies.object(ctx));
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    forward(ctx, Addresses.CALENDAR_CONNECT, request.toJson()).onSuccess(reply -> {
      JsonObject calendar = reply.body().copy();
      boolean created = Boolean.TRUE.equals(calendar.remove("created"));
      ctx.response().setStatusCode(created ? 201 : 200);
      ctx.json(calendar);
    });
  }

  void list(RoutingContext ctx) {
    forward(ctx, Addresses.CALENDAR_LIST, new JsonObject()).onSuccess(reply -> ctx.json(reply.body()));
  }

  /** The page's list: a person sees the calendars they own, an admin all. */
  void listOwn(RoutingContext ctx) {
    Viewer viewer = ViewerHandler.viewer(ctx);
    forward(ctx, Addresses.CALENDAR_LIST, new JsonObject()).onSuccess(reply -> {
      JsonArray own = new JsonArray();
      reply.body().getJsonArray("calendars").forEach(calendar -> {
        if (viewer.admin() || viewer.person().equals(((JsonObject) calendar).getString("owner"))) {
          own.add(calendar);
        }
      });
      ctx.json(new JsonObject().put("calendars", own));
    });
  }

  void disconnect(RoutingContext ctx) {
    forward(ctx, Addresses.CALENDAR_DISCONNECT, new JsonObject().put("id", ctx.pathParam("id")))
        .onSuccess(reply -> ctx.json(reply.body()));
  }

  void events(RoutingContext ctx) {
    forward(ctx, Addresses.CALENDAR_EVENTS, new JsonObject().put("id", ctx.pathParam("id")))
        .onSuccess(reply -> ctx.json(reply.body()));
  }

  private Future<Message<JsonObject>> forward(RoutingContext ctx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body, DELIVERY).onFailure(failure -> fail(ctx, failure));
  }

  static void fail(RoutingContext ctx, Throwable failure) {
    JsonErrors.send(ctx, Failures.httpStatus(failure), Failures.detail(failure, "calendars"));
  }
}
