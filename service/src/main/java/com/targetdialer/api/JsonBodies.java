package com.targetdialer.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a request body as a JSON object, with a message fit for a 400 when it is not one. */
final class JsonBodies {

  private JsonBodies() {
  }

  static JsonObject object(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new IllegalArgumentException("the body is empty; send a JSON object");
    }
    Object parsed;
    try {
      parsed = body.toJsonValue();
    } catch (DecodeException e) {
      throw new IllegalArgumentException("the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    return object;
  }
}
