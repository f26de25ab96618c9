package com.targetdialer.sim.google;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything the simulator knows, behind one lock: the instance itself. HTTP handlers (event loop)
 * and the control API (test or demo threads) both hold it while they read or change state, and
 * never while they do I/O.
 */
final class SimState {

  /** A watch as stored: mutable only in {@code stopped} and the last message number. */
  static final class ChannelState {
    final String id;
    final String resourceId;
    final String resourceUri;
    final String calendarId;
    final String user;
    final String address;
    final String token;
    final Instant expiration;
    boolean stopped;
    long messageNumber;

    ChannelState(String id, String resourceId, String resourceUri, String calendarId, String user, String address,
                 String token, Instant expiration) {
      this.id = id;
      this.resourceId = resourceId;
      this.resourceUri = resourceUri;
      this.calendarId = calendarId;
      this.user = user;
      this.address = address;
      this.token = token;
      this.expiration = expiration;
    }

    boolean active(Instant now) {
      return !stopped && expiration.isAfter(now);
    }

    Channel snapshot(Instant now) {
      return new Channel(id, resourceId, resourceUri, calendarId, user, address, token, expiration, active(now));
    }

    /** Google numbers messages increasingly but not contiguously; receivers must not rely on gaps. */
    PushSender.Job next(String state) {
      messageNumber = messageNumber == 0 ? 1 : messageNumber + ThreadLocalRandom.current().nextLong(1, 40);
      return new PushSender.Job(id, resourceId, resourceUri, token, expiration, state, messageNumber, address);
    }
  }

  private volatile Duration clockOffset = Duration.ZERO;
  private long etagCounter = System.currentTimeMillis() * 1000;

  final Accounts accounts = new Accounts();
  final Map<String, SimCalendar> calendars = new HashMap<>();
  final Map<String, ChannelState> channels = new LinkedHashMap<>();
  final Map<String, List<ChannelState>> channelsByCalendar = new HashMap<>();
  final Faults faults = new Faults();

  final Map<String, Integer> listCalls = new HashMap<>();
  final Map<String, Integer> getCalls = new HashMap<>();
  int tokenCalls;
  int watchCalls;
  int stopCalls;

  int serverPageLimit = EventsQuery.MAX_RESULTS_CAP;
  boolean emptyFirstPage;
  Duration maxChannelTtl = Duration.ofDays(7);
  boolean requireHttpsWebhooks;
  boolean syncPingBeforeWatchResponse;
  Duration expansionHorizon = Duration.ofDays(365);

  /** Set once the verticle runs; null before, and then changes send no pings (there are no channels yet). */
  PushSender pusher;

  /** The simulator's clock: wall time plus whatever {@code advanceClock} added. Safe from any thread. */
  Instant now() {
    return Instant.now().plus(clockOffset);
  }

  void advanceClock(Duration by) {
    clockOffset = clockOffset.plus(by);
  }

  String nextEtag() {
    return "\"" + (++etagCounter) + "\"";
  }

  SimCalendar calendar(String calendarId) {
    return calendars.get(Accounts.key(calendarId));
  }

  SimCalendar requireCalendar(String calendarId) {
    SimCalendar calendar = calendar(calendarId);
    if (calendar == null) {
      throw new IllegalArgumentException("no calendar " + calendarId + "; addUser or addCalendar first");
    }
    return calendar;
  }

  /** After a change to a calendar: one {@code exists} ping per live channel watching it. */
  void changed(SimCalendar calendar) {
    List<ChannelState> watching = channelsByCalendar.get(calendar.id);
    if (watching == null || pusher == null) {
      return;
    }
    Instant now = now();
    for (ChannelState channel : new ArrayList<>(watching)) {
      if (channel.active(now)) {
        // Submitted under the lock so that message numbers reach the sender in order.
        pusher.submit(channel.next("exists"));
      }
    }
  }

  void count(Map<String, Integer> counter, String calendarId) {
    counter.merge(calendarId, 1, Integer::sum);
  }
}
