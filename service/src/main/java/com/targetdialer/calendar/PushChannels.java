package com.targetdialer.calendar;

import com.targetdialer.http.Tokens;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code events.watch} push channels, one live channel per calendar: created after a successful sync when
 * push is on, renewed (a new channel first, then {@code channels.stop} on the old one) once less than a
 * day, or half its life, remains, and stopped when the calendar is disconnected. Each channel has its own
 * random token; a ping is accepted only with its channel's token.
 */
final class PushChannels {

  /** Answers to a ping, as failure codes of the event-bus reply. */
  static final int FORBIDDEN = 403;

  private static final Logger LOG = LoggerFactory.getLogger(PushChannels.class);
  private static final Duration MAX_RENEW_MARGIN = Duration.ofHours(24);
  /** A channel row without a resource id is a watch in flight (or one that failed mid-way). */
  private static final Duration PENDING_GRACE = Duration.ofMinutes(1);

  private final Pool pg;
  private final GoogleCalendarClient google;
  private final String address;
  private final int ttlSeconds;
  private final Set<String> cleared = new HashSet<>();

  /** @param address where Google sends pings, or null when push is off */
  PushChannels(Pool pg, GoogleCalendarClient google, String address, int ttlSeconds) {
    this.pg = pg;
    this.google = google;
    this.address = address;
    this.ttlSeconds = ttlSeconds;
  }

  boolean enabled() {
    return address != null;
  }

  private record StoredChannel(String id, String resourceId, Instant expiresAt, Instant createdAt) {

    static StoredChannel from(Row row) {
      return new StoredChannel(row.getString("id"), row.getString("resource_id"), CalendarSync.instant(row, "expires_at"),
          CalendarSync.instant(row, "created_at"));
    }

    boolean fresh(Instant now) {
      if (resourceId == null) {
        return false;
      }
      Duration life = Duration.between(createdAt, expiresAt);
      Duration margin = life.dividedBy(2).compareTo(MAX_RENEW_MARGIN) < 0 ? life.dividedBy(2) : MAX_RENEW_MARGIN;
      return expiresAt.minus(margin).isAfter(now);
    }

    boolean pending(Instant now) {
      return resourceId == null && createdAt.plus(PENDING_GRACE).isAfter(now);
    }
  }

  /** After a successful sync: makes sure the calendar has a fresh channel (or none when push is off). Never fails. */
  Future<Void> ensure(CalendarSync.Claimed calendar, GoogleCalendarClient.Tokens tokens) {
    if (!enabled() && !cleared.add(calendar.id())) {
      return Future.succeededFuture(); // push is off: channels left from when it was on are stopped once per start
    }
    return pg.preparedQuery(CalendarSql.CHANNELS_OF).execute(Tuple.of(calendar.id())).compose(rows -> {
      Instant now = Instant.now();
      List<StoredChannel> channels = new ArrayList<>();
      rows.forEach(row -> channels.add(StoredChannel.from(row)));
      boolean covered = enabled() && channels.stream().anyMatch(c -> c.fresh(now) || c.pending(now));
      List<StoredChannel> stale = channels.stream().filter(c -> !enabled() || (!c.fresh(now) && !c.pending(now))).toList();
      Future<Void> created = covered || !enabled() ? Future.succeededFuture() : watch(calendar, tokens);
      return created.compose(ignored -> stopAll(tokens, stale)).<Void>mapEmpty();
    }).recover(e -> {
      LOG.warn("push channel upkeep failed; the poll still runs [calendar: {}, error: {}]", calendar.id(), e.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> watch(CalendarSync.Claimed calendar, GoogleCalendarClient.Tokens tokens) {
    String channelId = UUID.randomUUID().toString();
    String token = Tokens.random(32);
    return pg.preparedQuery(CalendarSql.INSERT_CHANNEL).execute(Tuple.of(channelId, calendar.id(), token, (double) ttlSeconds))
        .compose(inserted -> google.watch(tokens, calendar.calendarId(), channelId, address, token, ttlSeconds))
        .compose(answer -> {
          Instant expires = expiration(answer.getValue("expiration"));
          String resourceId = answer.getString("resourceId");
          LOG.info("push channel created [calendar: {}, channel: {}, expires: {}]", calendar.id(), channelId, expires);
          return pg.preparedQuery(CalendarSql.CHANNEL_WATCHED)
              .execute(Tuple.of(channelId, resourceId, CalendarSync.utc(expires))).<Void>mapEmpty();
        })
        .recover(e -> {
          LOG.warn("events.watch failed; relying on the poll [calendar: {}, error: {}]", calendar.id(), e.getMessage());
          return pg.preparedQuery(CalendarSql.DELETE_CHANNEL).execute(Tuple.of(channelId)).<Void>mapEmpty()
              .otherwiseEmpty();
        });
  }

  /** {@code channels.stop} for each channel, then forgets it; Google not knowing it any more is fine. Returns how many Google stopped. */
  Future<Integer> stopAll(GoogleCalendarClient.Tokens tokens, List<StoredChannel> channels) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (StoredChannel channel : channels) {
      chain = chain.compose(count -> {
        Future<Boolean> stopped = channel.resourceId() == null || tokens == null
            ? Future.succeededFuture(false)
            : google.stopChannel(tokens, channel.id(), channel.resourceId()).otherwise(e -> {
              LOG.info("channels.stop failed; the channel will expire by itself [channel: {}, error: {}]", channel.id(), e.getMessage());
              return false;
            });
        return stopped.compose(done -> pg.preparedQuery(CalendarSql.DELETE_CHANNEL).execute(Tuple.of(channel.id()))
            .map(ignored -> done ? count + 1 : count));
      });
    }
    return chain;
  }

  /** Every channel of a calendar that is being disconnected; tokens may be null when its credentials are gone. */
  Future<Integer> stopCalendar(String calendarRef, GoogleCalendarClient.Tokens tokens) {
    return pg.preparedQuery(CalendarSql.CHANNELS_OF).execute(Tuple.of(calendarRef)).compose(rows -> {
      List<StoredChannel> channels = new ArrayList<>();
      rows.forEach(row -> channels.add(StoredChannel.from(row)));
      return stopAll(tokens, channels);
    });
  }

  /**
   * Checks a ping's channel id, token (constant time) and resource id against the stored channel.
   * Succeeds with the calendar it is for; fails with {@link #FORBIDDEN} otherwise. Unknown channels are
   * refused the same way as wrong tokens, so a caller learns nothing about which ids exist.
   */
  Future<String> verify(String channelId, String token, String resourceId) {
    return pg.preparedQuery(CalendarSql.FIND_CHANNEL).execute(Tuple.of(channelId)).map(rows -> {
      Row row = rows.size() == 0 ? null : rows.iterator().next();
      String stored = row == null ? "no-such-channel" : row.getString("token");
      boolean tokenMatches = Tokens.matches(stored, token == null ? "" : token);
      if (row == null || token == null || !tokenMatches) {
        throw new PingRefused("the channel id and token do not match a channel of this service");
      }
      String storedResource = row.getString("resource_id");
      if (storedResource != null && resourceId != null && !storedResource.equals(resourceId)) {
        throw new PingRefused("the resource id does not match the channel");
      }
      return row.getString("calendar_ref");
    });
  }

  static final class PingRefused extends RuntimeException {
    PingRefused(String message) {
      super(message, null, false, false);
    }
  }

  /** Google sends int64 as a JSON string; accept a number too. Missing: the TTL we asked for. */
  private Instant expiration(Object value) {
    try {
      if (value instanceof Number number) {
        return Instant.ofEpochMilli(number.longValue());
      }
      if (value instanceof String text) {
        return Instant.ofEpochMilli(Long.parseLong(text.trim()));
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    return Instant.now().plusSeconds(ttlSeconds);
  }
}
