package com.targetdialer.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Gives committed outbox rows their seq, in batches. Safe on every node at once (see
 * {@link EventsSql#SEQUENCE}); writers of events never wait for it, nor for each other.
 */
final class Sequencer {

  private static final int BATCH = 1_000;

  private final Pool pg;
  private boolean running;

  Sequencer(Pool pg) {
    this.pg = pg;
  }

  /** Numbers everything committed so far; a run still under way on this node is not doubled. */
  Future<Void> run() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    return batch().onComplete(done -> running = false);
  }

  private Future<Void> batch() {
    return pg.preparedQuery(EventsSql.SEQUENCE).execute(Tuple.of(BATCH))
        .compose(rows -> rows.rowCount() == BATCH ? batch() : Future.succeededFuture());
  }
}
