package com.targetdialer.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Reads typed values out of the merged configuration. Values from environment variables arrive as
 * strings, values from JSON files as numbers or booleans: both are accepted, anything else is a
 * {@link ConfigException} naming the setting.
 */
final class SettingReader {

  private final JsonObject json;

  SettingReader(JsonObject json) {
    this.json = json;
  }

  String string(String name) {
    return required(name, optionalString(name));
  }

  String optionalString(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
      throw new ConfigException(name, "expected a string, got " + describe(value));
    }
    String text = value.toString().trim();
    return text.isEmpty() ? null : text;
  }

  double decimal(String name, double min, double max) {
    Object value = required(name, json.getValue(name));
    double parsed;
    if (value instanceof Number n) {
      parsed = n.doubleValue();
    } else if (value instanceof String s && !s.isBlank()) {
      try {
        parsed = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(name, "expected a number, got '" + s + "'");
      }
    } else {
      throw new ConfigException(name, "expected a number, got " + describe(value));
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  int integer(String name, int min, int max) {
    Object value = required(name, json.getValue(name));
    if (value instanceof String s && s.isBlank()) {
      throw new ConfigException(name, "is required");
    }
    long parsed;
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      parsed = n.longValue();
    } else if (value instanceof String s) {
      try {
        parsed = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(name, "expected a whole number, got '" + s + "'");
      }
    } else {
      throw new ConfigException(name, "expected a whole number, got " + describe(value));
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + parsed);
    }
    return (int) parsed;
  }

  boolean bool(String name) {
    Object value = required(name, json.getValue(name));
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim().toLowerCase();
    return switch (text) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(name, "expected true or false, got '" + value + "'");
    };
  }

  /** An absolute URL with one of the given schemes, without a trailing slash; null when unset. */
  String url(String name, List<String> schemes) {
    String text = optionalString(name);
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase()) || uri.getHost() == null) {
        throw new ConfigException(name, "expected a " + String.join(" or ", schemes) + " URL with a host, got '" + text + "'");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(name, "not a valid URL: " + e.getMessage());
    }
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /** A JSON array (from a config file, or an environment variable holding JSON); null when unset. */
  JsonArray array(String name) {
    Object value = json.getValue(name);
    if (value == null || value instanceof JsonArray) {
      return (JsonArray) value;
    }
    if (value instanceof String s) {
      if (s.isBlank()) {
        return null;
      }
      try {
        return new JsonArray(s);
      } catch (DecodeException e) {
        throw new ConfigException(name, "expected a JSON array, got '" + s + "'");
      }
    }
    throw new ConfigException(name, "expected an array, got " + describe(value));
  }

  private static <T> T required(String name, T value) {
    if (value == null) {
      throw new ConfigException(name, "is required");
    }
    return value;
  }

  private static String describe(Object value) {
    return value instanceof JsonObject ? "an object" : value instanceof Iterable<?> ? "an array" : "'" + value + "'";
  }
}
