package com.targetdialer.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.function.Supplier;

/**
 * Runs a periodic job on one node of the deployment at a time: under a Postgres advisory lock, held on
 * a connection of its own so that it goes with the connection if the node dies. A node whose last run
 * has not finished does not start another.
 */
public final class SoleRunner {

  private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked";
  private static final String UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

  private final Pool pg;
  private final Tuple lock;
  private boolean running;

  /** @param name the lock's name, the same on every node, e.g. {@code td.health.sweep} */
  public SoleRunner(Pool pg, String name) {
    this.pg = pg;
    this.lock = Tuple.of(name);
  }

  /** This node's last run has not finished. */
  public boolean busy() {
    return running;
  }

  /** Runs the job unless another node holds the lock or this one is still running it; true when it ran. */
  public Future<Boolean> run(Supplier<Future<?>> job) {
    if (running) {
      return Future.succeededFuture(false);
    }
    running = true;
    return pg.getConnection().compose(holder -> holder.preparedQuery(TRY_LOCK).execute(lock)
            .compose(rows -> rows.iterator().next().getBoolean("locked")
                ? job.get().eventually(() -> holder.preparedQuery(UNLOCK).execute(lock)).map(true)
                : Future.succeededFuture(false))
            .eventually(holder::close))
        .onComplete(done -> running = false);
  }
}
