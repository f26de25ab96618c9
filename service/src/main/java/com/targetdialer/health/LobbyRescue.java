package com.targetdialer.health;

import com.targetdialer.bus.Addresses;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.config.Settings;
import com.targetdialer.dispatch.StartReason;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.meeting.LobbyRetry;
import com.targetdialer.meeting.MeetingStatus;
import com.targetdialer.store.MeetingEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A bot waiting in the lobby is saved while the meeting can still be: after LOBBY_NUDGE_S one
 * {@code lobby_waiting} alert names who can admit it (the calendar event's organizer first), and a bot
 * Vexa gave up on at the door is followed by one more ({@link LobbyRetry}), LOBBY_RETRY_DELAY_S later.
 */
final class LobbyRescue {

  private static final Logger LOG = LoggerFactory.getLogger(LobbyRescue.class);

  private final Vertx vertx;
  private final Pool pg;
  private final Settings settings;
  private final Clock clock;
  private final Alerts alerts;
  private final LobbyRetry retry;
  private final DeliveryOptions dispatchDelivery;

  LobbyRescue(Vertx vertx, Pool pg, Settings settings, Clock clock, Alerts alerts, DeliveryOptions dispatchDelivery) {
    this.vertx = vertx;
    this.pg = pg;
    this.settings = settings;
    this.clock = clock;
    this.alerts = alerts;
    this.retry = new LobbyRetry(settings.lobby());
    this.dispatchDelivery = dispatchDelivery;
  }

  // --- the nudge --------------------------------------------------------------------------------

  Future<Void> nudges() {
    return pg.preparedQuery(HealthSql.IN_LOBBY).execute(Tuple.of((double) settings.lobby().nudgeSeconds(), now()))
        .compose(rows -> HealthVerticle.each(rows, this::nudge));
  }

  private Future<?> nudge(Row meeting) {
    JsonArray admitters = meeting.getValue("admitters") instanceof JsonArray array ? array : new JsonArray();
    String title = meeting.getString("title") != null ? meeting.getString("title") : meeting.getString("native_meeting_id");
    String who = admitters.isEmpty() ? "the meeting's organizer" : admitters.getString(0);
    String message = settings.vexa().botName() + " is waiting in the lobby of '" + title + "' — ask " + who + " to admit it";
    return alerts.raise(meeting.getLong("id"), MeetingEvents.ALERT, "lobby_waiting", message, new JsonObject()
            .put("attempt", meeting.getInteger("attempt"))
            .put("bot", meeting.getLong("vexa_meeting_id"))
            .put("admitters", admitters)
            .put("waiting_seconds", Math.round(meeting.getDouble("waiting_seconds"))),
        new JsonObject().put("admitters", admitters));
  }

  // --- the re-knock -----------------------------------------------------------------------------

  /** A meeting's bot just failed: if it was turned away at the door, knock again when the time comes. */
  void failed(long meetingId) {
    vertx.setTimer(settings.lobby().retryDelaySeconds() * 1000L + 100, id -> reKnocks(meetingId)
        .onFailure(e -> LOG.warn("re-knock failed, the sweep will try again [meeting: {}, error: {}]", meetingId, e.getMessage())));
  }

  /** Every meeting (or the one named) whose bot was turned away and whose next knock is due. */
  Future<Void> reKnocks(Long meetingId) {
    Instant now = clock.instant();
    return pg.preparedQuery(HealthSql.TURNED_AWAY).execute(Tuple.of(now.atOffset(ZoneOffset.UTC), meetingId))
        .compose(rows -> HealthVerticle.each(rows, meeting -> {
          Instant knock = retry.nextKnock(meeting.getString("completion_reason"), meeting.getString("failure_stage"),
              meeting.getBoolean("admitted"), instant(meeting, "gave_up_at"), instant(meeting, "scheduled_end"), meeting.getLong("re_knocks"));
          return knock == null || knock.isAfter(now) ? Future.succeededFuture() : reKnock(meeting);
        }));
  }

  private Future<?> reKnock(Row meeting) {
    long meetingId = meeting.getLong("id");
    JsonObject detail = new JsonObject()
        .put("message", "the bot was not let in (" + meeting.getString("completion_reason") + "), knocking once more")
        .put("after_attempt", meeting.getInteger("attempt"))
        .put("completion_reason", meeting.getString("completion_reason"))
        .put("re_knock", meeting.getLong("re_knocks") + 1);
    return pg.withTransaction(connection -> MeetingStatus.claimReKnock(connection, meetingId, meeting.getInteger("attempt"), detail)).compose(claimed -> {
      if (claimed.rowCount() == 0) {
        return Future.succeededFuture(); // another node knocked, or the meeting moved on
      }
      LOG.warn("ALERT re-knocking: the bot was not let in [meeting: {}, after attempt: {}, reason: {}]", meetingId,
          meeting.getInteger("attempt"), meeting.getString("completion_reason"));
      MeetingUpdate.status(meetingId, BotStatus.REQUESTED).publish(vertx.eventBus());
      return vertx.eventBus().request(Addresses.DISPATCH_START,
          new JsonObject().put("meeting_id", meetingId).put("start_reason", StartReason.RE_KNOCK), dispatchDelivery);
    });
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
