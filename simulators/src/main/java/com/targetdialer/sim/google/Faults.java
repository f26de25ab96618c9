package com.targetdialer.sim.google;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Scripted failures: the next {@code count} requests matching a target fail with a status and reason.
 * A target is a kind ({@code token}, {@code events.list}, {@code events.get}, {@code events.watch},
 * {@code channels.stop}, or {@code calendar} for any Calendar call) or a path prefix starting with {@code /}.
 * Not thread-safe: {@link SimState} guards every call.
 */
final class Faults {

  record Fault(String target, int status, String reason) {
  }

  private static final class Scripted {
    final Fault fault;
    int remaining;

    Scripted(Fault fault, int remaining) {
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  private final List<Scripted> scripted = new ArrayList<>();

  static String normalize(String target) {
    if (target.startsWith("/")) {
      return target;
    }
    return switch (target.toLowerCase(Locale.ROOT)) {
      case "list", "events.list" -> "events.list";
      case "get", "events.get" -> "events.get";
      case "watch", "events.watch" -> "events.watch";
      case "stop", "channels.stop" -> "channels.stop";
      case "token", "calendar" -> target.toLowerCase(Locale.ROOT);
      default -> throw new IllegalArgumentException("unknown fault target " + target
          + ": use token, events.list, events.get, events.watch, channels.stop, calendar or a path prefix");
    };
  }

  void add(String target, int status, String reason, int count) {
    if (count < 1 || status < 400 || status > 599) {
      throw new IllegalArgumentException("failNext needs count >= 1 and a 4xx/5xx status");
    }
    scripted.add(new Scripted(new Fault(normalize(target), status, reason), count));
  }

  /** Consumes and returns the first fault matching this request, or null. */
  Fault take(String kind, String rawPath, String decodedPath) {
    Iterator<Scripted> it = scripted.iterator();
    while (it.hasNext()) {
      Scripted next = it.next();
      String target = next.fault.target();
      boolean matches = target.equals(kind)
          || (target.equals("calendar") && !kind.equals("token"))
          || (target.startsWith("/") && (rawPath.startsWith(target) || decodedPath.startsWith(target)));
      if (matches) {
        if (--next.remaining == 0) {
          it.remove();
        }
        return next.fault;
      }
    }
    return null;
  }

  void clear() {
    scripted.clear();
  }
}
