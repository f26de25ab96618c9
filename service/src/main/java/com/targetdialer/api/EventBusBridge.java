package com.targetdialer.api;

import com.targetdialer.access.MeetingAccess;
import com.targetdialer.access.Viewer;
import com.targetdialer.access.ViewerAuth;
import com.targetdialer.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The SockJS event-bus bridge at {@code /eventbus}: outbound only, on {@code transcript.live.<id>}
 * and {@code meetings.updates}. Browsers cannot set headers on a WebSocket, so the token (UI_TOKEN or
 * a person's JWT) comes as {@code ?token=} on the SockJS URL and is checked when the socket is created.
 * A person's socket may register only on the live transcripts of their own meetings, and is given only
 * the updates and alerts of their meetings and calendars; the operator's socket sees everything.
 */
final class EventBusBridge {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);
  private static final String LIVE_PREFIX = Addresses.TRANSCRIPT_LIVE_PREFIX;
  /** How often a socket's person's meetings are read again (they may have been invited since). */
  private static final long RELOAD_MS = 30_000;

  private final Vertx vertx;
  private final ViewerAuth auth;
  private final MeetingAccess access;
  /** Each open socket's viewer, and what it was found to see (its answers, kept for the socket's life). */
  private final Map<SockJSSocket, Seen> sockets = new HashMap<>();

  private EventBusBridge(Vertx vertx, ViewerAuth auth, MeetingAccess access) {
    this.vertx = vertx;
    this.auth = auth;
    this.access = access;
  }

  static Router router(Vertx vertx, ViewerAuth auth, MeetingAccess access) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(LIVE_PREFIX.replace(".", "\\.") + "[0-9]+"))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.MEETINGS_UPDATES));
    return SockJSHandler.create(vertx).bridge(options, new EventBusBridge(vertx, auth, access)::onEvent);
  }

  private void onEvent(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    if (event.type() == BridgeEventType.SOCKET_CREATED) {
      auth.authenticate(token(socket)).onComplete(result -> {
        if (result.succeeded()) {
          sockets.put(socket, new Seen(socket, result.result()));
        } else {
          LOG.info("event-bus socket refused: {} [remote: {}]", result.cause().getMessage(), socket.remoteAddress());
        }
        event.complete(result.succeeded());
      });
      return;
    }
    if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      Seen closed = sockets.remove(socket);
      if (closed != null) {
        closed.close();
      }
      event.complete(true);
      return;
    }
    Seen seen = sockets.get(socket);
    if (seen == null) {
      event.complete(false);
      return;
    }
    JsonObject frame = event.getRawMessage();
    String address = frame == null ? null : frame.getString("address");
    if (event.type() == BridgeEventType.REGISTER && address != null && address.startsWith(LIVE_PREFIX)) {
      long meetingId;
      try {
        meetingId = Long.parseLong(address.substring(LIVE_PREFIX.length()));
      } catch (NumberFormatException e) {
        event.complete(false);
        return;
      }
      seen.register(meetingId).onComplete(allowed -> {
        if (!Boolean.TRUE.equals(allowed.result())) {
          LOG.info("event-bus register refused: not this viewer's meeting [meeting: {}, remote: {}]", meetingId, socket.remoteAddress());
        }
        event.complete(Boolean.TRUE.equals(allowed.result()));
      });
    } else if (event.type() == BridgeEventType.RECEIVE && Addresses.MEETINGS_UPDATES.equals(address)) {
      seen.update(frame.getJsonObject("body")).onComplete(allowed -> event.complete(Boolean.TRUE.equals(allowed.result())));
    } else {
      event.complete(true);
    }
  }

  /**
   * One socket's viewer and what it may see. A person's meetings are read once when the socket opens and
   * again every {@value #RELOAD_MS} ms, so each message is checked in memory; a meeting newer than the
   * last read is asked about once. Checks wait for the first read, in order, so updates keep their order.
   */
  private final class Seen {
    private final Viewer viewer;
    private Future<Void> loaded;
    private Set<Long> mine = Set.of();
    private long newestKnown = Long.MAX_VALUE;
    private final Map<Long, Future<Boolean>> asked = new HashMap<>();
    private final Map<String, Future<Boolean>> calendars = new HashMap<>();
    private long reloadTimer = -1;
    private long expiryTimer = -1;

    Seen(SockJSSocket socket, Viewer viewer) {
      this.viewer = viewer;
      if (!viewer.admin()) {
        loaded = reload();
        reloadTimer = vertx.setPeriodic(RELOAD_MS, id -> reload());
      }
      if (viewer.expiresAt() != null) {
        // A token is good until it expires, and so is its socket (the page then says its link has expired).
        expiryTimer = vertx.setTimer(Math.max(1, viewer.expiresAt().toEpochMilli() - System.currentTimeMillis()), id -> {
          LOG.info("event-bus socket closed: its token expired [remote: {}]", socket.remoteAddress());
          sockets.remove(socket);
          close();
          socket.close();
        });
      }
    }

    /** A live transcript asked for: what the socket knows first, else the database (a meeting shared since its last read). */
    Future<Boolean> register(long meetingId) {
      return meeting(meetingId).compose(known -> known ? Future.succeededFuture(true) : access.meeting(viewer, meetingId).otherwise(false));
    }

    private Future<Void> reload() {
      // The newest id first: a meeting made while the person's are read is newer, so it is asked about.
      return access.newestMeeting().compose(newest -> access.meetingsOf(viewer.person()).map(ids -> {
        mine = ids;
        newestKnown = newest;
        asked.clear();
        calendars.clear();
        return (Void) null;
      })).onFailure(e -> LOG.info("cannot read a viewer's meetings; asking per meeting [error: {}]", e.getMessage()));
    }

    void close() {
      vertx.cancelTimer(reloadTimer);
      vertx.cancelTimer(expiryTimer);
    }

    Future<Boolean> meeting(long meetingId) {
      if (viewer.admin()) {
        return Future.succeededFuture(true);
      }
      if (!loaded.isComplete()) {
        return loaded.transform(ignored -> meeting(meetingId));
      }
      if (mine.contains(meetingId)) {
        return Future.succeededFuture(true);
      }
      if (meetingId <= newestKnown && loaded.succeeded()) {
        return Future.succeededFuture(false);
      }
      // A meeting created since the last read: asked once, until the next read.
      return asked.computeIfAbsent(meetingId, id -> access.meeting(viewer, id).otherwise(false));
    }

    /** A meetings.updates message: a meeting's (it names its "id"), a calendar's, or for admins only. */
    Future<Boolean> update(JsonObject body) {
      if (viewer.admin()) {
        return Future.succeededFuture(true);
      }
      if (body != null && body.getValue("id") instanceof Number id) {
        return meeting(id.longValue());
      }
      String calendar = body == null ? null : body.getValue("calendar") instanceof JsonObject c ? c.getString("id") : body.getString("calendar_id");
      return calendar == null ? Future.succeededFuture(false)
          : calendars.computeIfAbsent(calendar, id -> access.calendar(viewer, id).otherwise(false));
    }
  }

  private static String token(SockJSSocket socket) {
    String uri = socket.uri();
    int query = uri == null ? -1 : uri.indexOf('?');
    if (query < 0) {
      return "";
    }
    for (String pair : uri.substring(query + 1).split("&")) {
      if (pair.startsWith("token=")) {
        try {
          return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
          return "";
        }
      }
    }
    return "";
  }
}
