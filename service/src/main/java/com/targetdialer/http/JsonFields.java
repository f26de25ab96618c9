package com.targetdialer.http;

import io.vertx.core.json.JsonObject;

/** Reading request bodies strictly: a field of the wrong type is an error for a 400, not a surprise later. */
public final class JsonFields {

  private JsonFields() {
  }

  /** A trimmed string, or null when absent or blank; anything but a string is refused. */
  public static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return text.isBlank() ? null : text.trim();
  }
}
