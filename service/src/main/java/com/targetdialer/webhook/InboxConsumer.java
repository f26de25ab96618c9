package com.targetdialer.webhook;

import com.targetdialer.config.Settings;
import com.targetdialer.bus.DeadLetter;
import com.targetdialer.vexa.VexaSegments;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.UUID;

/**
 * Reads the webhook inbox as a member of its consumer group and applies each entry through
 * PersistVerticle; an entry is acknowledged only once it is applied, kept as a dead letter, or
 * known to be irrelevant. Entries left by a consumer that died are claimed after INBOX_CLAIM_IDLE_MS.
 */
final class InboxConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(InboxConsumer.class);
  private static final int READ_COUNT = 500;
  /**
   * Entries read and not yet settled, and their bytes: reading goes on while both are under their
   * limit, and each entry is acknowledged on its own as it is applied, so a meeting whose writes
   * wait (a row lock, a slow statement) holds back only its own entries.
   */
  private static final int MAX_ENTRIES_IN_FLIGHT = 2_000;
  private static final long MAX_BYTES_IN_FLIGHT = 64L * 1_048_576;
  private static final long BLOCK_MS = 1_000;
  private static final long[] UNKNOWN_BOT_RETRY_MS = {100, 500, 2_000};

  private final Vertx vertx;
  private final Inbox inbox;
  private final Settings settings;
  private final SegmentOwners owners;
  private final StatusBatches statuses;
  private final SegmentBatcher segmentsOut;
  private final String consumer;
  private boolean running;
  private boolean reading;
  /** Waiting INBOX_READ_LINGER_MS after a read that emptied the inbox, so the next one carries more. */
  private boolean lingering;
  private long lingerTimer = -1;
  private final InboxAcks acks;
  private int entriesInFlight;
  private long bytesInFlight;
  private int claims;
  private Promise<Void> drained;
  private long claimTimer = -1;

  InboxConsumer(Vertx vertx, Inbox inbox, Pool pg, Settings settings, String nodeId, SegmentBatcher segmentsOut) {
    this.segmentsOut = segmentsOut;
    this.consumer = nodeId + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.vertx = vertx;
    this.inbox = inbox;
    this.settings = settings;
    this.owners = new SegmentOwners(pg);
    this.statuses = new StatusBatches(vertx);
    this.acks = new InboxAcks(vertx.getOrCreateContext(), inbox, settings.inboxClaimIdleMs());
  }

  Future<Void> start() {
    return inbox.ensureGroup().onSuccess(ignored -> {
      running = true;
      readLoop();
      claimIdle();
      claimTimer = vertx.setPeriodic(Math.max(200, settings.inboxClaimIdleMs() / 2), id -> claimIdle());
    });
  }

  /** A bot was started or adopted: payloads naming its ids belong to this meeting from now on. */
  void botStarted(long meetingId, Long vexaMeetingId, String sessionUid) {
    owners.botStarted(meetingId, vexaMeetingId, sessionUid);
  }

  /**
   * Stops reading; completes when what was already read is applied and acknowledged (or after
   * {@code graceMs}: what is left is delivered again, to this or another node, and applied once).
   */
  Future<Void> stop(long graceMs) {
    running = false;
    vertx.cancelTimer(claimTimer);
    vertx.cancelTimer(lingerTimer);
    if (idle()) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    long timer = vertx.setTimer(graceMs, id -> {
      if (drained.tryComplete()) {
        LOG.warn("inbox entries still being applied at stop; they will be delivered again and applied once [grace: {} ms]", graceMs);
      }
    });
    return drained.future().onComplete(ignored -> vertx.cancelTimer(timer));
  }

  private boolean idle() {
    return !reading && entriesInFlight == 0 && claims == 0;
  }

  private void stoppedIfIdle() {
    if (drained != null && idle()) {
      drained.tryComplete();
    }
  }

  private void readLoop() {
    if (!running || reading || lingering || entriesInFlight >= MAX_ENTRIES_IN_FLIGHT || bytesInFlight >= MAX_BYTES_IN_FLIGHT) {
      return;
    }
    reading = true;
    int asked = Math.min(READ_COUNT, MAX_ENTRIES_IN_FLIGHT - entriesInFlight);
    inbox.readNew(consumer, asked, BLOCK_MS).onComplete(read -> {
      reading = false;
      if (read.failed()) {
        if (running) {
          LOG.warn("inbox read failed, retrying in 1 s [error: {}]", read.cause().getMessage());
          // A Redis that came back without its data has lost the group too: make it again.
          Future<Void> recreated = String.valueOf(read.cause().getMessage()).contains("NOGROUP") ? inbox.ensureGroup() : Future.succeededFuture();
          recreated.onComplete(ignored -> vertx.setTimer(1_000, id -> readLoop()));
        }
        stoppedIfIdle();
        return;
      }
      // Entries read just before a stop are still applied: the stop waits for them.
      for (Inbox.Entry entry : read.result()) {
        entriesInFlight++;
        bytesInFlight += entry.body().length();
        apply(entry).transform(outcome -> acks.settle(entry.id(), outcome)).onComplete(settled -> {
          entriesInFlight--;
          bytesInFlight -= entry.body().length();
          readLoop();
          stoppedIfIdle();
        });
      }
      lingerOrReadOn(read.result().size() < asked);
      stoppedIfIdle();
    });
  }

  /**
   * A read that got less than it asked for emptied the inbox: the next one waits INBOX_READ_LINGER_MS, so at a
   * steady rate each read, statement and acknowledgement carries that many milliseconds of webhooks instead of
   * the one or two that came since the last. A backlog is read without a pause; an idle inbox still answers at
   * once, since the read that waits (BLOCK) is sent after the linger.
   */
  private void lingerOrReadOn(boolean emptied) {
    if (!emptied || settings.inboxReadLingerMs() == 0) {
      readLoop();
      return;
    }
    lingering = true;
    lingerTimer = vertx.setTimer(settings.inboxReadLingerMs(), id -> {
      lingering = false;
      readLoop();
    });
  }

  /**
   * Takes over entries left pending (their consumer died, or applying them failed), a round at a
   * time until none is left: after a burst that failed, the backlog drains at read speed.
   */
  private void claimIdle() {
    if (!running || claims > 0) {
      return;
    }
    claims++;
    inbox.claimIdle(consumer, settings.inboxClaimIdleMs(), READ_COUNT)
        .compose(entries -> {
          if (!entries.isEmpty()) {
            LOG.info("claimed idle inbox entries [count: {}]", entries.size());
          }
          return settle(entries, this::retryOrGiveUp).map(entries.size());
        })
        .onComplete(claimed -> {
          claims--;
          if (claimed.failed()) {
            LOG.warn("inbox claim failed [error: {}]", claimed.cause().getMessage());
          } else if (claimed.result() == READ_COUNT) {
            claimIdle();
          }
          stoppedIfIdle();
        });
  }

  /** Applies claimed entries; completes when each is settled (acknowledged, or left pending again). */
  private Future<Void> settle(List<Inbox.Entry> entries, Function<Inbox.Entry, Future<Void>> action) {
    return Future.join(entries.stream().map(entry -> action.apply(entry).transform(outcome -> acks.settle(entry.id(), outcome))).toList())
        .mapEmpty();
  }

  /**
   * A claimed entry was delivered before: past INBOX_MAX_ATTEMPTS it is tried once more, and kept
   * as a dead letter with the reason of that last failure if it still cannot be applied.
   */
  private Future<Void> retryOrGiveUp(Inbox.Entry entry) {
    return inbox.deliveries(entry.id()).compose(deliveries -> {
      Future<Void> applied = apply(entry);
      if (deliveries <= settings.inboxMaxAttempts()) {
        return applied;
      }
      return applied.recover(failure -> deadLetter(entry, NotApplied.reasonOf(failure),
          "not applied after " + deliveries + " deliveries: " + failure.getMessage(), deliveries.intValue()));
    });
  }

  private Future<Void> apply(Inbox.Entry entry) {
    JsonObject body;
    try {
      body = entry.body().toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return deadLetter(entry, DeadLetter.Reason.NOT_JSON, "not a JSON object", 1);
    }
    VexaEvent event = VexaEvent.of(body, Instant.ofEpochMilli(entry.receivedAtMs()));
    Future<Void> applied;
    if (event instanceof VexaEvent.Status status) {
      applied = applyStatus(status, 0);
    } else if (event instanceof VexaEvent.Segments segments) {
      applied = applySegments(entry, segments);
    } else {
      VexaEvent.Unusable unusable = (VexaEvent.Unusable) event;
      applied = deadLetter(entry, unusable.reason(), unusable.why(), 1);
    }
    return applied;
  }

  private Future<Void> applyStatus(VexaEvent.Status status, int attempt) {
    return statuses.apply(status.change()).compose(outcome -> {
      if (!outcome.getBoolean("unknown_bot", false)) {
        return Future.succeededFuture();
      }
      // The dispatch may not have recorded the bot's session yet: try again shortly, then leave the
      // entry pending, so it is delivered again after INBOX_CLAIM_IDLE_MS (a bounded number of times).
      if (attempt < UNKNOWN_BOT_RETRY_MS.length) {
        return vertx.timer(UNKNOWN_BOT_RETRY_MS[attempt]).compose(id -> applyStatus(status, attempt + 1));
      }
      return Future.failedFuture(new NotApplied(DeadLetter.Reason.UNKNOWN_BOT, status.change().unknownBot()));
    });
  }

  private Future<Void> applySegments(Inbox.Entry entry, VexaEvent.Segments segments) {
    return owners.meetingOf(segments).compose(id -> {
      if (id == null) {
        return Future.failedFuture(new NotApplied(DeadLetter.Reason.UNKNOWN_MEETING, "no meeting for segments of vexa meeting "
            + segments.vexaMeetingId() + " / session " + segments.sessionUid() + " / " + segments.nativeMeetingId()));
      }
      Future<SegmentOwners.Session> session = VexaSegments.needsSession(segments.segments())
          ? owners.session(id, segments.sessionUid()) : Future.succeededFuture(new SegmentOwners.Session(segments.sessionUid(), null));
      return session.compose(known -> {
        VexaSegments.Normalized normalized = VexaSegments.normalizeAll(segments.segments(), known.uid(), known.startedAt(), true);
        // The whole body is kept (it names the meeting); the others of its segments are stored all the same.
        Future<Void> unkeyable = normalized.unkeyable().isEmpty() ? Future.succeededFuture()
            : deadLetter(entry, DeadLetter.Reason.UNKEYABLE_SEGMENT, normalized.unkeyableError(id), 1);
        Future<Void> stored = normalized.segments().isEmpty() ? Future.succeededFuture() : segmentsOut.persist(id, normalized.segments())
            .recover(failure -> Future.failedFuture(new NotApplied(DeadLetter.Reason.ofRefusedSegments(failure), failure.getMessage())));
        return Future.all(unkeyable, stored).mapEmpty();
      });
    });
  }

  private Future<Void> deadLetter(Inbox.Entry entry, DeadLetter.Reason reason, String error, int attempts) {
    return new DeadLetter(DeadLetter.WEBHOOK, reason, entry.id(), entry.body().toString(), error, attempts).keep(vertx.eventBus());
  }
}
