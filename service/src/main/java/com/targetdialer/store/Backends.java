package com.targetdialer.store;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.RedisUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Where the stores are, once resolved (from the settings, or the embedded servers), and how a
 * verticle connects to them.
 *
 * @param schemaVersion the schema version the migrations left the database at
 * @param redisKeyPrefix prefix of every Redis key the service writes, so several deployments (or
 *                       tests) can share one Redis
 */
public record Backends(DatabaseUrl database, RedisUrl redis, String schemaVersion, String redisKeyPrefix, int poolSize) {

  private static final String SHARED_POOL = "td-pg";

  /** Statements up to this many characters are prepared once per connection (every statement of the service is shorter). */
  public static final int STATEMENT_CACHE_SQL_LIMIT = 16_384;

  /**
   * A Postgres pool shared by every verticle instance of this Vert.x instance; closing it releases
   * this verticle's reference only.
   */
  public Pool pgPool(Vertx vertx) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(database.host())
        .setPort(database.port())
        .setDatabase(database.database())
        .setUser(database.user())
        .setCachePreparedStatements(true)
        // The client caches only statements shorter than 2,048 characters by default; longer ones are parsed
        // and planned again on every execution. The segment merge (about 5,000) is the hottest statement.
        .setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT);
    if (database.password() != null) {
      connect.setPassword(database.password());
    }
    PoolOptions pool = new PoolOptions()
        .setMaxSize(poolSize)
        .setShared(true)
        .setName(SHARED_POOL + "-" + database.database())
        // No acquire timeout: its timer can fire after the waiter was handed a connection, an unhandled
        // "Promise already completed" (vertx-sql-client #1567, fixed in the 5.1 line). Every caller
        // bounds its own statements in flight, and a refused connection still fails its waiter at once.
        .setConnectionTimeout(0)
        // Bursts queue for a connection rather than fail.
        .setMaxWaitQueueSize(10_000);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /** A Redis client speaking RESP2, whose replies are plain arrays rather than RESP3 maps. */
  public Redis redisClient(Vertx vertx) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(redis.value())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2)
        .setMaxWaitingHandlers(4096)
        // The defaults (6 connections, 24 waiting) refuse bursts that Redis itself takes easily.
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096);
    return Redis.createClient(vertx, options);
  }
}
