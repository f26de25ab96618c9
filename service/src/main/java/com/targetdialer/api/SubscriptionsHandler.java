package com.targetdialer.api;

import com.targetdialer.events.EventTypes;
import com.targetdialer.events.Signature;
import com.targetdialer.events.Subscriptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /subscriptions}, {@code GET /subscriptions}, {@code DELETE /subscriptions/{id}},
 * {@code POST /subscriptions/{id}/replay} and {@code GET /api/events}, behind INTERNAL_API_KEY. A
 * subscription is a configuration row, so it is written here directly (as the inbox append is):
 * DeliveryVerticle picks it up on its next poll.
 */
final class SubscriptionsHandler {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1_000;

  private final Subscriptions subscriptions;

  SubscriptionsHandler(Subscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  void create(RoutingContext ctx) {
    String url;
    List<String> types;
    String secret;
    try {
      JsonObject body = JsonBodies.object(ctx);
      url = url(body.getValue("url"));
      types = types(body.getValue("types"));
      Object given = body.getValue("secret");
      if (given != null && !(given instanceof String)) {
        throw new IllegalArgumentException("secret must be a string");
      }
      secret = given == null ? Signature.newSecret() : (String) given;
      String problem = Signature.problem(secret);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    subscriptions.create(url, types, secret)
        .onSuccess(created -> ctx.response().setStatusCode(201).putHeader("content-type", "application/json")
            .end(created.put("secret", secret).encode())) // the only time the secret is shown
        .onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    subscriptions.list().onSuccess(all -> ctx.json(new JsonObject().put("subscriptions", all))).onFailure(ctx::fail);
  }

  void delete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    subscriptions.delete(id).onSuccess(existed -> {
      if (existed) {
        ctx.response().setStatusCode(204).end();
      } else {
        JsonErrors.send(ctx, 404, "no subscription " + id);
      }
    }).onFailure(ctx::fail);
  }

  void replay(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    long fromSeq;
    try {
      Object value = JsonBodies.object(ctx).getValue("from_seq");
      if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue()) || number.longValue() < 1) {
        throw new IllegalArgumentException("from_seq must be a whole number from 1");
      }
      fromSeq = number.longValue();
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    subscriptions.replay(id, fromSeq).onSuccess(subscription -> {
      if (subscription == null) {
        JsonErrors.send(ctx, 404, "no subscription " + id);
      } else {
        ctx.json(subscription.put("from_seq", fromSeq));
      }
    }).onFailure(ctx::fail);
  }

  /** {@code GET /api/events?after=<seq>&limit=<n>&types=a,b}: the events after a seq, in order. */
  void events(RoutingContext ctx) {
    long after;
    int limit;
    List<String> types;
    try {
      after = number(ctx.queryParams().get("after"), "after", 0, Long.MAX_VALUE, 0);
      limit = (int) number(ctx.queryParams().get("limit"), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
      String typesParam = ctx.queryParams().get("types");
      types = typesParam == null || typesParam.isBlank() ? null : types(new JsonArray(List.of((Object[]) typesParam.split(","))));
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    subscriptions.events(after, types, limit).onSuccess(events -> {
      long last = events.isEmpty() ? after : events.getJsonObject(events.size() - 1).getLong("seq");
      ctx.json(new JsonObject().put("events", events).put("next_after", last));
    }).onFailure(ctx::fail);
  }

  private static String url(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("url is required: the http(s) address events are POSTed to");
    }
    try {
      URI uri = new URI(text.trim());
      if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase()) || uri.getHost() == null) {
        throw new IllegalArgumentException("url must be an absolute http or https URL, got '" + text + "'");
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid URL: '" + text + "'");
    }
  }

  private static List<String> types(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException("types must be a non-empty array of event types, from " + EventTypes.ALL);
    }
    List<String> types = new ArrayList<>();
    for (Object item : array) {
      String type = item instanceof String text ? text.trim() : null;
      if (type == null || !EventTypes.ALL.contains(type)) {
        throw new IllegalArgumentException("unknown event type " + item + "; the types are " + EventTypes.ALL);
      }
      if (!types.contains(type)) {
        types.add(type);
      }
    }
    return types;
  }

  private static long number(String text, String name, long min, long max, long fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.trim());
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
    }
  }
}
