package com.targetdialer.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.concurrent.TimeUnit;

/**
 * Whether this node can do its work: Postgres answers and is at the schema this jar expects,
 * and Redis answers. Each part is checked with a short timeout so /ready itself never hangs.
 */
final class ReadinessCheck {

  private static final long TIMEOUT_MS = 2_000;
  private static final String CURRENT_SCHEMA =
      "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1";

  private final Pool pg;
  private final Redis redis;
  private final String expectedSchema;

  ReadinessCheck(Pool pg, Redis redis, String expectedSchema) {
    this.pg = pg;
    this.redis = redis;
    this.expectedSchema = expectedSchema;
  }

  /** Completes with {@code {"status": "UP"|"DOWN", "checks": {...}}}; never fails. */
  Future<JsonObject> run() {
    Future<String> postgres = pg.query(CURRENT_SCHEMA).execute()
        .map(this::schemaProblem)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .otherwise(ReadinessCheck::describe);
    Future<String> redisState = redis.send(Request.cmd(Command.PING))
        .map(reply -> (String) null)
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .otherwise(ReadinessCheck::describe);
    return Future.join(postgres, redisState).transform(ignored -> {
      JsonObject checks = new JsonObject()
          .put("postgres", state(postgres.result()))
          .put("redis", state(redisState.result()));
      boolean up = postgres.result() == null && redisState.result() == null;
      JsonObject result = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks);
      if (!up) {
        result.put("detail", firstProblem(postgres.result(), redisState.result()));
      }
      return Future.succeededFuture(result);
    });
  }

  private String schemaProblem(RowSet<Row> rows) {
    String version = rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null;
    if (!expectedSchema.equals(version)) {
      return "schema is at version " + version + ", this build needs " + expectedSchema;
    }
    return null;
  }

  private static String state(String problem) {
    return problem == null ? "UP" : "DOWN: " + problem;
  }

  private static String firstProblem(String postgres, String redis) {
    return postgres != null ? "postgres: " + postgres : "redis: " + redis;
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
