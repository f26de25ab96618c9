package com.targetdialer.testing;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.RedisUrl;
import com.targetdialer.sim.vexa.VexaSimulator;

import java.util.HashMap;
import java.util.Map;

/** Builds the environment for a whole service started in this JVM against the test stores. */
public final class RunningService {

  private RunningService() {
  }

  /** Settings every in-JVM service needs in tests: any free port, one HTTP instance, quick retries. */
  public static Map<String, String> env(DatabaseUrl database, RedisUrl redis) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", "postgresql://" + database.user() + "@" + database.host() + ":" + database.port() + "/" + database.database());
    env.put("REDIS_URL", redis.value());
    env.put("REDIS_KEY_PREFIX", TestStores.newRedisPrefix());
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_INSTANCES", "2");
    env.put("DB_CONNECT_RETRY_S", "2");
    return env;
  }

  /** Points the service at a Vexa simulator: its URL and API key. */
  public static Map<String, String> useVexa(Map<String, String> env, VexaSimulator vexa) {
    env.put("VEXA_API_URL", vexa.baseUrl());
    env.put("VEXA_API_KEY", vexa.apiKey());
    return env;
  }

  public static TargetDialer start(Map<String, String> env) {
    return TargetDialer.start(new Arguments(null, false), env);
  }
}
