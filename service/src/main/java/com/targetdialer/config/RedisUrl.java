package com.targetdialer.config;

import java.net.URI;
import java.net.URISyntaxException;

/** A Redis location, {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS. */
public record RedisUrl(String value) {

  public static RedisUrl parse(String setting, String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if (!scheme.equals("redis") && !scheme.equals("rediss")) {
        throw new ConfigException(setting, "expected redis://host:port, got scheme '" + scheme + "'");
      }
      if (uri.getHost() == null) {
        throw new ConfigException(setting, "expected redis://host:port, no host found");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(setting, "not a valid URL (" + e.getReason() + ")");
    }
    return new RedisUrl(text);
  }

  public static RedisUrl local(int port) {
    return new RedisUrl("redis://127.0.0.1:" + port);
  }

  /** Safe to log: the password, if any, is masked. */
  @Override
  public String toString() {
    return value.replaceFirst("//[^@/]*@", "//***@");
  }
}
