package com.targetdialer.sim.vexa;

import io.vertx.core.http.HttpMethod;

/** A scripted failure: the next {@code remaining} requests matching method and path prefix get {@code status}. */
final class FaultRule {

  final String method;
  final String pathPrefix;
  final int status;
  final String retryAfter;
  private int remaining;

  FaultRule(String method, String pathPrefix, int status, int count, String retryAfter) {
    this.method = method == null || method.isBlank() || "*".equals(method) ? null : method.toUpperCase();
    this.pathPrefix = pathPrefix == null ? "" : pathPrefix;
    this.status = status;
    this.remaining = count;
    this.retryAfter = retryAfter;
  }

  /** Takes one use if the request matches; callers hold the rule list's lock. */
  boolean take(HttpMethod requestMethod, String path) {
    if (remaining <= 0 || (method != null && !method.equals(requestMethod.name())) || !path.startsWith(pathPrefix)) {
      return false;
    }
    remaining--;
    return true;
  }

  boolean spent() {
    return remaining <= 0;
  }

  /** The {@code detail} the real edge gives for this status, so clients parse a realistic body. */
  String detail() {
    return switch (status) {
      case 429 -> "Rate limit exceeded";
      case 502 -> "upstream unreachable: ConnectError";
      case 503 -> "Authentication temporarily unavailable, retry";
      case 504 -> "upstream timeout";
      default -> "simulated failure (" + status + ")";
    };
  }
}
