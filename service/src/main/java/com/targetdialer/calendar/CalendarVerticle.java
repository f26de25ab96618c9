package com.targetdialer.calendar;

import com.targetdialer.store.CredentialCipher;
import com.targetdialer.bus.Addresses;
import com.targetdialer.bus.ReplyTimeouts;
import com.targetdialer.config.CalendarSettings;
import com.targetdialer.config.Settings;
import com.targetdialer.dispatch.DispatchScheduler;
import com.targetdialer.health.AlertWebhook;
import com.targetdialer.store.Backends;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
  private static final long TICK_MS = 1_000;
  private static final long PURGE_MS = 3_600_000;

  private final Settings settings;
  private final CalendarSettings calendar;
  private final Backends backends;
  private final CredentialCipher cipher;
  private final String nodeId = UUID.randomUUID().toString();
  private final List<Long> timers = new ArrayList<>();

  private final Clock clock;
  private Pool pg;
  private GoogleCalendarClient google;
  private DispatchScheduler scheduler;
  private CalendarPoller poller;
  private AlertWebhook alertWebhook;

  public CalendarVerticle(Settings settings, Backends backends, CredentialCipher cipher, Clock clock) {
    this.clock = clock;
    this.settings = settings;
    this.calendar = settings.calendar();
    this.backends = backends;
    this.cipher = cipher;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    google = new GoogleCalendarClient(vertx, calendar);
    String pushAddress = calendar.pushEnabled(settings.publicApiUrl()) ? settings.publicApiUrl() + "/calendar/notifications" : null;
    PushChannels channels = new PushChannels(pg, google, pushAddress, calendar.channelTtlSeconds());
    long scanMs = Math.min(10_000L, calendar.pollIntervalSeconds() * 1_000L);
    scheduler = new DispatchScheduler(vertx, pg, clock, Duration.ofMillis(scanMs), ReplyTimeouts.dispatch(settings));
    CredentialsCache credentials = new CredentialsCache(vertx, cipher, URI.create(calendar.tokenUri()));
    alertWebhook = new AlertWebhook(vertx, settings.health());
    CalendarAlerts alerts = new CalendarAlerts(vertx, alertWebhook);
    CalendarSync sync = new CalendarSync(pg, google, calendar.dispatchLeadSeconds(), new MeetDetection(settings.platforms()), cipher);
    poller = new CalendarPoller(vertx, pg, clock, calendar, cipher.available(), nodeId, google, sync, channels, scheduler, credentials, alerts);
    CalendarRequests requests = new CalendarRequests(vertx, pg, cipher, credentials, channels, scheduler, poller, alerts);

    Future<?> consumers = Future.all(List.of(
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_CONNECT, requests::onConnect).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_LIST, requests::onList).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_DISCONNECT, requests::onDisconnect).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_EVENTS, requests::onEvents).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.CALENDAR_NOTIFICATION, requests::onNotification).completion()));
    return consumers
        .compose(ignored -> new ConfigCalendars(pg, calendar, cipher, requests).connectAll())
        .compose(ignored -> checkKey())
        .onSuccess(ignored -> {
          scheduler.start();
          if (cipher.available()) {
            timers.add(vertx.setPeriodic(TICK_MS, id -> poller.tick()));
            poller.tick();
          }
          timers.add(vertx.setPeriodic(PURGE_MS, id -> pg.query(CalendarSql.PURGE_OLD_EVENTS).execute()));
          LOG.info("calendar sync started [poll: {} s, window: {} h, dispatch lead: {} s, concurrency: {}, push: {}]",
              calendar.pollIntervalSeconds(), calendar.windowHours(), calendar.dispatchLeadSeconds(), calendar.syncConcurrency(),
              pushAddress != null ? pushAddress : pushOffReason());
        });
  }

  @Override
  public Future<?> stop() {
    poller.stop();
    alertWebhook.close();
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
}
