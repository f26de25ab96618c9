package com.targetdialer.webhook;

import com.targetdialer.platform.MeetingLink;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.Addresses;
import com.targetdialer.config.VexaSettings;
import com.targetdialer.bus.BotStatusChange;
import com.targetdialer.bus.DeadLetter;
import com.targetdialer.vexa.VexaClient;
import com.targetdialer.vexa.VexaSegments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The live transcript: one WebSocket to Vexa's {@code /ws}, subscribed to the meetings in a call
 * whose lease this node holds (each meeting is followed by exactly one node; see {@link LiveLeases}).
 * Vexa has no replay, so whenever a meeting is newly followed, and after every reconnect, its REST
 * transcript is read again to fill what was missed. Pings every VEXA_PING_INTERVAL_S; reconnects
 * with backoff.
 */
final class LiveStream {

  private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);
  private static final long MAX_RECONNECT_MS = 30_000;
  private static final int MAX_GAP_FILLS = 8;

  private final Vertx vertx;
  private final Pool pg;
  private final VexaSettings settings;
  private final VexaClient vexa;
  private final WebSocketClient client;
  private final LiveLeases leases;
  private final IntSupplier clusterSize;
  private final StreamOutages outages;
  private final SegmentBatcher segmentsOut;
  /** Followed meetings by Vexa's meeting id (a restart is a new Vexa id for the same link). */
  private final Map<Long, Followed> followed = new HashMap<>();
  /** The newest followed bot of each meeting: a resync looks up thousands of meetings at once. */
  private final Map<Long, Followed> newestByMeeting = new HashMap<>();
  private final PendingSnapshots snapshots = new PendingSnapshots();
  private WebSocket socket;
  private long reconnectDelayMs = 1_000;
  private long pingTimer = -1;
  private Future<Void> resyncing;
  private final Deque<Followed> gapsToFill = new ArrayDeque<>();
  private int gapFills;
  private boolean stopped;

  LiveStream(Vertx vertx, Pool pg, VexaSettings settings, VexaClient vexa, LiveLeases leases, IntSupplier clusterSize,
             StreamOutages outages, SegmentBatcher segmentsOut) {
    this.segmentsOut = segmentsOut;
    this.outages = outages;
    this.vertx = vertx;
    this.pg = pg;
    this.settings = settings;
    this.vexa = vexa;
    this.leases = leases;
    this.clusterSize = clusterSize;
    this.client = vertx.createWebSocketClient();
  }

  /** A meeting's current bot, as the stream knows it. */
  record Followed(long meetingId, long vexaMeetingId, String sessionUid, String platform, String nativeMeetingId) {
    JsonObject subscription() {
      return new JsonObject().put("platform", platform).put("native_id", nativeMeetingId);
    }
  }

  void start() {
    connect();
  }

  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pingTimer);
    Future<Void> closed = socket == null ? Future.succeededFuture() : socket.close();
    return closed.eventually(client::close).eventually(leases::releaseAll);
  }

  /** A bot was just started (or adopted) somewhere in the cluster: follow it if this node wins its lease. */
  void started(Followed meeting) {
    leases.claim(List.of(meeting.meetingId())).onSuccess(held -> {
      if (held.contains(meeting.meetingId())) {
        follow(meeting);
      }
    });
  }

  private void follow(Followed meeting) {
    Followed previous = newestByMeeting.get(meeting.meetingId());
    if (previous != null && previous.vexaMeetingId() == meeting.vexaMeetingId()) {
      previous = null;
    }
    if (previous != null && previous.vexaMeetingId() > meeting.vexaMeetingId()) {
      return; // an older view of the meeting (Vexa's ids grow): its newer bot is already followed
    }
    if (previous != null) {
      // A restart: Vexa binds a subscription to the row that was newest when it was made.
      followed.remove(previous.vexaMeetingId());
      snapshots.forget(previous.vexaMeetingId());
      send(new JsonObject().put("action", "unsubscribe").put("meetings", new JsonArray().add(previous.subscription())));
    }
    newestByMeeting.put(meeting.meetingId(), meeting);
    if (followed.put(meeting.vexaMeetingId(), meeting) == null) {
      LOG.info("following meeting on the live stream [meeting: {}, vexa id: {}]", meeting.meetingId(), meeting.vexaMeetingId());
      send(new JsonObject().put("action", "subscribe").put("meetings", new JsonArray().add(meeting.subscription())));
      if (socket != null) {
        fillGap(meeting); // otherwise the reconnect fills every followed meeting's gap
      }
    }
  }

  private void unfollow(long vexaMeetingId) {
    Followed gone = followed.remove(vexaMeetingId);
    snapshots.forget(vexaMeetingId);
    if (gone != null) {
      newestByMeeting.remove(gone.meetingId(), gone);
      LOG.info("no longer following meeting [meeting: {}, vexa id: {}]", gone.meetingId(), vexaMeetingId);
      outages.up(List.of(gone.meetingId())); // whoever follows it now (or the backfill) fills what this node missed
      send(new JsonObject().put("action", "unsubscribe").put("meetings", new JsonArray().add(gone.subscription())));
    }
  }

  /**
   * Brings the followed set in line with the database: renews this node's leases, takes free ones
   * up to a fair share of the meetings in flight, and lets go of meetings that ended or that another
   * node now holds. Only meetings followed before the query ran are judged by its result: one
   * started while it ran is in flight but not in the result, and must not be dropped.
   */
  Future<Void> resync() {
    // One at a time: with thousands of meetings a resync can outlast the timer's period.
    if (resyncing == null) {
      resyncing = syncFollowed().onComplete(ignored -> resyncing = null);
    }
    return resyncing;
  }

  private Future<Void> syncFollowed() {
    Set<Long> judged = new HashSet<>();
    followed.values().forEach(meeting -> judged.add(meeting.meetingId()));
    return pg.query(WebhookSql.IN_FLIGHT).execute().compose(rows -> {
      Map<Long, Followed> inFlight = new HashMap<>();
      for (Row row : rows) {
        inFlight.put(row.getLong("id"), new Followed(row.getLong("id"), row.getLong("vexa_meeting_id"), row.getString("session_uid"),
            row.getString("platform"), row.getString("native_meeting_id")));
      }
      Set<Long> ended = new HashSet<>(judged);
      ended.removeAll(inFlight.keySet());
      Set<Long> mine = new HashSet<>(judged);
      mine.retainAll(inFlight.keySet());
      return leases.heldByOthers(inFlight.keySet()).compose(others -> {
        int fairShare = (int) Math.ceil(inFlight.size() / (double) clusterSize.getAsInt());
        List<Long> wanted = new ArrayList<>(mine);
        inFlight.keySet().stream()
            .filter(id -> !mine.contains(id) && !others.contains(id))
            .limit(Math.max(0, fairShare - mine.size()))
            .forEach(wanted::add);
        return leases.claim(wanted);
      }).compose(held -> {
        followed.values().stream()
            .filter(meeting -> judged.contains(meeting.meetingId()) && (ended.contains(meeting.meetingId()) || !held.contains(meeting.meetingId())))
            .map(Followed::vexaMeetingId).toList()
            .forEach(this::unfollow);
        held.forEach(id -> follow(inFlight.get(id)));
        return leases.release(ended.stream().filter(id -> !isFollowed(id)).toList());
      });
    });
  }

  private boolean isFollowed(long meetingId) {
    return newestByMeeting.containsKey(meetingId);
  }

  private void connect() {
    if (stopped) {
      return;
    }
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(settings.wsUrl())
        .addHeader("X-API-Key", settings.apiKey())
        .setTimeout(settings.timeoutMs());
    resync()
        .compose(ignored -> client.connect(options))
        .onSuccess(this::opened)
        .onFailure(e -> {
          LOG.warn("live stream connect failed, retrying in {} ms [url: {}, error: {}]", reconnectDelayMs, settings.wsUrl(), e.getMessage());
          scheduleReconnect();
        });
  }

  private void opened(WebSocket webSocket) {
    socket = webSocket;
    reconnectDelayMs = 1_000;
    LOG.info("live stream connected [url: {}, meetings: {}]", settings.wsUrl(), followed.size());
    webSocket.textMessageHandler(this::onFrame);
    webSocket.closeHandler(ignored -> {
      socket = null;
      vertx.cancelTimer(pingTimer);
      if (!stopped) {
        LOG.warn("live stream closed, reconnecting in {} ms", reconnectDelayMs);
        outages.down(meetingIds());
        scheduleReconnect();
      }
    });
    pingTimer = vertx.setPeriodic(settings.pingIntervalSeconds() * 1000L, id -> send(new JsonObject().put("action", "ping")));
    if (!followed.isEmpty()) {
      JsonArray meetings = new JsonArray();
      followed.values().forEach(meeting -> meetings.add(meeting.subscription()));
      send(new JsonObject().put("action", "subscribe").put("meetings", meetings));
    }
    outages.up(meetingIds()).onComplete(ignored -> followed.values().forEach(this::fillGap));
  }

  private List<Long> meetingIds() {
    return followed.values().stream().map(Followed::meetingId).toList();
  }

  private void scheduleReconnect() {
    long delay = reconnectDelayMs;
    reconnectDelayMs = Math.min(MAX_RECONNECT_MS, reconnectDelayMs * 2);
    vertx.setTimer(delay, id -> connect());
  }

  /**
   * Whatever was said while the socket was down is only in the REST transcript. A few at a time:
   * when thousands of meetings are followed at once, their reads and writes would otherwise stand
   * in front of the live segments' for Vexa and for Postgres connections.
   */
  private void fillGap(Followed meeting) {
    gapsToFill.add(meeting);
    fillNextGaps();
  }

  private void fillNextGaps() {
    while (gapFills < MAX_GAP_FILLS && !gapsToFill.isEmpty()) {
      Followed meeting = gapsToFill.poll();
      gapFills++;
      OffsetDateTime readAt = outages.now();
      vexa.transcript(meeting.vexaMeetingId(), meeting.platform(), meeting.nativeMeetingId())
          // Segments that cannot be keyed are kept as dead letters by the backfill, once, at the session's end.
          .compose(raw -> persist(meeting, VexaSegments.normalizeAll(raw, meeting.sessionUid(), null, true).segments()))
          .compose(ignored -> outages.filled(meeting.meetingId(), readAt))
          .onFailure(e -> LOG.info("gap fill skipped [meeting: {}, error: {}]", meeting.meetingId(), e.getMessage()))
          .onComplete(ignored -> {
            gapFills--;
            fillNextGaps();
          });
    }
  }

  private void send(JsonObject frame) {
    if (socket != null && !socket.isClosed()) {
      socket.writeTextMessage(frame.encode());
    }
  }

  private void onFrame(String text) {
    LiveFrame frame = LiveFrame.of(text);
    if (frame instanceof LiveFrame.Transcript transcript) {
      withMeeting(text, transcript.vexaMeetingId(), meeting -> onTranscript(text, meeting, transcript));
    } else if (frame instanceof LiveFrame.Retract retract) {
      withMeeting(text, retract.vexaMeetingId(), meeting -> onRetract(text, meeting, retract));
    } else if (frame instanceof LiveFrame.Status status) {
      onStatus(status);
    } else if (frame instanceof LiveFrame.Error) {
      LOG.warn("live stream error frame [frame: {}]", MeetingLink.withoutPasscodes(text));
    } else if (frame instanceof LiveFrame.Unusable unusable) {
      keep(text, unusable.reason(), unusable.why());
    }
  }

  private void onTranscript(String text, Followed meeting, LiveFrame.Transcript transcript) {
    VexaSegments.Normalized normalized = VexaSegments.normalizeAll(transcript.segments(), meeting.sessionUid(), null, false);
    if (!normalized.unkeyable().isEmpty()) {
      keep(text, DeadLetter.Reason.UNKEYABLE_SEGMENT, normalized.unkeyableError(meeting.meetingId()));
    }
    JsonArray segments = normalized.segments();
    if (transcript.snapshot() != null) {
      // What the bot's snapshot no longer holds it withdrew: the same as its transcript_retract says.
      snapshots.withdrawn(meeting.vexaMeetingId(), transcript.snapshot())
          .forEach(id -> segments.add(VexaSegments.retraction(id, meeting.sessionUid())));
    }
    if (!segments.isEmpty()) {
      persist(text, meeting, segments);
    }
  }

  private void onRetract(String text, Followed meeting, LiveFrame.Retract retract) {
    JsonArray segments = new JsonArray();
    retract.segmentIds().forEach(id -> segments.add(VexaSegments.retraction(id, meeting.sessionUid())));
    if (!segments.isEmpty()) {
      persist(text, meeting, segments);
    }
  }

  /** A status of a followed meeting; the user channel also reports meetings that are not ours, and statuses we do not follow. */
  private void onStatus(LiveFrame.Status frame) {
    BotStatus status = BotStatus.fromVexa(frame.vexaStatus());
    if (frame.vexaMeetingId() == null || status == null || !followed.containsKey(frame.vexaMeetingId())) {
      return;
    }
    Instant receivedAt = Instant.now();
    BotStatusChange change = new BotStatusChange(null, "live.meeting.status", null, frame.vexaMeetingId(), status,
        BotStatusChange.happenedAt(frame.at(), receivedAt), receivedAt, BotStatusChange.Why.NONE, "live");
    vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUS, change.toJson())
        .onFailure(e -> LOG.info("live status not applied [vexa id: {}, status: {}, error: {}]", frame.vexaMeetingId(), status, e.getMessage()));
  }

  /**
   * Runs the action with the frame's meeting. A frame without a meeting id (a bare
   * {@code transcription_segment}) can only be the followed meeting's when there is one.
   */
  private void withMeeting(String text, Long vexaId, Consumer<Followed> action) {
    if (vexaId == null) {
      if (followed.size() == 1) {
        action.accept(followed.values().iterator().next());
      } else {
        keep(text, DeadLetter.Reason.MISSING_ID, "live frame without a meeting id while following " + followed.size() + " meetings");
      }
      return;
    }
    Followed known = followed.get(vexaId);
    if (known != null) {
      action.accept(known);
      return;
    }
    // A bot started on another path (or before this node learned of it): look it up once.
    pg.preparedQuery(WebhookSql.SESSION_BY_VEXA_ID).execute(Tuple.of(vexaId)).onComplete(rows -> {
      if (rows.failed()) {
        keep(text, DeadLetter.Reason.NOT_STORED, "live frame of vexa meeting " + vexaId + " not applied: " + rows.cause().getMessage());
      } else if (!rows.result().iterator().hasNext()) {
        keep(text, DeadLetter.Reason.UNKNOWN_MEETING, "live frame of vexa meeting " + vexaId + ", which is none of ours");
      } else {
        Row row = rows.result().iterator().next();
        Followed meeting = new Followed(row.getLong("meeting_id"), vexaId, row.getString("session_uid"),
            row.getString("platform"), row.getString("native_meeting_id"));
        if (followed.putIfAbsent(vexaId, meeting) == null) {
          newestByMeeting.merge(meeting.meetingId(), meeting, (held, seen) -> held.vexaMeetingId() > seen.vexaMeetingId() ? held : seen);
        }
        action.accept(meeting);
      }
    });
  }

  private Future<Void> persist(Followed meeting, JsonArray segments) {
    return segmentsOut.persist(meeting.meetingId(), segments);
  }

  /** A live frame's segments; if they cannot be written, the frame is kept (Vexa's /ws has no replay). */
  private void persist(String text, Followed meeting, JsonArray segments) {
    persist(meeting, segments).onFailure(e -> keep(text, DeadLetter.Reason.ofRefusedSegments(e),
        segments.size() + " live segments of meeting " + meeting.meetingId() + " not stored: " + e.getMessage()));
  }

  private void keep(String frame, DeadLetter.Reason reason, String error) {
    DeadLetter.of(DeadLetter.LIVE, reason, null, frame, error).keep(vertx.eventBus())
        .onFailure(e -> LOG.error("live frame lost: not applied and not kept as a dead letter [reason: {}, error: {}, dead letter error: {}, frame: {}]",
            reason.code(), error, e.getMessage(), MeetingLink.withoutPasscodes(frame)));
  }
}
