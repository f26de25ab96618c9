package com.targetdialer.sim.vexa;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Serializes JSON the way Python's {@code json.dumps} does by default: {@code ", "} and
 * {@code ": "} separators and non-ASCII escaped as {@code \\uXXXX}. Vexa signs exactly these bytes,
 * so a receiver that re-serializes before verifying breaks; the simulator makes that visible.
 */
final class PyJson {

  private PyJson() {
  }

  static String dumps(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof JsonObject o) {
      writeMap(out, o.getMap());
    } else if (value instanceof Map<?, ?> m) {
      writeMap(out, m);
    } else if (value instanceof JsonArray a) {
      writeList(out, a.getList());
    } else if (value instanceof List<?> l) {
      writeList(out, l);
    } else if (value instanceof String s) {
      writeString(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float) {
      out.append(pyFloat(((Number) value).doubleValue()));
    } else if (value instanceof Number n) {
      out.append(n);
    } else {
      writeString(out, value.toString());
    }
  }

  private static void writeMap(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      writeString(out, String.valueOf(e.getKey()));
      out.append(": ");
      write(out, e.getValue());
    }
    out.append('}');
  }

  private static void writeList(StringBuilder out, List<?> list) {
    out.append('[');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      write(out, list.get(i));
    }
    out.append(']');
  }

  // Python's repr keeps a ".0" on integral floats and never uses Java's "1.7E9" form for epoch seconds.
  static String pyFloat(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.isNaN(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
    }
    String plain = BigDecimal.valueOf(d).toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  private static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
