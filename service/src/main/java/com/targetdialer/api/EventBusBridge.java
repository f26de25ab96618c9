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
  /** A meeting found not to be a person's is asked again after this long (they may be invited since). */
  private static final long NOT_YOURS_FOR_MS = 30_000;

  private final ViewerAuth auth;
  private final MeetingAccess access;
  /** Each open socket's viewer, and what it was found to see (its answers, kept for the socket's life). */
  private final Map<SockJSSocket, Seen> sockets = new HashMap<>();

  private EventBusBridge(ViewerAuth auth, MeetingAccess access) {
    this.auth = auth;
    this.access = access;
  }

  static Router router(Vertx vertx, ViewerAuth auth, MeetingAccess access) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(LIVE_PREFIX.replace(".", "\\.") + "[0-9]+"))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.MEETINGS_UPDATES));
    return SockJSHandler.create(vertx).bridge(options, new EventBusBridge(auth, access)::onEvent);
  }

  private void onEvent(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    if (event.type() == BridgeEventType.SOCKET_CREATED) {
      auth.authenticate(token(socket)).onComplete(result -> {
        if (result.succeeded()) {
          sockets.put(socket, new Seen(result.result()));
        } else {
          LOG.info("event-bus socket refused: {} [remote: {}]", result.cause().getMessage(), socket.remoteAddress());
        }
        event.complete(result.succeeded());
      });
      return;
    }
    if (event.type() == BridgeEventType.SOCKET_CLOSED) {
      sockets.remove(socket);
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
      seen.meeting(meetingId).onComplete(allowed -> {
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

  /** One socket's viewer and the answers about what it may see; pending answers are shared, so updates keep their order. */
  private final class Seen {
    private final Viewer viewer;
    private final Map<Long, Future<Boolean>> meetings = new HashMap<>();
    private final Map<Long, Long> refusedAt = new HashMap<>();
    private final Map<String, Future<Boolean>> calendars = new HashMap<>();

    Seen(Viewer viewer) {
      this.viewer = viewer;
    }

    Future<Boolean> meeting(long meetingId) {
      if (viewer.admin()) {
        return Future.succeededFuture(true);
      }
      Long refused = refusedAt.get(meetingId);
      if (refused != null && System.currentTimeMillis() - refused > NOT_YOURS_FOR_MS) {
        meetings.remove(meetingId);
        refusedAt.remove(meetingId);
      }
      return meetings.computeIfAbsent(meetingId, id -> access.meeting(viewer, id).otherwise(false).onSuccess(yours -> {
        if (!yours) {
          refusedAt.put(id, System.currentTimeMillis());
        }
      }));
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
        return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
      }
    }
    return "";
  }
}
