package com.targetdialer.webhook;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Settles inbox entries as each one's outcome is known: the applied ones of one event-loop turn are
 * acknowledged (and deleted) with one command; the others stay pending, to be claimed again after
 * INBOX_CLAIM_IDLE_MS, and the log says once per turn how many and why. Used from one event loop.
 */
final class InboxAcks {

  private static final Logger LOG = LoggerFactory.getLogger(InboxAcks.class);

  private final Context context;
  private final Inbox inbox;
  private final long claimIdleMs;
  private final List<String> applied = new ArrayList<>();
  private final List<Promise<Void>> waiting = new ArrayList<>();
  private int notApplied;
  private Throwable firstFailure;

  InboxAcks(Context context, Inbox inbox, long claimIdleMs) {
    this.context = context;
    this.inbox = inbox;
    this.claimIdleMs = claimIdleMs;
  }

  /** Completes once the entry is acknowledged, or at once when it was not applied; never fails. */
  Future<Void> settle(String id, AsyncResult<Void> outcome) {
    if (applied.isEmpty() && notApplied == 0) {
      context.runOnContext(ignored -> flush());
    }
    if (outcome.failed()) {
      notApplied++;
      if (firstFailure == null) {
        firstFailure = outcome.cause();
      }
      return Future.succeededFuture();
    }
    Promise<Void> acknowledged = Promise.promise();
    applied.add(id);
    waiting.add(acknowledged);
    return acknowledged.future();
  }

  private void flush() {
    if (notApplied > 0) {
      LOG.info("inbox entries not applied yet, delivered again after {} ms [count: {}, first error: {}]",
          claimIdleMs, notApplied, firstFailure.getMessage());
      notApplied = 0;
      firstFailure = null;
    }
    List<String> ids = new ArrayList<>(applied);
    List<Promise<Void>> settled = new ArrayList<>(waiting);
    applied.clear();
    waiting.clear();
    inbox.done(ids)
        .onFailure(e -> LOG.warn("inbox acknowledgement failed; the entries will be delivered again and applied idempotently [count: {}, error: {}]",
            ids.size(), e.getMessage()))
        .onComplete(ignored -> settled.forEach(Promise::complete));
  }
}
