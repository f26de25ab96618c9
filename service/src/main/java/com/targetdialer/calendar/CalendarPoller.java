package com.targetdialer.calendar;

import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.config.CalendarSettings;
import com.targetdialer.dispatch.DispatchScheduler;
import com.targetdialer.meeting.BotStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which calendar syncs when, on this node. The poll claims due calendars in Postgres
 * ({@code sync_claimed_by} with an expiry, so in a cluster each syncs on one node) and runs up to
 * CALENDAR_SYNC_CONCURRENCY at once. A push ping or a new calendar asks for a sync now: at most once
 * per CALENDAR_PUSH_DEBOUNCE_MS, and a request during a sync makes one more after it. Used from the
 * verticle's event loop only.
 */
final class CalendarPoller {

  private static final Logger LOG = LoggerFactory.getLogger(CalendarPoller.class);
  private static final Duration WINDOW_BACK = Duration.ofMinutes(15);
  private static final int CLAIM_SECONDS = 120;

  private final Vertx vertx;
  private final Pool pg;
  private final Clock clock;
  private final CalendarSettings calendar;
  private final boolean canDecrypt;
  private final String nodeId;
  private final GoogleCalendarClient google;
  private final CalendarSync sync;
  private final PushChannels channels;
  private final DispatchScheduler scheduler;
  private final CredentialsCache credentials;
  private final SyncOutcomes outcomes;

  /** Calendars syncing now, being claimed, asked for again meanwhile, waiting out the debounce. */
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> claiming = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> debouncing = new HashSet<>();
  private final Map<String, Long> lastStart = new HashMap<>();
  private int running;
  private boolean ticking;
  private boolean tickAgain;
  private boolean stopped;

  CalendarPoller(Vertx vertx, Pool pg, Clock clock, CalendarSettings calendar, boolean canDecrypt, String nodeId, GoogleCalendarClient google,
                 CalendarSync sync, PushChannels channels, DispatchScheduler scheduler, CredentialsCache credentials, CalendarAlerts alerts) {
    this.vertx = vertx;
    this.pg = pg;
    this.clock = clock;
    this.calendar = calendar;
    this.canDecrypt = canDecrypt;
    this.nodeId = nodeId;
    this.google = google;
    this.sync = sync;
    this.channels = channels;
    this.scheduler = scheduler;
    this.credentials = credentials;
    this.outcomes = new SyncOutcomes(pg, calendar, nodeId, credentials, alerts);
  }

  void stop() {
    stopped = true;
  }

  /** A calendar was disconnected. */
  void forget(String id) {
    lastStart.remove(id);
  }

  /** Claims due calendars, up to the free sync slots, and syncs them. */
  void tick() {
    if (stopped) {
      return;
    }
    int free = calendar.syncConcurrency() - running;
    if (free <= 0) {
      return;
    }
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    pg.preparedQuery(CalendarSql.CLAIM_DUE).execute(Tuple.of(nodeId, (double) CLAIM_SECONDS, free)).onComplete(claimed -> {
      ticking = false;
      if (claimed.succeeded()) {
        for (Row row : claimed.result()) {
          runSync(CalendarSync.Claimed.from(row));
        }
        if (claimed.result().size() == free) {
          tickAgain = true; // there may be more due
        }
      } else {
        LOG.warn("cannot claim calendars to sync [error: {}]", claimed.cause().getMessage());
      }
      if (tickAgain) {
        tickAgain = false;
        tick();
      }
    });
  }

  /** A push ping or a new calendar: sync it now, or right after the sync in progress, at most once per debounce. */
  void requestSync(String id) {
    if (stopped || !canDecrypt) {
      return;
    }
    if (inFlight.contains(id) || claiming.contains(id)) {
      dirty.add(id);
      return;
    }
    Long last = lastStart.get(id);
    long wait = last == null ? 0 : last + calendar.pushDebounceMs() - System.currentTimeMillis();
    if (wait > 0) {
      if (debouncing.add(id)) {
        vertx.setTimer(wait, t -> {
          debouncing.remove(id);
          requestSync(id);
        });
      }
      return;
    }
    if (running + claiming.size() >= calendar.syncConcurrency()) {
      // Every slot is busy: mark it due, and the poll takes it as soon as one frees up.
      pg.preparedQuery(CalendarSql.REQUEST_SYNC).execute(Tuple.of(id));
      return;
    }
    claiming.add(id);
    pg.preparedQuery(CalendarSql.CLAIM_ONE).execute(Tuple.of(nodeId, (double) CLAIM_SECONDS, id)).onComplete(claimed -> {
      claiming.remove(id);
      if (claimed.succeeded() && claimed.result().size() == 1) {
        runSync(CalendarSync.Claimed.from(claimed.result().iterator().next()));
      } else if (claimed.succeeded()) {
        // Another node is syncing it (or it waits for re-authorisation): that node syncs once more when done.
        pg.preparedQuery(CalendarSql.REQUEST_SYNC).execute(Tuple.of(id));
      } else {
        LOG.warn("cannot claim calendar for a sync [calendar: {}, error: {}]", id, claimed.cause().getMessage());
      }
      if (dirty.remove(id)) {
        requestSync(id);
      }
    });
  }

  private void runSync(CalendarSync.Claimed claimed) {
    String id = claimed.id();
    running++;
    inFlight.add(id);
    lastStart.put(id, System.currentTimeMillis());
    long started = System.nanoTime();
    Instant now = clock.instant();
    Instant timeMin = now.minus(WINDOW_BACK);
    Instant timeMax = now.plus(Duration.ofHours(calendar.windowHours()));
    Future<Void> done;
    try {
      GoogleCalendarClient.Tokens tokens = credentials.tokens(id, claimed.credentialsType(), claimed.credentialsEnc());
      done = google.listWindow(tokens, claimed.calendarId(), timeMin, timeMax)
          .compose(items -> sync.reconcile(claimed, tokens, items, now, timeMin, timeMax))
          .compose(outcome -> {
            applyOutcome(id, outcome, started);
            return channels.ensure(claimed, tokens);
          })
          .compose(ignored -> outcomes.succeeded(claimed))
          .recover(failure -> outcomes.failed(claimed, failure));
    } catch (RuntimeException e) {
      done = outcomes.failed(claimed, e);
    }
    done.onComplete(result -> {
      running--;
      inFlight.remove(id);
      if (result.failed()) {
        LOG.warn("calendar sync could not record its outcome [calendar: {}, error: {}]", id, result.cause().getMessage());
      }
      if (dirty.remove(id)) {
        requestSync(id);
      }
      tick();
    });
  }

  private void applyOutcome(String id, CalendarSync.Outcome outcome, long startedNanos) {
    outcome.scheduled().forEach(scheduler::consider);
    outcome.changedMeetings().forEach((meetingId, status) -> {
      if (status != BotStatus.SCHEDULED) {
        scheduler.forget(meetingId);
      }
      MeetingUpdate.status(meetingId, status).publish(vertx.eventBus());
    });
    long ms = (System.nanoTime() - startedNanos) / 1_000_000;
    if (outcome.written() > 0) {
      LOG.info("calendar synced [calendar: {}, events: {}, changed: {}, meetings changed: {}, took: {} ms]",
          id, outcome.events(), outcome.written(), outcome.changedMeetings().size(), ms);
    } else {
      LOG.debug("calendar synced, nothing changed [calendar: {}, events: {}, took: {} ms]", id, outcome.events(), ms);
    }
  }
}
