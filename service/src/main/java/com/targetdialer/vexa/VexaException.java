package com.targetdialer.vexa;

import com.targetdialer.platform.MeetingLink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A failed Vexa call. {@code status} is the HTTP status, or 0 when Vexa could not be reached.
 * {@code detail} is Vexa's {@code detail} flattened to text, whichever of its three forms it came in
 * (a string, a list of field errors, or an object with code and reason).
 */
public final class VexaException extends RuntimeException {

  private final int status;
  private final String detail;

  public VexaException(int status, String detail) {
    super(status == 0 ? "Vexa unreachable: " + detail : "Vexa answered " + status + ": " + detail);
    this.status = status;
    this.detail = detail;
  }

  /** Vexa's errors may quote the link it was given: a passcode in it is masked before anyone logs the detail. */
  public static VexaException fromResponse(int status, Buffer body) {
    return new VexaException(status, MeetingLink.withoutPasscodes(detailOf(body)));
  }

  public int status() {
    return status;
  }

  public String detail() {
    return detail;
  }

  public boolean unreachable() {
    return status == 0;
  }

  /** 429 for the account's concurrent-bot cap, as opposed to a request-rate limit worth retrying at once. */
  public boolean botLimitReached() {
    String text = detail.toLowerCase();
    return status == 429 && (text.contains("concurrent bot limit") || text.contains("bot concurrency limit"));
  }

  static String detailOf(Buffer body) {
    if (body == null || body.length() == 0) {
      return "(empty body)";
    }
    try {
      Object parsed = body.toJsonValue();
      if (parsed instanceof JsonObject json && json.containsKey("detail")) {
        return flatten(json.getValue("detail"));
      }
      return truncate(body.toString());
    } catch (DecodeException e) {
      return truncate(body.toString());
    }
  }

  private static String flatten(Object detail) {
    if (detail instanceof JsonObject object) {
      String code = object.getString("code", "error");
      String reason = object.getString("reason", object.getString("message", object.encode()));
      return code + ": " + reason;
    }
    if (detail instanceof JsonArray errors) {
      StringBuilder text = new StringBuilder();
      for (Object error : errors) {
        if (!text.isEmpty()) {
          text.append("; ");
        }
        if (error instanceof JsonObject field) {
          Object location = field.getValue("loc");
          text.append(location instanceof JsonArray path ? path.encode() : "").append(' ').append(field.getString("msg", field.encode()));
        } else {
          text.append(error);
        }
      }
      return text.toString().trim();
    }
    return String.valueOf(detail);
  }

  private static String truncate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
