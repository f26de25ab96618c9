package com.targetdialer.events;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;

/**
 * One leased subscription's delivery: its events one at a time in seq order, each accepted (2xx)
 * before the next is sent, until none is left, one fails, or the lease is lost (a replay took it
 * back). Runs of different subscriptions are independent, so a slow subscriber delays only itself.
 */
final class SubscriberRun {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriberRun.class);
  private static final int BATCH = 100;

  private final Pool pg;
  private final WebClient web;
  private final DeliveryContext context;
  private final String id;
  private final String url;
  private final String[] types;
  private final Signature signature;
  /** Attempts at the next event since the last success: 0 again once one is accepted in this run. */
  private int failures;
  private long position;

  SubscriberRun(Pool pg, WebClient web, DeliveryContext context, Row subscription) {
    this.pg = pg;
    this.web = web;
    this.context = context;
    this.id = subscription.getString("id");
    this.url = subscription.getString("url");
    this.types = subscription.getArrayOfStrings("types");
    this.signature = Signature.of(subscription.getString("secret"));
    this.failures = subscription.getInteger("failures");
    this.position = subscription.getLong("delivered_seq");
  }

  /** Completes when this run stopped, whatever the reason; failures are recorded, not returned. */
  Future<Void> run() {
    return nextBatch().recover(e -> {
      LOG.warn("event delivery stopped [subscription: {}, error: {}]", id, e.getMessage());
      return pg.preparedQuery(EventsSql.RELEASE).execute(Tuple.of(id, context.node())).mapEmpty();
    });
  }

  private Future<Void> nextBatch() {
    return pg.preparedQuery(EventsSql.NEXT).execute(Tuple.tuple().addValue(position).addValue(types).addValue(BATCH)).compose(rows -> {
      if (rows.size() == 0) {
        return pg.preparedQuery(EventsSql.RELEASE).execute(Tuple.of(id, context.node())).mapEmpty();
      }
      return each(rows.iterator()).compose(more -> more ? nextBatch() : Future.succeededFuture());
    });
  }

  /** True when every event was accepted and the lease is still ours. */
  private Future<Boolean> each(Iterator<Row> events) {
    if (!events.hasNext()) {
      return Future.succeededFuture(true);
    }
    JsonObject event = OutboundEvent.json(events.next());
    return send(event).compose(error -> error == null ? delivered(event.getLong("seq")) : failed(error).map(false))
        .compose(more -> more ? each(events) : Future.succeededFuture(false));
  }

  /** Null when accepted, else why not. */
  private Future<String> send(JsonObject event) {
    Buffer body = event.toBuffer();
    String eventId = event.getString("id");
    // The transport timestamp the receiver checks against its clock: always the wall clock.
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    context.attempted(id);
    return web.postAbs(url)
        .putHeader("content-type", "application/json")
        .putHeader("webhook-id", eventId)
        .putHeader("webhook-timestamp", timestamp)
        .putHeader("webhook-signature", signature.sign(eventId, timestamp, body))
        .timeout(context.settings().deliveryTimeoutMs())
        .sendBuffer(body)
        .map(SubscriberRun::refusal)
        .otherwise(failure -> String.valueOf(failure.getMessage()));
  }

  private static String refusal(HttpResponse<Buffer> response) {
    return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
  }

  private Future<Boolean> delivered(long seq) {
    return pg.preparedQuery(EventsSql.DELIVERED).execute(Tuple.of(id, context.node(), seq, context.leaseMs())).map(rows -> {
      position = seq;
      failures = 0;
      return rows.rowCount() > 0;
    });
  }

  /**
   * The next attempt waits the schedule's next step; once every step is used the subscription is
   * failing (an alert, in the same transaction) and is tried at the last step's interval from then on.
   */
  private Future<Void> failed(String error) {
    context.failed(id);
    List<Duration> schedule = context.settings().retrySchedule();
    int attempts = failures + 1;
    boolean exhausted = attempts >= schedule.size();
    Duration wait = schedule.get(Math.min(attempts, schedule.size() - 1));
    LOG.info("event delivery refused, retried in {} [subscription: {}, after seq: {}, attempts: {}, error: {}]", wait, id, position, attempts, error);
    return pg.withTransaction(connection -> connection.preparedQuery(EventsSql.FAILED)
        .execute(Tuple.of(id, context.node(), error, wait.toMillis(), exhausted))
        .compose(rows -> {
          if (rows.size() == 0 || !exhausted || rows.iterator().next().getBoolean("was_failing")) {
            return Future.succeededFuture();
          }
          String message = "subscriber " + url + " refused events " + attempts + " times in a row; delivery resumes from seq "
              + (position + 1) + " when it answers";
          LOG.warn("ALERT {} [subscription: {}, error: {}]", message, id, error);
          return Outbox.alert(connection, null, "alert", "subscription_failing", message, new JsonObject().put("subscription_id", id)
              .put("url", url).put("attempts", attempts).put("last_error", error).put("delivered_seq", position));
        }));
  }
}
