package com.targetdialer.testing;

import com.targetdialer.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** A small pool for tests to look into the service's database from the test thread. */
public final class SqlProbe implements AutoCloseable {

  private final Pool pool;

  public SqlProbe(Vertx vertx, DatabaseUrl url) {
    PgConnectOptions options = new PgConnectOptions().setHost(url.host()).setPort(url.port())
        .setDatabase(url.database()).setUser(url.user());
    if (url.password() != null) {
      options.setPassword(url.password());
    }
    pool = PgBuilder.pool().connectingTo(options).using(vertx).build();
  }

  /** For tests that run main code's statements on the database they probe. */
  public Pool pool() {
    return pool;
  }

  public Object value(String sql, Object... params) {
    List<Row> rows = rows(sql, params);
    return rows.isEmpty() ? null : rows.get(0).getValue(0);
  }

  public long count(String sql, Object... params) {
    Object value = value(sql, params);
    return value == null ? 0 : ((Number) value).longValue();
  }

  public List<Row> rows(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    pool.preparedQuery(sql).execute(Tuple.from(params)).await().forEach(rows::add);
    return rows;
  }

  @Override
  public void close() {
    pool.close().await();
  }
}
