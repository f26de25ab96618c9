package com.targetdialer.testing;

import com.targetdialer.config.RedisUrl;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Looks into a service's Redis webhook inbox, so tests wait on what it holds instead of waiting a while. */
public final class InboxProbe implements AutoCloseable {

  private final Redis redis;
  private final String stream;

  public InboxProbe(Vertx vertx, RedisUrl url, String keyPrefix) {
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url.value()));
    this.stream = keyPrefix + "inbox:vexa";
  }

  /** Entries accepted and not yet applied (an applied entry is acknowledged and deleted). */
  public long length() {
    return redis.send(Request.cmd(Command.XLEN).arg(stream)).await().toLong();
  }

  /** Entries read by a consumer and not yet acknowledged (XPENDING of the service's group). */
  public long pending() {
    return redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("capture")).await().get(0).toLong();
  }

  /** Pending entries that no consumer has touched for at least idleMs (XPENDING ... IDLE). */
  public long pendingIdleFor(long idleMs) {
    return redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("capture").arg("IDLE").arg(idleMs)
        .arg("-").arg("+").arg(1_000_000)).await().size();
  }

  /** True when no consumer has read any entry (no group, or groups that delivered nothing). */
  public boolean unread() {
    Response groups = redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream)).await();
    for (Response group : groups) {
      if (!"0-0".equals(group.get("last-delivered-id").toString())) {
        return false;
      }
    }
    return true;
  }

  /** Reads every entry as a consumer of the service's group that then dies: they stay pending until claimed. */
  public void readAsDeadConsumer() {
    redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg("capture").arg("0").arg("MKSTREAM"))
        .recover(failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP") ? io.vertx.core.Future.succeededFuture() : io.vertx.core.Future.failedFuture(failure))
        .await();
    redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg("capture").arg("dead-consumer")
        .arg("COUNT").arg(1_000_000).arg("STREAMS").arg(stream).arg(">")).await();
  }

  @Override
  public void close() {
    redis.close();
  }
}
