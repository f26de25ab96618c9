package com.targetdialer.calendar;

import com.targetdialer.dispatch.DispatchScheduler;
import com.targetdialer.bus.ReplyTimeouts;
import com.targetdialer.bus.Failures;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.meeting.BotStatus;
import com.google.auth.oauth2.GoogleCredentials;
import com.targetdialer.bus.Addresses;
import com.targetdialer.config.CalendarSettings;
import com.targetdialer.config.Settings;
import com.targetdialer.store.Backends;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Google Calendar watcher: keeps every connected calendar's window (now − 15 min … now +
 * CALENDAR_WINDOW_HOURS) reconciled into {@code td_meetings}, and sends each meeting's bot at start −
 * DISPATCH_LEAD_S over {@code dispatch.start}. Never talks to Vexa.
 *
 * <ul>
 *   <li><b>Poll</b>: every second it claims due calendars in Postgres ({@code sync_claimed_by} with an
 *       expiry, so in a cluster each calendar syncs on one node) and syncs up to CALENDAR_SYNC_CONCURRENCY
 *       of them at once; after a sync the next is due in CALENDAR_POLL_INTERVAL_S ± 10 %.</li>
 *   <li><b>Push</b>: a valid ping makes that calendar sync now, at most once per CALENDAR_PUSH_DEBOUNCE_MS
 *       (pings during a sync make one more sync after it).</li>
 *   <li><b>Failures</b>: per calendar, with backoff; {@code invalid_grant} marks the calendar
 *       {@code needs_reauth}, stops its sync and raises an alert, and keeps its scheduled meetings.</li>
 * </ul>
 * Token refreshes (blocking google-auth calls) run with {@code executeBlocking}, never on the event loop.
 */
public final class CalendarVerticle extends VerticleBase {


  private static final Logger LOG = LoggerFactory.getLogger(CalendarVerticle.class);
  private static final Duration WINDOW_BACK = Duration.ofMinutes(15);
  private static final int CLAIM_SECONDS = 120;
  private static final long TICK_MS = 1_000;
  private static final long PURGE_MS = 3_600_000;

  private final Settings settings;
  private final CalendarSettings calendar;
  private final Backends backends;
  private final CredentialCipher cipher;
  private final String nodeId = UUID.randomUUID().toString();

  private Pool pg;
  private GoogleCalendarClient google;
  private CalendarSync sync;
  private PushChannels channels;
  private DispatchScheduler scheduler;

  private final Map<String, CachedCredentials> credentials = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> claiming = new HashSet<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> debouncing = new HashSet<>();
  private final Map<String, Long> lastStart = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private int running;
  private boolean ticking;
  private boolean tickAgain;
  private boolean stopped;

  private record CachedCredentials(byte[] encrypted, GoogleCredentials credentials) {
  }

  public CalendarVerticle(Settings settings, Backends backends, CredentialCipher cipher) {
    this.settings = settings;
    this.calendar = settings.calendar();
    this.backends = backends;
    this.cipher = cipher;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    google = new GoogleCalendarClient(vertx, calendar);
    sync = new CalendarSync(pg, google, calendar.dispatchLeadSeconds());
    String pushAddress = calendar.pushEnabled(settings.publicApiUrl()) ? settings.publicApiUrl() + "/calendar/notifications" : null;
    channels = new PushChannels(pg, google, pushAddress, calendar.channelTtlSeconds());
    long scanMs = Math.min(10_000L, calendar.pollIntervalSeconds() * 1_000L);
    scheduler = new DispatchScheduler(vertx, pg, Duration.ofMillis(scanMs), ReplyTimeouts.dispatch(settings));

    Future<?> consumers = Future.all(List.of(
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_CONNECT, this::onConnect).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_LIST, this::onList).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_DISCONNECT, this::onDisconnect).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_EVENTS, this::onEvents).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_NOTIFICATION, this::onNotification).completion()));
    return consumers
        .compose(ignored -> connectStaticCalendars())
        .compose(ignored -> checkKey())
        .onSuccess(ignored -> {
          scheduler.start();
          if (cipher.available()) {
            timers.add(vertx.setPeriodic(TICK_MS, id -> tick()));
            tick();
          }
          timers.add(vertx.setPeriodic(PURGE_MS, id -> pg.query(CalendarSql.PURGE_OLD_EVENTS).execute()));
          LOG.info("calendar sync started [poll: {} s, window: {} h, dispatch lead: {} s, concurrency: {}, push: {}]",
              calendar.pollIntervalSeconds(), calendar.windowHours(), calendar.dispatchLeadSeconds(), calendar.syncConcurrency(),
              pushAddress != null ? pushAddress : pushOffReason());
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    scheduler.stop();
    // Hand this node's calendars to the others (or to the next start) at once rather than on claim expiry.
    return pg.preparedQuery(CalendarSql.RELEASE_CLAIMS).execute(Tuple.of(nodeId)).otherwiseEmpty()
        .eventually(() -> {
          google.close();
          return pg.close();
        });
  }

  private String pushOffReason() {
    if (calendar.push().equals("off")) {
      return "off (CALENDAR_PUSH=off)";
    }
    return settings.publicApiUrl() == null ? "off (PUBLIC_API_URL not set; polling only)"
        : "off (PUBLIC_API_URL is not https; polling only)";
  }

  private Future<Void> checkKey() {
    if (cipher.available()) {
      return Future.succeededFuture();
    }
    return pg.query(CalendarSql.COUNT_CALENDARS).execute().map(rows -> {
      long count = rows.iterator().next().getLong(0);
      if (count > 0) {
        LOG.error("{} is not set, but the database holds {} connected calendars: this node does not sync them "
            + "(their scheduled meetings are still sent)", CalendarSettings.KEY_SETTING, count);
      }
      return null;
    });
  }

  // ---- the poll ----

  private void tick() {
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
  private void requestSync(String id) {
    if (stopped || !cipher.available()) {
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
    Instant now = Instant.now();
    Instant timeMin = now.minus(WINDOW_BACK);
    Instant timeMax = now.plus(Duration.ofHours(calendar.windowHours()));
    Future<Void> done;
    try {
      GoogleCalendarClient.Tokens tokens = tokens(id, claimed.credentialsType(), claimed.credentialsEnc());
      done = google.listWindow(tokens, claimed.calendarId(), timeMin, timeMax)
          .compose(items -> sync.reconcile(claimed, tokens, items, now, timeMin, timeMax))
          .compose(outcome -> {
            applyOutcome(id, outcome, started);
            return channels.ensure(claimed, tokens);
          })
          .compose(ignored -> succeeded(claimed))
          .recover(failure -> failed(claimed, failure));
    } catch (RuntimeException e) {
      done = failed(claimed, e);
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

  private Future<Void> succeeded(CalendarSync.Claimed claimed) {
    double next = calendar.pollIntervalSeconds() * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble());
    return pg.preparedQuery(CalendarSql.SYNC_SUCCEEDED)
        .execute(Tuple.of(claimed.id(), nodeId, claimed.claimedAt(), next)).mapEmpty();
  }

  private Future<Void> failed(CalendarSync.Claimed claimed, Throwable failure) {
    String id = claimed.id();
    String error;
    boolean transientError;
    if (failure instanceof TokenFailure) {
      CalendarCredentials.Failure kind = CalendarCredentials.classify(failure.getCause());
      if (kind == CalendarCredentials.Failure.REAUTH) {
        return needsReauth(claimed, failure.getMessage());
      }
      error = "token: " + failure.getMessage();
      transientError = kind == CalendarCredentials.Failure.TRANSIENT;
    } else if (failure instanceof GoogleApiException google) {
      error = "Google Calendar: " + google.getMessage();
      transientError = google.retryable();
    } else if (failure instanceof CredentialCipher.DecryptionException || failure instanceof IllegalArgumentException) {
      error = "credentials: " + failure.getMessage();
      transientError = false;
    } else {
      error = String.valueOf(failure.getMessage());
      transientError = true;
    }
    double delay = transientError ? backoffSeconds(claimed.failureCount()) : calendar.pollIntervalSeconds();
    LOG.warn("calendar sync failed [calendar: {}, error: {}, next try in: {} s]", id, error, String.format("%.1f", delay));
    return pg.preparedQuery(CalendarSql.SYNC_FAILED).execute(Tuple.of(id, nodeId, error, delay)).mapEmpty();
  }

  /** Per-calendar backoff after a failed sync: 4, 8, 16... × CALENDAR_RETRY_BASE_MS, jittered, at most the poll interval. */
  private double backoffSeconds(int failures) {
    double step = Math.min(calendar.pollIntervalSeconds(), calendar.retryBaseMs() / 1000.0 * Math.pow(2, Math.min(failures + 2, 30)));
    return step / 2 + ThreadLocalRandom.current().nextDouble() * step / 2;
  }

  /** invalid_grant: stop syncing, say which upcoming meetings are at risk (on each one's log too), keep them scheduled. */
  private Future<Void> needsReauth(CalendarSync.Claimed claimed, String detail) {
    String id = claimed.id();
    credentials.remove(id);
    return pg.withTransaction(connection -> connection.preparedQuery(CalendarSql.NEEDS_REAUTH)
            .execute(Tuple.of(id, nodeId, detail))
            .compose(changed -> {
              if (changed.size() == 0) {
                return Future.succeededFuture((List<Row>) null);
              }
              return connection.preparedQuery(CalendarSql.UPCOMING_MEETINGS).execute(Tuple.of(id)).compose(rows -> {
                List<Row> upcoming = new ArrayList<>();
                Set<Long> seen = new HashSet<>();
                rows.forEach(row -> {
                  if (seen.add(row.getLong("id"))) {
                    upcoming.add(row);
                  }
                });
                if (upcoming.isEmpty()) {
                  return Future.succeededFuture(upcoming);
                }
                int n = upcoming.size();
                Long[] ids = new Long[n];
                String[] types = new String[n];
                String[] levels = new String[n];
                String[] details = new String[n];
                for (int i = 0; i < n; i++) {
                  ids[i] = upcoming.get(i).getLong("id");
                  types[i] = "calendar_needs_reauth";
                  levels[i] = "alert";
                  details[i] = new JsonObject().put("calendar", id).put("error", detail)
                      .put("detail", "the calendar needs re-authorisation: changes to this meeting are no longer seen; it stays scheduled")
                      .encode();
                }
                return CalendarSync.appendMeetingEvents(connection, ids, types, levels, details).map(upcoming);
              });
            }))
        .map(upcoming -> {
          if (upcoming != null) {
            LOG.warn("ALERT calendar needs re-authorisation [calendar: {}, error: {}, upcoming meetings: {}]",
                id, detail, describeMeetings(upcoming));
          }
          return null;
        });
  }

  private static String describeMeetings(List<Row> meetings) {
    if (meetings.isEmpty()) {
      return "none";
    }
    StringBuilder text = new StringBuilder().append(meetings.size()).append(" (");
    for (int i = 0; i < meetings.size() && i < 20; i++) {
      Row row = meetings.get(i);
      text.append(i == 0 ? "" : ", ").append('#').append(row.getLong("id")).append(' ')
          .append('"').append(row.getString("title") == null ? "" : row.getString("title")).append("\" ")
          .append(row.getString("native_meeting_id")).append(" at ").append(row.getOffsetDateTime("scheduled_start"));
    }
    return text.append(meetings.size() > 20 ? ", ...)" : ")").toString();
  }

  // ---- credentials ----

  private GoogleCalendarClient.Tokens tokens(String id, String type, byte[] encrypted) {
    GoogleCredentials google = credentials(id, type, encrypted);
    return new GoogleCalendarClient.Tokens() {
      @Override
      public Future<String> current() {
        return vertx.executeBlocking(() -> CalendarCredentials.accessToken(google), false)
            .recover(e -> Future.failedFuture(new TokenFailure(e)));
      }

      @Override
      public Future<String> refreshed() {
        return vertx.executeBlocking(() -> CalendarCredentials.refreshedToken(google), false)
            .recover(e -> Future.failedFuture(new TokenFailure(e)));
      }
    };
  }

  /** One credentials object per calendar, kept while its stored blob is the same (it caches the access token). */
  private GoogleCredentials credentials(String id, String type, byte[] encrypted) {
    CachedCredentials cached = credentials.get(id);
    if (cached != null && Arrays.equals(cached.encrypted(), encrypted)) {
      return cached.credentials();
    }
    JsonObject json = cipher.decryptJson(encrypted, id);
    GoogleCredentials built = CalendarCredentials.build(type, json, URI.create(calendar.tokenUri()));
    credentials.put(id, new CachedCredentials(encrypted, built));
    return built;
  }

  // ---- calendars of the config file ----

  private Future<Void> connectStaticCalendars() {
    List<CalendarRequest> statics = calendar.staticCalendars();
    if (!cipher.available()) {
      return Future.succeededFuture(); // Settings refuses static calendars without a key
    }
    Future<Void> chain = Future.succeededFuture();
    for (CalendarRequest request : statics) {
      chain = chain.compose(ignored -> connectStatic(request));
    }
    Set<String> ids = new HashSet<>();
    statics.forEach(request -> ids.add(request.id()));
    return chain.compose(ignored -> pg.query(CalendarSql.CONFIG_CALENDARS).execute()).compose(rows -> {
      Future<Void> removals = Future.succeededFuture();
      for (Row row : rows) {
        String id = row.getString("id");
        if (!ids.contains(id)) {
          removals = removals.compose(ignored -> disconnect(id, true)
              .onSuccess(result -> LOG.info("calendar removed from the config file, disconnected [calendar: {}]", id))
              .<Void>mapEmpty().otherwiseEmpty());
        }
      }
      return removals;
    });
  }

  private Future<Void> connectStatic(CalendarRequest request) {
    return pg.preparedQuery(CalendarSql.LOAD_CALENDAR).execute(Tuple.of(request.id())).compose(rows -> {
      if (rows.size() == 1) {
        Row row = rows.iterator().next();
        if ("config".equals(row.getString("source")) && request.credentialsType().equals(row.getString("credentials_type"))
            && request.calendarId().equals(row.getString("calendar_id")) && sameCredentials(row, request)) {
          return Future.succeededFuture(); // unchanged: keep its state (a needs_reauth stays until the credentials change)
        }
      }
      byte[] encrypted = cipher.encrypt(request.credentials(), request.id());
      return pg.preparedQuery(CalendarSql.UPSERT_CONFIG)
          .execute(Tuple.of(request.id(), request.calendarId(), request.credentialsType(), Buffer.buffer(encrypted)))
          .onSuccess(ignored -> LOG.info("calendar connected from the config file [calendar: {}, calendar id: {}, type: {}]",
              request.id(), request.calendarId(), request.credentialsType()))
          .mapEmpty();
    });
  }

  private boolean sameCredentials(Row row, CalendarRequest request) {
    try {
      return cipher.decryptJson(row.getBuffer("credentials_enc").getBytes(), request.id()).equals(request.credentials());
    } catch (RuntimeException e) {
      return false;
    }
  }

  // ---- requests from the HTTP edge ----

  private void onConnect(Message<JsonObject> message) {
    if (!cipher.available()) {
      message.fail(Failures.UNAVAILABLE, CalendarSettings.KEY_SETTING + " is not set on this service, so calendar credentials cannot be stored");
      return;
    }
    CalendarRequest request = CalendarRequest.fromBus(message.body());
    byte[] encrypted = cipher.encrypt(request.credentials(), request.id());
    pg.preparedQuery(CalendarSql.UPSERT_API)
        .execute(Tuple.of(request.id(), request.calendarId(), request.credentialsType(), Buffer.buffer(encrypted)))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            message.fail(Failures.CONFLICT, "calendar " + request.id() + " is connected in the config file; change it there");
            return;
          }
          Row row = rows.iterator().next();
          credentials.remove(request.id());
          boolean created = Boolean.TRUE.equals(row.getBoolean("created"));
          LOG.info("calendar connected [calendar: {}, calendar id: {}, type: {}, new: {}]",
              request.id(), request.calendarId(), request.credentialsType(), created);
          message.reply(view(row).put("created", created));
          requestSync(request.id());
        })
        .onFailure(e -> message.fail(Failures.INTERNAL, "cannot store the calendar: " + e.getMessage()));
  }

  private void onList(Message<JsonObject> message) {
    pg.query(CalendarSql.LIST_CALENDARS).execute()
        .onSuccess(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(row -> list.add(view(row)));
          message.reply(new JsonObject().put("calendars", list));
        })
        .onFailure(e -> message.fail(Failures.INTERNAL, "cannot list calendars: " + e.getMessage()));
  }

  private void onDisconnect(Message<JsonObject> message) {
    String id = message.body().getString("id");
    disconnect(id, false).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (result.cause() instanceof Refused refused) {
        message.fail(refused.code, refused.getMessage());
      } else {
        message.fail(Failures.INTERNAL, "cannot disconnect calendar " + id + ": " + result.cause().getMessage());
      }
    });
  }

  /** Stops its push channels, cancels the meetings only it scheduled (no bot sent yet), then forgets it. */
  private Future<JsonObject> disconnect(String id, boolean fromConfig) {
    return pg.preparedQuery(CalendarSql.LOAD_CALENDAR).execute(Tuple.of(id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new Refused(Failures.NOT_FOUND, "no calendar " + id));
      }
      Row row = rows.iterator().next();
      if ("config".equals(row.getString("source")) && !fromConfig) {
        return Future.failedFuture(new Refused(Failures.CONFLICT, "calendar " + id + " is connected in the config file; remove it there"));
      }
      GoogleCalendarClient.Tokens tokens = null;
      if (!"needs_reauth".equals(row.getString("status"))) {
        try {
          tokens = tokens(id, row.getString("credentials_type"), row.getBuffer("credentials_enc").getBytes());
        } catch (RuntimeException e) {
          LOG.info("cannot read the credentials of calendar {} to stop its channels; they will expire [error: {}]", id, e.getMessage());
        }
      }
      return channels.stopCalendar(id, tokens);
    }).compose(stopped -> pg.withTransaction(connection -> connection.preparedQuery(CalendarSql.CALENDAR_MEETINGS)
            .execute(Tuple.of(id))
            .compose(meetings -> {
              List<Long> ids = new ArrayList<>();
              meetings.forEach(row -> ids.add(row.getLong("meeting_id")));
              return connection.preparedQuery(CalendarSql.DELETE_CALENDAR).execute(Tuple.of(id))
                  .compose(deleted -> connection.preparedQuery(CalendarSql.CANCEL_ORPHANS)
                      .execute(Tuple.tuple().addValue(ids.toArray(new Long[0]))))
                  .compose(cancelled -> {
                    List<Long> cancelledIds = new ArrayList<>();
                    cancelled.forEach(row -> cancelledIds.add(row.getLong("id")));
                    if (cancelledIds.isEmpty()) {
                      return Future.succeededFuture(cancelledIds);
                    }
                    int n = cancelledIds.size();
                    String[] types = new String[n];
                    String[] levels = new String[n];
                    String[] details = new String[n];
                    Arrays.fill(types, "calendar_cancelled");
                    Arrays.fill(levels, "info");
                    Arrays.fill(details, new JsonObject().put("calendar", id).put("reason", "calendar disconnected").encode());
                    return CalendarSync.appendMeetingEvents(connection, cancelledIds.toArray(new Long[0]), types, levels, details)
                        .map(cancelledIds);
                  });
            }))
        .map(cancelled -> {
          credentials.remove(id);
          lastStart.remove(id);
          cancelled.forEach(meetingId -> {
            scheduler.forget(meetingId);
            MeetingUpdate.status(meetingId, BotStatus.CANCELLED).publish(vertx.eventBus());
          });
          LOG.info("calendar disconnected [calendar: {}, channels stopped: {}, meetings cancelled: {}]", id, stopped, cancelled.size());
          return new JsonObject().put("id", id).put("deleted", true).put("channels_stopped", stopped)
              .put("meetings_cancelled", cancelled.size());
        }));
  }

  private void onEvents(Message<JsonObject> message) {
    String id = message.body().getString("id");
    pg.preparedQuery(CalendarSql.LOAD_CALENDAR).execute(Tuple.of(id)).compose(found -> {
      if (found.size() == 0) {
        return Future.failedFuture(new Refused(Failures.NOT_FOUND, "no calendar " + id));
      }
      return pg.preparedQuery(CalendarSql.CALENDAR_EVENTS).execute(Tuple.of(id));
    }).onSuccess(rows -> {
      JsonArray events = new JsonArray();
      rows.forEach(row -> events.add(new JsonObject()
          .put("event_id", row.getString("event_id"))
          .put("summary", row.getString("summary"))
          .put("starts_at", iso(row.getOffsetDateTime("starts_at")))
          .put("ends_at", iso(row.getOffsetDateTime("ends_at")))
          .put("decision", row.getString("decision"))
          .put("reason", row.getString("reason"))
          .put("meet_code", row.getString("meet_code"))
          .put("meeting_id", row.getLong("meeting_id"))
          .put("bot_status", row.getString("bot_status"))
          .put("seen_at", iso(row.getOffsetDateTime("seen_at")))));
      message.reply(new JsonObject().put("calendar", id).put("events", events));
    }).onFailure(e -> {
      if (e instanceof Refused refused) {
        message.fail(refused.code, refused.getMessage());
      } else {
        message.fail(Failures.INTERNAL, "cannot read the events of calendar " + id + ": " + e.getMessage());
      }
    });
  }

  /** A push ping, forwarded by the HTTP edge: checked against the stored channel before the edge answers. */
  private void onNotification(Message<JsonObject> message) {
    JsonObject ping = message.body();
    String state = ping.getString("state");
    channels.verify(ping.getString("channel_id"), ping.getString("token"), ping.getString("resource_id"))
        .onSuccess(calendarRef -> {
          message.reply(new JsonObject().put("calendar", calendarRef));
          if (!"sync".equals(state)) {
            LOG.debug("push ping [calendar: {}, state: {}, number: {}]", calendarRef, state, ping.getString("message_number"));
            requestSync(calendarRef);
          }
        })
        .onFailure(e -> {
          if (e instanceof PushChannels.PingRefused) {
            message.fail(Failures.FORBIDDEN, e.getMessage());
          } else {
            message.fail(Failures.UNAVAILABLE, "cannot check the channel: " + e.getMessage());
          }
        });
  }

  private static JsonObject view(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("calendar_id", row.getString("calendar_id"))
        .put("status", row.getString("status"))
        .put("last_sync_at", iso(row.getOffsetDateTime("last_sync_at")))
        .put("last_error", row.getString("last_error"))
        .put("source", row.getString("source"));
  }

  private static String iso(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  /** A request refused with a status the HTTP edge passes on. */
  private static final class Refused extends RuntimeException {
    private final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
