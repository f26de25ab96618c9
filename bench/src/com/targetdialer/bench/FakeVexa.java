package com.targetdialer.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Vexa 0.12 on loopback for the capacity benchmark: the REST calls the service makes for
 * live meetings (an empty transcript for every gap fill and backfill, {@code /bots/status} listing
 * every live bot, {@code /meetings/{id}}, the webhook registration) and {@code /ws}, on which every
 * subscribed meeting says one segment every 2 s: the bot's single-segment {@code transcript} frame
 * as a draft, then 1 s later the same {@code segment_id} completed. Everything runs on one event
 * loop of its own Vert.x instance, so its CPU is one thread's and the frames go out in order.
 *
 * <p>The period is a wheel of 200 slots of 10 ms; each meeting has a slot (meetings spread evenly
 * over the period) and a tick catches up every slot that is due, so a late tick is measured
 * (lateness), never silently skipped. Frames are a per-meeting prefix plus the sequence number and
 * the slot's pre-formatted times. Each confirming frame's send time is recorded during a window.
 */
final class FakeVexa {

  static final int SLOTS = 200;
  static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** The confirmation follows its draft half a period (1 s) later. */
  private static final int CONFIRM_AFTER_SLOTS = SLOTS / 2;
  private static final String API_KEY = "capacity-bench-vexa-key-0001";
  private static final String TEXT = "Let's lock the pricing for the enterprise tier before Friday's review, and send the deck to Jane.";
  private static final String DRAFT_TEXT = "Let's lock the pricing for the enterprise tier before Friday";
  /** A tick later than this behind its slot counts as the generator falling behind. */
  static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** One live meeting as Vexa knows it; touched on the fake's event loop only. */
  private static final class Speaker {
    final long meetingId;
    final long vexaId;
    final String nativeId;
    final String sessionUid;
    /** The frame up to the segment's sequence number: the same for its draft and its confirmation. */
    final String prefix;
    final int slot;
    boolean subscribed;
    boolean ended;
    long seq;
    long pendingSeq = -1;
    String pendingStart;
    String pendingEnd;

    Speaker(long meetingId, long vexaId, String nativeId, String sessionUid, int slot) {
      this.meetingId = meetingId;
      this.vexaId = vexaId;
      this.nativeId = nativeId;
      this.sessionUid = sessionUid;
      this.slot = slot;
      this.prefix = "{\"type\":\"transcript\",\"meeting\":{\"id\":" + vexaId + "},\"segment\":{\"segment_id\":\"ch-0:1:";
    }
  }

  /** What was sent during a window: each confirmation (meeting id, sequence, send time in epoch µs). */
  static final class Window {
    long[] meetingIds = new long[1 << 14];
    long[] seqs = new long[1 << 14];
    long[] sentMicros = new long[1 << 14];
    int confirmations;
    long frames;
    long lateSlots;
    long maxLateNanos;
    long writeQueueFull;
    long startMicros;
    long endMicros;

    /** The per-segment arrays, once the report has what it needs from them. */
    void dropSegments() {
      meetingIds = null;
      seqs = null;
      sentMicros = null;
    }

    void add(long meetingId, long seq, long micros) {
      if (confirmations == meetingIds.length) {
        meetingIds = Arrays.copyOf(meetingIds, confirmations * 2);
        seqs = Arrays.copyOf(seqs, confirmations * 2);
        sentMicros = Arrays.copyOf(sentMicros, confirmations * 2);
      }
      meetingIds[confirmations] = meetingId;
      seqs[confirmations] = seq;
      sentMicros[confirmations++] = micros;
    }
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<String, Speaker> byNative = new HashMap<>();
  private final Map<Long, Speaker> byVexaId = new HashMap<>();
  private final List<List<Speaker>> wheel = new ArrayList<>(SLOTS);
  private final long epochMicrosBase = Instant.now().toEpochMilli() * 1000 - System.nanoTime() / 1000;
  private HttpServer server;
  private ServerWebSocket socket;
  private int sockets;
  private int added;
  private long startNanos;
  private long slotsDone;
  private Window window;
  private long totalFrames;
  private long tickTimer;
  private volatile long threadId = -1;

  FakeVexa() {
    for (int i = 0; i < SLOTS; i++) {
      wheel.add(new ArrayList<>());
    }
  }

  String apiKey() {
    return API_KEY;
  }

  /** Starts the server and the generator's tick; returns the port. */
  int start() {
    server = vertx.createHttpServer();
    server.webSocketHandshakeHandler(handshake -> {
      if ("/ws".equals(handshake.path()) && API_KEY.equals(handshake.headers().get("X-API-Key"))) {
        handshake.accept();
      } else {
        handshake.reject(403);
      }
    });
    server.webSocketHandler(this::opened);
    server.requestHandler(this::rest);
    int port = server.listen(0, "127.0.0.1").await().actualPort();
    onLoop(() -> {
      threadId = Thread.currentThread().getId();
      startNanos = System.nanoTime();
      tickTimer = vertx.setPeriodic(5, id -> tick());
    });
    return port;
  }

  void close() {
    vertx.close().await();
  }

  /** CPU time of the fake's event loop so far (the load generator and the fake REST/ws server). */
  long cpuNanos() {
    long id = threadId;
    return id < 0 ? 0 : Math.max(0, threads.getThreadCpuTime(id));
  }

  /** Wall clock in epoch microseconds from the monotonic clock (cheap, and never steps during a run). */
  long nowMicros() {
    return epochMicrosBase + System.nanoTime() / 1000;
  }

  /** Meetings that are now live in Vexa; they start talking once the service subscribes to them. */
  void add(List<LiveMeetings.Meeting> meetings) {
    onLoop(() -> meetings.forEach(m -> {
      Speaker speaker = new Speaker(m.id(), m.vexaId(), m.nativeId(), m.sessionUid(), added++ % SLOTS);
      byNative.put(m.nativeId(), speaker);
      byVexaId.put(m.vexaId(), speaker);
    }));
  }

  int subscribed() {
    return onLoop(() -> (int) byNative.values().stream().filter(s -> s.subscribed && !s.ended).count());
  }

  /** How many times the service opened /ws (1 unless it reconnected). */
  int connections() {
    return onLoop(() -> sockets);
  }

  long framesSent() {
    return onLoop(() -> totalFrames);
  }

  void startWindow() {
    onLoop(() -> {
      window = new Window();
      window.startMicros = nowMicros();
      return null;
    });
  }

  Window endWindow() {
    return onLoop(() -> {
      Window done = window;
      window = null;
      done.endMicros = nowMicros();
      return done;
    });
  }

  /**
   * Ends every meeting as Vexa does on the stream: a {@code meeting.status} frame saying completed;
   * from then on it says nothing and REST reports it completed. Returns how many frames were sent.
   */
  int endAll() {
    return onLoop(() -> {
      int sent = 0;
      String ts = Instant.now().toString();
      for (Speaker speaker : byNative.values()) {
        if (!speaker.ended) {
          speaker.ended = true;
          if (speaker.subscribed && socket != null) {
            socket.writeTextMessage("{\"type\":\"meeting.status\",\"meeting\":{\"id\":" + speaker.vexaId + ",\"platform\":\"google_meet\",\"native_id\":\""
                + speaker.nativeId + "\"},\"payload\":{\"status\":\"completed\"},\"user_id\":7,\"ts\":\"" + ts + "\"}");
            sent++;
          }
        }
      }
      for (List<Speaker> slot : wheel) {
        slot.clear();
      }
      return sent;
    });
  }

  /** Stops saying anything (before the service is stopped, so that its shutdown is not measured as load). */
  void quiet() {
    onLoop(() -> {
      vertx.cancelTimer(tickTimer);
      return null;
    });
  }

  /** Forgets the ended meetings (after the service's backfills read them). */
  void forgetEnded() {
    onLoop(() -> {
      byNative.values().removeIf(speaker -> speaker.ended);
      byVexaId.values().removeIf(speaker -> speaker.ended);
      return null;
    });
  }

  // --- the generator -----------------------------------------------------------------------------

  private void tick() {
    long now = System.nanoTime();
    long due = (now - startNanos) / SLOT_NANOS;
    // Bounded by the slots due: a stalled loop catches up (and says how late), it never skips.
    while (slotsDone <= due) {
      long late = System.nanoTime() - (startNanos + slotsDone * SLOT_NANOS);
      if (window != null) {
        window.maxLateNanos = Math.max(window.maxLateNanos, late);
        if (late > LATE_NANOS) {
          window.lateSlots++;
        }
      }
      slot((int) (slotsDone % SLOTS));
      slotsDone++;
    }
  }

  private void slot(int slot) {
    if (socket == null) {
      return;
    }
    List<Speaker> confirming = wheel.get((slot - CONFIRM_AFTER_SLOTS + SLOTS) % SLOTS);
    for (Speaker speaker : confirming) {
      if (speaker.pendingSeq >= 0 && !speaker.ended) {
        long seq = speaker.pendingSeq;
        speaker.pendingSeq = -1;
        String frame = speaker.prefix + seq + "\",\"speaker\":\"Jane Liu\",\"speaker_key\":\"ch-0:1\",\"text\":\"" + TEXT
            + "\",\"start\":" + speaker.pendingStart + ",\"end\":" + speaker.pendingEnd + ",\"language\":\"en\",\"completed\":true,\"source\":\"glow-bound\"}}";
        send(frame);
        if (window != null) {
          window.add(speaker.meetingId, seq, nowMicros());
        }
      }
    }
    List<Speaker> drafting = wheel.get(slot);
    if (drafting.isEmpty()) {
      return;
    }
    // The slot's times, formatted once for all its meetings: epoch seconds as the 0.12 bot sends them.
    long startMs = nowMicros() / 1000;
    String start = String.format(java.util.Locale.ROOT, "%.3f", startMs / 1000.0);
    String end = String.format(java.util.Locale.ROOT, "%.3f", (startMs + 1_800) / 1000.0);
    for (Speaker speaker : drafting) {
      if (!speaker.subscribed || speaker.ended) {
        continue;
      }
      long seq = speaker.seq++;
      speaker.pendingSeq = seq;
      speaker.pendingStart = start;
      speaker.pendingEnd = end;
      send(speaker.prefix + seq + "\",\"speaker\":\"Jane Liu\",\"speaker_key\":\"ch-0:1\",\"text\":\"" + DRAFT_TEXT
          + "\",\"start\":" + start + ",\"end\":" + end + ",\"language\":\"en\",\"completed\":false,\"source\":\"glow-bound\"}}");
    }
  }

  private void send(String frame) {
    if (socket.isClosed()) {
      return;
    }
    if (socket.writeQueueFull() && window != null) {
      window.writeQueueFull++;
    }
    socket.writeTextMessage(frame);
    totalFrames++;
    if (window != null) {
      window.frames++;
    }
  }

  // --- /ws -----------------------------------------------------------------------------------------

  private void opened(ServerWebSocket ws) {
    socket = ws;
    sockets++;
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String action = frame.getString("action", "");
      if (action.equals("ping")) {
        ws.writeTextMessage("{\"type\":\"pong\"}");
      } else if (action.equals("subscribe") || action.equals("unsubscribe")) {
        JsonArray meetings = frame.getJsonArray("meetings", new JsonArray());
        JsonArray known = new JsonArray();
        for (Object item : meetings) {
          JsonObject meeting = (JsonObject) item;
          Speaker speaker = byNative.get(meeting.getString("native_id"));
          if (speaker != null) {
            subscribe(speaker, action.equals("subscribe"));
            known.add(meeting);
          }
        }
        ws.writeTextMessage(new JsonObject().put("type", action.equals("subscribe") ? "subscribed" : "unsubscribed").put("meetings", known).encode());
      }
    });
    ws.closeHandler(ignored -> {
      if (socket == ws) {
        socket = null;
        byNative.values().forEach(speaker -> subscribe(speaker, false));
      }
    });
  }

  private void subscribe(Speaker speaker, boolean on) {
    if (on && !speaker.subscribed && !speaker.ended) {
      wheel.get(speaker.slot).add(speaker);
    } else if (!on && speaker.subscribed) {
      wheel.get(speaker.slot).remove(speaker);
      speaker.pendingSeq = -1;
    }
    speaker.subscribed = on && !speaker.ended;
  }

  // --- REST ----------------------------------------------------------------------------------------

  private void rest(HttpServerRequest request) {
    String path = request.path();
    if (!API_KEY.equals(request.getHeader("X-API-Key"))) {
      json(request, 401, new JsonObject().put("detail", "invalid api key"));
    } else if (path.startsWith("/transcripts/by-id/")) {
      Speaker speaker = byVexaId.get(parse(path.substring("/transcripts/by-id/".length())));
      // Empty: the bench measures the live stream alone; a gap fill or backfill finds nothing to add.
      json(request, speaker == null ? 404 : 200, speaker == null ? new JsonObject().put("detail", "not found") : meetingRow(speaker).put("segments", new JsonArray()));
    } else if (path.equals("/bots/status")) {
      JsonArray running = new JsonArray();
      byNative.values().stream().filter(s -> !s.ended).forEach(s -> running.add(meetingRow(s)));
      json(request, 200, new JsonObject().put("running", running));
    } else if (path.startsWith("/meetings/")) {
      Speaker speaker = byVexaId.get(parse(path.substring("/meetings/".length())));
      json(request, speaker == null ? 404 : 200, speaker == null ? new JsonObject().put("detail", "not found") : meetingRow(speaker));
    } else if (path.equals("/user/webhook")) {
      json(request, 200, new JsonObject());
    } else if (path.startsWith("/bots/") && request.method().name().equals("DELETE")) {
      json(request, 202, new JsonObject().put("message", "stop requested"));
    } else {
      json(request, 404, new JsonObject().put("detail", "not found"));
    }
  }

  private static JsonObject meetingRow(Speaker speaker) {
    return new JsonObject().put("id", speaker.vexaId).put("platform", "google_meet").put("native_meeting_id", speaker.nativeId)
        .put("status", speaker.ended ? "completed" : "active")
        .put("bot_container_id", "mtg-" + speaker.vexaId + "-" + speaker.sessionUid.substring(0, Math.min(8, speaker.sessionUid.length())))
        .put("data", new JsonObject().put("sessions", new JsonArray().add(speaker.sessionUid)));
  }

  private static long parse(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  // --- the fake's own thread -------------------------------------------------------------------------

  private void onLoop(Runnable action) {
    onLoop(() -> {
      action.run();
      return null;
    });
  }

  /** Runs on the fake's event loop and waits for the result (at most 30 s): its state has one owner. */
  private <T> T onLoop(java.util.concurrent.Callable<T> action) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    vertx.runOnContext(ignored -> {
      try {
        promise.complete(action.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    try {
      return promise.future().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("fake Vexa did not answer: " + e.getMessage(), e);
    }
  }
}
