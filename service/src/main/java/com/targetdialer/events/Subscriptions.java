package com.targetdialer.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The subscriptions and the event log as the HTTP API reads and writes them. Input is validated by
 * the caller; the secret is never read back out.
 */
public final class Subscriptions {

  private final Pool pg;

  public Subscriptions(Pool pg) {
    this.pg = pg;
  }

  /** A new subscription, starting after the last event numbered so far. */
  public Future<JsonObject> create(String url, List<String> types, String secret) {
    String id = "sub_" + java.util.UUID.randomUUID().toString().replace("-", "");
    return pg.preparedQuery(EventsSql.CREATE_SUBSCRIPTION)
        .execute(Tuple.tuple().addValue(id).addValue(url).addValue(types.toArray(String[]::new)).addValue(secret))
        .map(rows -> json(rows.iterator().next()));
  }

  /** Every subscription with its delivery state. */
  public Future<JsonArray> list() {
    return pg.query(EventsSql.LIST_SUBSCRIPTIONS).execute().map(rows -> {
      JsonArray all = new JsonArray();
      rows.forEach(row -> all.add(json(row)));
      return all;
    });
  }

  /** True when it existed. */
  public Future<Boolean> delete(String id) {
    return pg.preparedQuery(EventsSql.DELETE_SUBSCRIPTION).execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Sends again from {@code fromSeq} on, failures forgiven; null when there is no such subscription. */
  public Future<JsonObject> replay(String id, long fromSeq) {
    return pg.preparedQuery(EventsSql.REPLAY).execute(Tuple.of(id, fromSeq))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /** Events after {@code after}, in order; {@code types} null for all. */
  public Future<JsonArray> events(long after, List<String> types, int limit) {
    return pg.preparedQuery(EventsSql.READ)
        .execute(Tuple.tuple().addValue(after).addValue(types == null ? null : types.toArray(String[]::new)).addValue(limit))
        .map(Subscriptions::events);
  }

  private static JsonArray events(RowSet<Row> rows) {
    JsonArray events = new JsonArray();
    rows.forEach(row -> events.add(OutboundEvent.json(row)));
    return events;
  }

  private static JsonObject json(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("url", row.getString("url"))
        .put("types", new JsonArray(List.of(row.getArrayOfStrings("types"))))
        .put("created_at", time(row.getOffsetDateTime("created_at")))
        .put("delivery", new JsonObject()
            .put("last_delivered_seq", row.getLong("delivered_seq"))
            .put("last_delivered_at", time(row.getOffsetDateTime("delivered_at")))
            .put("failures", row.getInteger("failures"))
            .put("failing", row.getBoolean("failing"))
            .put("last_error", row.getString("last_error"))
            .put("next_attempt_at", time(row.getOffsetDateTime("next_attempt_at"))));
  }

  private static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
