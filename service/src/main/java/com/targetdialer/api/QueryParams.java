package com.targetdialer.api;

import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Query parameters of the read API, read one way everywhere; a bad one is an IllegalArgumentException saying what is expected. */
final class QueryParams {

  private QueryParams() {
  }

  /** An ISO-8601 time with a zone, or null when absent. */
  static OffsetDateTime time(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 time with a zone, like 2026-11-26T00:00:00Z");
    }
  }
}
