package com.targetdialer.dispatch;

import com.targetdialer.meeting.MeetingStatus;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends each scheduled meeting's bot at its {@code dispatch_at} (start − DISPATCH_LEAD_S). Timers live in
 * memory and are rebuilt from the database: at start, and by a scan every few seconds that arms a timer
 * for every meeting due within the look-ahead (so a meeting another node synced, or one whose node died,
 * is still sent). A due timer makes the conditional claim {@code scheduled → requested}; only the node
 * whose claim succeeds sends {@code dispatch.start}, so a meeting is dispatched once however many nodes
 * held a timer for it. A meeting whose start passed while the service was down, and that has not ended,
 * is dispatched at once. A claim whose {@code dispatch.start} was lost (its node died in between) is sent
 * again after a minute without a bot session.
 */
public final class DispatchScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(DispatchScheduler.class);
  private static final long MIN_REARM_MS = 200;

  private final Vertx vertx;
  private final Pool pg;
  private final Clock clock;
  private final long scanMs;
  private final long lookaheadMs;
  private final DeliveryOptions dispatchDelivery;
  private final Map<Long, Armed> timers = new HashMap<>();
  private long scanTimer = -1;
  private boolean scanning;
  private boolean stopped;

  private record Armed(long timerId, Instant at) {
  }

  public DispatchScheduler(Vertx vertx, Pool pg, Clock clock, Duration scanEvery, DeliveryOptions dispatchDelivery) {
    this.vertx = vertx;
    this.pg = pg;
    this.clock = clock;
    this.scanMs = scanEvery.toMillis();
    this.lookaheadMs = scanMs * 3;
    this.dispatchDelivery = dispatchDelivery;
  }

  public void start() {
    scan();
    scanTimer = vertx.setPeriodic(scanMs, id -> scan());
  }

  public void stop() {
    stopped = true;
    if (scanTimer >= 0) {
      vertx.cancelTimer(scanTimer);
    }
    timers.values().forEach(armed -> vertx.cancelTimer(armed.timerId()));
    timers.clear();
  }

  public int armedCount() {
    return timers.size();
  }

  /** After a sync: arms the meeting's timer if it is due before the next scans would see it. */
  public void consider(long meetingId, Instant dispatchAt) {
    if (dispatchAt != null && Duration.between(clock.instant(), dispatchAt).toMillis() <= lookaheadMs) {
      arm(meetingId, dispatchAt);
    }
  }

  /** The meeting will not be sent after all (cancelled, or moved beyond the look-ahead): drop its timer. */
  public void forget(long meetingId) {
    Armed armed = timers.remove(meetingId);
    if (armed != null) {
      vertx.cancelTimer(armed.timerId());
    }
  }

  private void arm(long meetingId, Instant at) {
    if (stopped) {
      return;
    }
    Armed existing = timers.get(meetingId);
    if (existing != null) {
      if (existing.at().equals(at)) {
        return;
      }
      vertx.cancelTimer(existing.timerId());
    }
    long delay = Math.max(1, Duration.between(clock.instant(), at).toMillis());
    long timerId = vertx.setTimer(delay, id -> {
      timers.remove(meetingId);
      fire(meetingId);
    });
    timers.put(meetingId, new Armed(timerId, at));
  }

  private void scan() {
    if (scanning || stopped) {
      return;
    }
    scanning = true;
    pg.withTransaction(connection -> MeetingStatus.markMissed(connection, now()))
        .compose(missed -> {
          for (Row row : missed) {
            LOG.warn("ALERT calendar meeting missed: it ended before its bot was sent [meeting: {}, title: {}, start: {}]",
                row.getLong("id"), row.getString("title"), row.getOffsetDateTime("scheduled_start"));
          }
          return pg.preparedQuery(DispatchSql.RECLAIM_STALLED).execute(Tuple.of(now()));
        })
        .compose(stalled -> {
          for (Row row : stalled) {
            LOG.warn("re-sending a dispatch that never started [meeting: {}]", row.getLong("id"));
            send(row.getLong("id"), row.getBoolean("re_knock") ? StartReason.RE_KNOCK : StartReason.DISPATCH);
          }
          return pg.preparedQuery(DispatchSql.DUE_MEETINGS).execute(Tuple.of(lookaheadMs / 1000.0, now()));
        })
        .onSuccess(due -> due.forEach(row -> arm(row.getLong("id"), instant(row, "dispatch_at"))))
        .onFailure(e -> LOG.warn("dispatch scan failed, next one in {} ms [error: {}]", scanMs, e.getMessage()))
        .onComplete(ignored -> scanning = false);
  }

  private void fire(long meetingId) {
    if (stopped) {
      return;
    }
    pg.withTransaction(connection -> MeetingStatus.claimScheduled(connection, meetingId, now())
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next()))
        .onSuccess(claimed -> {
          if (claimed == null) {
            recheck(meetingId);
            return;
          }
          LOG.info("dispatching scheduled meeting [meeting: {}, call: {}/{}, start: {}]", meetingId, claimed.getString("platform"),
              claimed.getString("native_meeting_id"), claimed.getOffsetDateTime("scheduled_start"));
          MeetingUpdate.status(meetingId, BotStatus.REQUESTED).publish(vertx.eventBus());
          send(meetingId, StartReason.DISPATCH);
        })
        .onFailure(e -> {
          LOG.warn("dispatch claim failed, retrying [meeting: {}, error: {}]", meetingId, e.getMessage());
          arm(meetingId, clock.instant().plusSeconds(1));
        });
  }

  private void send(long meetingId, String startReason) {
    vertx.eventBus().<JsonObject>request(Addresses.DISPATCH_START,
            new JsonObject().put("meeting_id", meetingId).put("start_reason", startReason), dispatchDelivery)
        .onFailure(e -> LOG.warn("scheduled dispatch failed [meeting: {}, error: {}]", meetingId, e.getMessage()));
  }

  // Not claimed: sent by another node, cancelled, or moved later. Only the last needs a new timer.
  private void recheck(long meetingId) {
    pg.preparedQuery(DispatchSql.MEETING_SCHEDULE).execute(Tuple.of(meetingId)).onSuccess(rows -> {
      if (rows.size() == 0) {
        return;
      }
      Row row = rows.iterator().next();
      Instant at = instant(row, "dispatch_at");
      if (BotStatus.of(row.getString("bot_status")) == BotStatus.SCHEDULED && at != null) {
        Instant earliest = clock.instant().plusMillis(MIN_REARM_MS);
        consider(meetingId, at.isBefore(earliest) ? earliest : at);
      }
    });
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
