package com.targetdialer.bench;

import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;

import java.util.HashMap;
import java.util.Map;

/** The settings of a service started on a benchmark's own embedded stores, on a free loopback port. */
final class BenchEnv {

  private static final String SETTING = "bench.env.";

  private BenchEnv() {
  }

  /**
   * HTTP_PORT 0: the service picks a free port, which {@code TargetDialer.httpPort()} says. A system property
   * {@code bench.env.<NAME>} sets the service's setting NAME (e.g. {@code -Dbench.env.HTTP_INSTANCES=1}).
   */
  static Map<String, String> onStores(EmbeddedPostgresServer postgres, EmbeddedRedisServer redis) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres.url().port() + "/" + postgres.url().database());
    env.put("REDIS_URL", redis.url().value());
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(SETTING))
        .forEach(name -> env.put(name.substring(SETTING.length()), System.getProperty(name)));
    return env;
  }
}
