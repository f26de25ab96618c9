package com.targetdialer.webhook;

import com.targetdialer.bus.SegmentBatch;
import com.targetdialer.bus.DeadLetter;
import com.targetdialer.vexa.VexaClient;
import com.targetdialer.vexa.VexaException;
import com.targetdialer.vexa.VexaSegments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * After a bot session ends, reads Vexa's final transcript of it (complete once
 * {@code meeting.completed} fired) and merges it, so whatever the live stream missed is filled in.
 * Each session is read once; a meeting that several signals finish at once is read once at a time.
 */
final class Backfill {

  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

  private final Vertx vertx;
  private final Pool pg;
  private final VexaClient vexa;
  private final Set<Long> running = new HashSet<>();

  Backfill(Vertx vertx, Pool pg, VexaClient vexa) {
    this.vertx = vertx;
    this.pg = pg;
    this.vexa = vexa;
  }

  void meeting(long meetingId) {
    if (vexa == null || !running.add(meetingId)) {
      return;
    }
    pg.preparedQuery(WebhookSql.SESSIONS_TO_BACKFILL).execute(Tuple.of(meetingId))
        .compose(sessions -> {
          Future<Void> chain = Future.succeededFuture();
          for (Row session : sessions) {
            chain = chain.compose(ignored -> session(meetingId, session));
          }
          return chain;
        })
        .onComplete(done -> {
          running.remove(meetingId);
          if (done.failed()) {
            LOG.warn("backfill failed; the next end signal or sweep retries it [meeting: {}, error: {}]", meetingId, done.cause().getMessage());
          }
        });
  }

  private Future<Void> session(long meetingId, Row session) {
    long vexaId = session.getLong("vexa_meeting_id");
    String sessionUid = session.getString("session_uid");
    return vexa.transcript(vexaId, session.getString("platform"), session.getString("native_meeting_id"))
        .recover(failure -> failure instanceof VexaException e && e.status() == 404
            ? Future.succeededFuture(new JsonArray()) : Future.failedFuture(failure))
        .compose(raw -> {
          VexaSegments.Normalized normalized = VexaSegments.normalizeAll(raw, sessionUid, null, true);
          // The one place REST segments that cannot be keyed are kept: the final read of each session.
          Future<Void> unkeyable = normalized.unkeyable().isEmpty() ? Future.succeededFuture()
              : DeadLetter.of(DeadLetter.REST, DeadLetter.Reason.UNKEYABLE_SEGMENT, "vexa meeting " + vexaId, normalized.unkeyable().encode(),
                  normalized.unkeyableError(meetingId)).keep(vertx.eventBus());
          return unkeyable.compose(ignored ->
              SegmentBatch.finalTranscript(meetingId, normalized.segments(), session.getLong("id"), sessionUid).send(vertx.eventBus()));
        })
        .onSuccess(changed -> LOG.info("transcript backfilled [meeting: {}, vexa id: {}, changed: {}]", meetingId, vexaId, changed))
        .mapEmpty();
  }
}
