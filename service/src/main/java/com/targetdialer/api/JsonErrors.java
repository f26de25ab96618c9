package com.targetdialer.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one error shape of the HTTP API: {@code {"error": "<code>", "detail": "<what happened>"}}. */
public final class JsonErrors {

  private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);

  private JsonErrors() {
  }

  public static void send(RoutingContext ctx, int status, String detail) {
    send(ctx, status, new JsonObject().put("error", code(status)).put("detail", detail));
  }

  /** Sends a body that already has {@code error} and {@code detail}, plus any extra fields. */
  public static void send(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    if (response.ended()) {
      return;
    }
    if (status >= 500) {
      LOG.warn("request failed [method: {}, path: {}, status: {}, detail: {}]", ctx.request().method(), ctx.normalizedPath(), status, body.getString("detail"));
    } else {
      LOG.info("request rejected [method: {}, path: {}, status: {}, detail: {}]", ctx.request().method(), ctx.normalizedPath(), status, body.getString("detail"));
    }
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  /** Turns every failed route, and every unmatched one, into the JSON shape. */
  static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
    }
    if (status < 400) {
      status = 500;
    }
    if (status == 500 && failure != null) {
      LOG.error("unexpected error [method: {}, path: {}]", ctx.request().method(), ctx.normalizedPath(), failure);
      send(ctx, 500, "unexpected error; the service log has the details");
      return;
    }
    send(ctx, status, detail(status, failure, ctx));
  }

  private static String detail(int status, Throwable failure, RoutingContext ctx) {
    if (failure instanceof HttpException http && http.getPayload() != null) {
      return http.getPayload();
    }
    return switch (status) {
      case 404 -> "no such resource: " + ctx.request().method() + " " + ctx.normalizedPath();
      case 405 -> "method " + ctx.request().method() + " is not allowed on " + ctx.normalizedPath();
      case 413 -> "request body is larger than the limit";
      default -> failure != null && failure.getMessage() != null ? failure.getMessage() : code(status);
    };
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 422 -> "unprocessable_entity";
      case 429 -> "too_many_requests";
      case 502 -> "bad_gateway";
      case 503 -> "unavailable";
      case 504 -> "gateway_timeout";
      default -> status >= 500 ? "internal_error" : "client_error";
    };
  }
}
