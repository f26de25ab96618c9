package com.targetdialer.sim.vexa;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The gateway's {@code /ws} multiplex ({@code gateway/app.py run_multiplex}): key check after the
 * upgrade, subscribe/unsubscribe/ping, and fan-out of per-meeting and per-user frames. Control
 * frames are Python-serialized, as the gateway writes them. Runs on the simulator's context.
 */
final class SimWebSockets {

  private static final Logger LOG = LoggerFactory.getLogger(SimWebSockets.class);

  private static final class Conn {
    final ServerWebSocket ws;
    /** (platform/native_id) → the meeting row id bound at subscribe time. */
    final Map<String, Long> subs = new LinkedHashMap<>();

    Conn(ServerWebSocket ws) {
      this.ws = ws;
    }
  }

  private final SimSettings settings;
  /** (platform, native id) → the user's newest row id, or null. */
  private final BiFunction<String, String, Long> newestRow;
  private final Set<Conn> conns = new LinkedHashSet<>();

  SimWebSockets(SimSettings settings, BiFunction<String, String, Long> newestRow) {
    this.settings = settings;
    this.newestRow = newestRow;
  }

  void accept(ServerWebSocket ws, String presentedKey) {
    if (presentedKey == null || presentedKey.isEmpty()) {
      reject(ws, "missing_api_key");
      return;
    }
    if (!presentedKey.equals(settings.apiKey)) {
      reject(ws, "invalid_api_key");
      return;
    }
    Conn conn = new Conn(ws);
    conns.add(conn);
    ws.textMessageHandler(text -> onMessage(conn, text));
    ws.closeHandler(v -> conns.remove(conn));
    ws.exceptionHandler(e -> LOG.debug("websocket error [error: {}]", e.toString()));
    LOG.debug("websocket connected [connections: {}]", conns.size());
  }

  private void reject(ServerWebSocket ws, String error) {
    LOG.info("websocket rejected [error: {}]", error);
    ws.writeTextMessage(PyJson.dumps(new JsonObject().put("type", "error").put("error", error)))
        .eventually(() -> ws.close((short) 4401, "Unauthorized"));
  }

  private void onMessage(Conn conn, String text) {
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      send(conn, error("invalid_json", null));
      return;
    }
    if (!(parsed instanceof JsonObject msg)) {
      send(conn, error("invalid_json", null));
      return;
    }
    String action = msg.getValue("action") instanceof String s ? s : null;
    if ("subscribe".equals(action)) {
      subscribe(conn, msg.getValue("meetings"));
    } else if ("unsubscribe".equals(action)) {
      unsubscribe(conn, msg.getValue("meetings"));
    } else if ("ping".equals(action)) {
      send(conn, new JsonObject().put("type", "pong"));
    } else {
      send(conn, error("unknown_action", null));
    }
  }

  private void subscribe(Conn conn, Object meetings) {
    if (!(meetings instanceof JsonArray list)) {
      send(conn, error("invalid_subscribe_payload", "'meetings' must be a non-empty list"));
      return;
    }
    if (list.isEmpty()) {
      send(conn, error("invalid_subscribe_payload", "'meetings' list cannot be empty"));
      return;
    }
    List<String[]> wanted = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof JsonObject m) {
        String platform = str(m.getValue("platform"));
        String nativeId = str(m.getValue("native_id"));
        if (!platform.isEmpty() && !nativeId.isEmpty()) {
          wanted.add(new String[] {platform, nativeId});
        }
      }
    }
    if (wanted.isEmpty()) {
      send(conn, error("invalid_subscribe_payload", "no valid meeting objects"));
      return;
    }
    JsonArray subscribed = new JsonArray();
    List<String> errors = new ArrayList<>();
    List<Object[]> authorized = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      String[] w = wanted.get(i);
      Long rowId = newestRow.apply(w[0], w[1]);
      if (rowId == null) {
        errors.add("meetings[" + i + "] not authorized or not found for user");
      } else {
        authorized.add(new Object[] {w[0], w[1], rowId});
      }
    }
    if (authorized.isEmpty()) {
      send(conn, error("authorization_service_error", errors.get(0)));
      return;
    }
    for (Object[] a : authorized) {
      // A repeat subscribe keeps the first binding, as the gateway does: re-subscribe after a new POST /bots.
      conn.subs.putIfAbsent(a[0] + "/" + a[1], (Long) a[2]);
      subscribed.add(new JsonObject().put("platform", a[0]).put("native_id", a[1]));
    }
    send(conn, new JsonObject().put("type", "subscribed").put("meetings", subscribed));
  }

  private void unsubscribe(Conn conn, Object meetings) {
    if (!(meetings instanceof JsonArray list)) {
      send(conn, error("invalid_unsubscribe_payload", "'meetings' must be a list"));
      return;
    }
    JsonArray done = new JsonArray();
    JsonArray errors = new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject m)) {
        errors.add("meetings[" + i + "] must be an object");
        continue;
      }
      String platform = str(m.getValue("platform"));
      String nativeId = str(m.getValue("native_id"));
      if (platform.isEmpty() || nativeId.isEmpty()) {
        errors.add("meetings[" + i + "] missing 'platform' or 'native_id'");
      } else if (conn.subs.remove(platform + "/" + nativeId) != null) {
        done.add(new JsonObject().put("platform", platform).put("native_id", nativeId));
      } else {
        errors.add("meetings[" + i + "] not currently subscribed");
      }
    }
    if (!errors.isEmpty() && done.isEmpty()) {
      send(conn, new JsonObject().put("type", "error").put("error", "invalid_unsubscribe_payload").put("details", errors));
      return;
    }
    send(conn, new JsonObject().put("type", "unsubscribed").put("meetings", done));
  }

  /** A frame on the meeting's channels ({@code tc:}, {@code bm:}): only sockets subscribed to that row. */
  void publishToMeeting(long meetingId, String frame) {
    for (Conn c : conns) {
      if (c.subs.containsValue(meetingId)) {
        c.ws.writeTextMessage(frame);
      }
    }
  }

  /** A frame on {@code u:{user_id}:meetings}: every authenticated socket, no subscribe needed. */
  void publishToUser(String frame) {
    for (Conn c : conns) {
      c.ws.writeTextMessage(frame);
    }
  }

  boolean hasSubscriber(long meetingId) {
    return conns.stream().anyMatch(c -> c.subs.containsValue(meetingId));
  }

  int count() {
    return conns.size();
  }

  /** Closes every socket (1012, service restart), as a gateway redeploy would. */
  Future<Void> dropAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Conn c : List.copyOf(conns)) {
      closing.add(c.ws.close((short) 1012, "service restart"));
    }
    conns.clear();
    LOG.info("dropped websockets [count: {}]", closing.size());
    return Future.join(closing).mapEmpty();
  }

  private void send(Conn conn, JsonObject frame) {
    conn.ws.writeTextMessage(PyJson.dumps(frame));
  }

  private static JsonObject error(String code, String details) {
    JsonObject e = new JsonObject().put("type", "error").put("error", code);
    if (details != null) {
      e.put("details", details);
    }
    return e;
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString().strip();
  }
}
