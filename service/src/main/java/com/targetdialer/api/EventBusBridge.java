package com.targetdialer.api;

import com.targetdialer.bus.Addresses;
import com.targetdialer.http.Tokens;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The SockJS event-bus bridge at {@code /eventbus}: outbound only, on {@code transcript.live.<id>}
 * and {@code meetings.updates}. Browsers cannot set headers on a WebSocket, so the UI token comes as
 * {@code ?token=} on the SockJS URL and is checked when the socket is created.
 */
final class EventBusBridge {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusBridge.class);

  private EventBusBridge() {
  }

  static Router router(Vertx vertx, String uiToken) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(Addresses.TRANSCRIPT_LIVE_PREFIX.replace(".", "\\.") + "[0-9]+"))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.MEETINGS_UPDATES));
    return SockJSHandler.create(vertx).bridge(options, event -> {
      if (event.type() == BridgeEventType.SOCKET_CREATED) {
        boolean allowed = Tokens.matches(uiToken, token(event.socket()));
        if (!allowed) {
          LOG.info("event-bus socket refused: missing or wrong token [remote: {}]", event.socket().remoteAddress());
        }
        event.complete(allowed);
      } else {
        event.complete(true);
      }
    });
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
