package com.targetdialer.webhook;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * The durable inbox of Vexa webhooks: a Redis stream read by a consumer group. The HTTP edge
 * appends the raw body; WebhookVerticle reads, applies, then acknowledges and deletes. Entries a
 * consumer took but never acknowledged (it crashed) are claimed by another after an idle time.
 */
public final class Inbox {

  static final String GROUP = "capture";

  private final Redis redis;
  private final String stream;

  public Inbox(Redis redis, String keyPrefix) {
    this.redis = redis;
    this.stream = keyPrefix + "inbox:vexa";
  }

  /** The command that appends a raw webhook body; the HTTP edge sends it on a connection of its own. */
  public Request append(Buffer body, long receivedAtMs) {
    return Request.cmd(Command.XADD).arg(stream).arg("*")
        .arg("body").arg(body)
        .arg("received_at").arg(receivedAtMs);
  }

  /** Creates the consumer group (and the stream) unless it exists. */
  Future<Void> ensureGroup() {
    return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(GROUP).arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  /** New entries for this consumer, waiting up to blockMs for some to arrive. */
  Future<List<Entry>> readNew(String consumer, int count, long blockMs) {
    return redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer)
            .arg("COUNT").arg(count).arg("BLOCK").arg(blockMs).arg("STREAMS").arg(stream).arg(">"))
        .map(reply -> reply == null ? List.of() : entries(reply.get(0).get(1)));
  }

  /** Takes over entries idle for longer than minIdleMs (their consumer is gone or stuck). */
  Future<List<Entry>> claimIdle(String consumer, long minIdleMs, int count) {
    return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(stream).arg(GROUP).arg(consumer).arg(minIdleMs).arg("0-0").arg("COUNT").arg(count))
        .map(reply -> entries(reply.get(1)));
  }

  /** How many times each entry was delivered (XPENDING), for the dead-letter decision. */
  Future<Long> deliveries(String id) {
    return redis.send(Request.cmd(Command.XPENDING).arg(stream).arg(GROUP).arg(id).arg(id).arg(1))
        .map(reply -> reply == null || reply.size() == 0 ? 0L : reply.get(0).get(3).toLong());
  }

  /** Acknowledges and deletes, in one round trip: applied entries are not kept in Redis. */
  Future<Void> done(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Request ack = Request.cmd(Command.XACK).arg(stream).arg(GROUP);
    Request delete = Request.cmd(Command.XDEL).arg(stream);
    ids.forEach(id -> {
      ack.arg(id);
      delete.arg(id);
    });
    return redis.batch(List.of(ack, delete)).mapEmpty();
  }

  private static List<Entry> entries(Response list) {
    List<Entry> entries = new ArrayList<>();
    if (list == null) {
      return entries;
    }
    for (Response entry : list) {
      Response fields = entry.get(1);
      if (fields == null) {
        continue; // deleted while pending
      }
      Buffer body = null;
      long receivedAt = 0;
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        String name = fields.get(i).toString();
        if (name.equals("body")) {
          body = fields.get(i + 1).toBuffer();
        } else if (name.equals("received_at")) {
          receivedAt = fields.get(i + 1).toLong();
        }
      }
      entries.add(new Entry(entry.get(0).toString(), body == null ? Buffer.buffer() : body, receivedAt));
    }
    return entries;
  }

  /** One stream entry: its id and the raw webhook body. */
  record Entry(String id, Buffer body, long receivedAtMs) {
  }
}
