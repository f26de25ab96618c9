package com.targetdialer.dispatch;

import com.targetdialer.config.CalendarSettings;
import com.targetdialer.meeting.MeetingStatus;
import com.targetdialer.platform.MeetingLink;
import com.targetdialer.platform.Platform;
import com.targetdialer.store.CredentialCipher;
import io.vertx.core.buffer.Buffer;
import com.targetdialer.bus.Failures;
import com.targetdialer.bus.MeetingUpdate;
import com.targetdialer.meeting.BotStatus;
import com.targetdialer.bus.Addresses;
import com.targetdialer.config.Settings;
import com.targetdialer.store.Backends;
import com.targetdialer.store.MeetingLabel;
import com.targetdialer.vexa.VexaBot;
import com.targetdialer.vexa.VexaClient;
import com.targetdialer.vexa.VexaException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;

/**
 * Every call that starts a bot. A meeting occurrence is claimed in {@code td_meetings} before Vexa
 * is called, so a crash, a retry or a second node can never send a second bot. Also registers our
 * webhook with Vexa at start.
 */
public final class DispatchVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DispatchVerticle.class);
  private static final long WEBHOOK_REGISTRATION_RETRY_MS = 30_000;
  private static final long STOP_POLL_MS = 500;

  private final Settings settings;
  private final Backends backends;
  private final String webhookSecret;
  private final CredentialCipher cipher;
  private Pool pg;
  private VexaClient vexa;

  /** @param cipher opens the calls' passcodes (sealed like calendar credentials) and seals those given to the API */
  public DispatchVerticle(Settings settings, Backends backends, String webhookSecret, CredentialCipher cipher) {
    this.settings = settings;
    this.backends = backends;
    this.webhookSecret = webhookSecret;
    this.cipher = cipher;
  }

  @Override
  public Future<?> start() {
    pg = backends.pgPool(vertx);
    if (settings.vexa().configured()) {
      vexa = new VexaClient(vertx, settings.vexa());
      registerWebhook();
    } else {
      LOG.warn("VEXA_API_URL or VEXA_API_KEY not set: dispatch requests will be refused");
    }
    return Future.all(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.DISPATCH_REQUEST, this::onRequest).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.DISPATCH_START, this::onStart).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.DISPATCH_RESTART, this::onRestart).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.DISPATCH_STOP, this::onStop).completion());
  }

  @Override
  public Future<?> stop() {
    if (vexa != null) {
      vexa.close();
    }
    return pg.close();
  }

  // Vexa freezes webhook settings onto each bot at spawn, so this runs before the first dispatch
  // can; if Vexa is down it keeps trying, and meanwhile the live stream still carries statuses.
  private void registerWebhook() {
    if (settings.publicApiUrl() == null) {
      LOG.warn("PUBLIC_API_URL not set: Vexa webhooks are not registered; statuses come from the live stream only");
      return;
    }
    String url = settings.publicApiUrl() + "/webhook/vexa";
    vexa.registerWebhook(url, webhookSecret)
        .onSuccess(ignored -> LOG.info("registered webhook with Vexa [url: {}, events: {}]", url, VexaClient.WEBHOOK_EVENTS))
        .onFailure(e -> {
          LOG.warn("cannot register webhook with Vexa, retrying in {} s [error: {}]", WEBHOOK_REGISTRATION_RETRY_MS / 1000, e.getMessage());
          vertx.setTimer(WEBHOOK_REGISTRATION_RETRY_MS, id -> registerWebhook());
        });
  }

  /** An ad-hoc dispatch: claim the occurrence, then start its bot. */
  private void onRequest(Message<JsonObject> message) {
    DispatchRequest request;
    try {
      request = DispatchRequest.fromJson(message.body(), settings.platforms());
    } catch (IllegalArgumentException e) {
      message.fail(Failures.BAD_REQUEST, e.getMessage());
      return;
    }
    if (request.link().passcode() != null && !cipher.available()) {
      message.fail(Failures.UNAVAILABLE, "a call's passcode is stored encrypted, and " + CalendarSettings.KEY_SETTING + " is not set on this service");
      return;
    }
    if (vexa == null) {
      message.fail(Failures.UNAVAILABLE, "VEXA_API_URL and VEXA_API_KEY are not set on this service");
      return;
    }
    pg.withTransaction(connection -> claim(connection, request)).onComplete(claimed -> {
      if (claimed.failed()) {
        fail(message, claimed.cause());
        return;
      }
      JsonObject claim = claimed.result();
      if (!claim.getBoolean("claimed")) {
        message.reply(new JsonObject().put("status", "already_dispatched")
            .put("meeting_id", claim.getLong("meeting_id")).put("bot_status", claim.getString("bot_status")));
        return;
      }
      startBot(claim.getLong("meeting_id"), StartReason.DISPATCH).onComplete(started -> replyOrFail(message, started));
    });
  }

  /** A meeting already claimed as 'requested' (by the scheduler, or for a re-knock: {@code start_reason} says which). */
  private void onStart(Message<JsonObject> message) {
    Long meetingId = message.body().getLong("meeting_id");
    String reason = message.body().getString("start_reason", StartReason.DISPATCH);
    if (meetingId == null || !StartReason.OF_START.contains(reason)) {
      message.fail(Failures.BAD_REQUEST, "dispatch.start needs meeting_id, and start_reason one of " + StartReason.OF_START);
      return;
    }
    startBot(meetingId, reason).onComplete(started -> replyOrFail(message, started));
  }

  /**
   * Replaces a meeting's bot: claim (active → restarting, restart_count + 1, once), stop the old
   * bot, wait until Vexa reports it gone, start the next. With {@code resume}, continues a restart
   * that was claimed before but did not finish.
   */
  private void onRestart(Message<JsonObject> message) {
    Long meetingId = message.body().getLong("meeting_id");
    if (meetingId == null || vexa == null) {
      message.fail(meetingId == null ? Failures.BAD_REQUEST : Failures.UNAVAILABLE, meetingId == null ? "dispatch.restart needs meeting_id" : "Vexa is not configured");
      return;
    }
    boolean resume = message.body().getBoolean("resume", false);
    Future<RowSet<Row>> claimed = resume
        ? pg.preparedQuery(DispatchSql.RESTARTING_MEETING).execute(Tuple.of(meetingId))
        : pg.withTransaction(connection -> MeetingStatus.claimRestart(connection, meetingId, message.body().getInteger("restart_count", 0)));
    claimed.compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return Future.failedFuture(new DispatchFailure(Failures.CONFLICT, "meeting " + meetingId + " is not in a state to restart (already restarted?)"));
      }
      Row meeting = rows.iterator().next();
      MeetingUpdate.status(meetingId, BotStatus.RESTARTING).withRestartCount(meeting.getInteger("restart_count")).publish(vertx.eventBus());
      return pg.preparedQuery(DispatchSql.CURRENT_SESSION).execute(Tuple.of(meetingId)).compose(sessions -> {
        Row session = sessions.iterator().next();
        Long oldBot = session.getLong("vexa_meeting_id");
        LOG.info("restarting bot [meeting: {}, restart: {}, old vexa id: {}, resume: {}]", meetingId, meeting.getInteger("restart_count"), oldBot, resume);
        return pg.preparedQuery(DispatchSql.SESSION_END_REASON).execute(Tuple.of(session.getLong("id"), "replaced_by_restart"))
            .compose(ignored -> vexa.stopBot(meeting.getString("platform"), meeting.getString("native_meeting_id")))
            .compose(ignored -> oldBot == null ? Future.succeededFuture() : awaitGone(oldBot, System.currentTimeMillis() + settings.health().restartStopWaitSeconds() * 1000L))
            .compose(ignored -> startBot(meetingId, StartReason.RESTART))
            .map(started -> started.put("status", "restarted").put("restart_count", meeting.getInteger("restart_count")));
      });
    }).onComplete(done -> replyOrFail(message, done));
  }

  // Vexa stops asynchronously; a new POST /bots while the old row is live would only adopt it.
  private Future<Void> awaitGone(long vexaMeetingId, long deadlineMs) {
    return vexa.meeting(vexaMeetingId)
        .map(VexaBot::finished)
        .recover(failure -> failure instanceof VexaException e && e.status() == 404 ? Future.succeededFuture(true) : Future.failedFuture(failure))
        .compose(gone -> {
          if (gone) {
            return Future.succeededFuture();
          }
          if (System.currentTimeMillis() > deadlineMs) {
            return Future.failedFuture(new DispatchFailure(Failures.BAD_GATEWAY, "Vexa still reports bot " + vexaMeetingId + " in the call; the restart resumes on the next sweep"));
          }
          return vertx.timer(STOP_POLL_MS).compose(id -> awaitGone(vexaMeetingId, deadlineMs));
        });
  }

  /** Takes the bot out of the call and fails the meeting with the given reason. */
  private void onStop(Message<JsonObject> message) {
    Long meetingId = message.body().getLong("meeting_id");
    String reason = message.body().getString("failure_reason", "stopped");
    if (meetingId == null || vexa == null) {
      message.fail(meetingId == null ? Failures.BAD_REQUEST : Failures.UNAVAILABLE, meetingId == null ? "dispatch.stop needs meeting_id" : "Vexa is not configured");
      return;
    }
    pg.preparedQuery(DispatchSql.LOAD_MEETING).execute(Tuple.of(meetingId)).compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return Future.failedFuture(new DispatchFailure(Failures.NOT_FOUND, "no meeting " + meetingId));
      }
      Row meeting = rows.iterator().next();
      return vexa.stopBot(meeting.getString("platform"), meeting.getString("native_meeting_id"))
          .compose(ignored -> pg.withTransaction(connection -> connection.preparedQuery(DispatchSql.CURRENT_SESSION).execute(Tuple.of(meetingId))
              .compose(sessions -> sessions.iterator().hasNext()
                  ? connection.preparedQuery(DispatchSql.SESSION_END_REASON).execute(Tuple.of(sessions.iterator().next().getLong("id"), reason)).mapEmpty()
                  : Future.succeededFuture())
              .compose(ignored2 -> MeetingStatus.stopped(connection, meetingId, reason))))
          .map(failed -> {
            MeetingUpdate.status(meetingId, BotStatus.FAILED).withFailureReason(reason).publish(vertx.eventBus());
            return new JsonObject().put("status", "stopped").put("meeting_id", meetingId).put("failed", failed.rowCount() == 1);
          });
    }).onComplete(done -> replyOrFail(message, done));
  }

  private Future<JsonObject> claim(SqlConnection connection, DispatchRequest request) {
    MeetingLink link = request.link();
    Future<Row> occurrence = connection.preparedQuery(DispatchSql.LOCK_LINK).execute(Tuple.of(link.platform().wire(), link.nativeId()))
        .compose(locked -> request.scheduledStart() != null ? scheduledOccurrence(connection, request) : openOccurrence(connection, request))
        .compose(row -> link.passcode() == null ? Future.succeededFuture(row)
            : connection.preparedQuery(DispatchSql.SET_PASSCODE)
                .execute(Tuple.of(row.getLong("id"), Buffer.buffer(cipher.seal(link.passcode(), link.key())))).map(row))
        .compose(row -> request.owners().isEmpty() ? Future.succeededFuture(row)
            : connection.preparedQuery(DispatchSql.ADD_OWNERS)
                .execute(Tuple.tuple().addValue(row.getLong("id")).addValue(request.owners().toArray(new String[0]))).map(row));
    return occurrence.compose(row -> MeetingStatus.claim(connection, row.getLong("id"))
        .map(claimed -> new JsonObject()
            .put("meeting_id", row.getLong("id"))
            .put("bot_status", row.getString("bot_status"))
            .put("claimed", claimed.rowCount() == 1)));
  }

  private Future<Row> scheduledOccurrence(SqlConnection connection, DispatchRequest request) {
    OffsetDateTime start = request.scheduledStart();
    MeetingLink link = request.link();
    return connection.preparedQuery(DispatchSql.INSERT_OCCURRENCE)
        .execute(Tuple.of(link.platform().wire(), link.nativeId(), link.url(), request.title(), start))
        .compose(inserted -> announce(connection, link, inserted))
        .compose(ignored -> connection.preparedQuery(DispatchSql.FIND_OCCURRENCE).execute(Tuple.of(link.platform().wire(), link.nativeId(), start)))
        .map(rows -> rows.iterator().next());
  }

  private Future<Row> openOccurrence(SqlConnection connection, DispatchRequest request) {
    MeetingLink link = request.link();
    return connection.preparedQuery(DispatchSql.FIND_OPEN_OCCURRENCE).execute(Tuple.of(link.platform().wire(), link.nativeId()))
        .compose(rows -> rows.iterator().hasNext() ? Future.succeededFuture(rows.iterator().next())
            : connection.preparedQuery(DispatchSql.INSERT_OCCURRENCE_NOW)
                .execute(Tuple.of(link.platform().wire(), link.nativeId(), link.url(), request.title()))
                .compose(inserted -> announce(connection, link, inserted).map(inserted.iterator().next())));
  }

  /** A meeting this request created (none when it existed) is news: {@code meeting.scheduled}, in the claim's transaction. */
  private static Future<Void> announce(SqlConnection connection, MeetingLink link, RowSet<Row> inserted) {
    if (inserted.rowCount() == 0) {
      return Future.succeededFuture();
    }
    Row row = inserted.iterator().next();
    return MeetingStatus.scheduledAdHoc(connection, row.getLong("id"), link.platform().wire(), link.nativeId(), row.getString("title"),
        row.getOffsetDateTime("scheduled_start"));
  }

  /** Starts (or adopts) the bot of a claimed meeting and records the outcome either way. */
  private Future<JsonObject> startBot(long meetingId, String startReason) {
    return pg.preparedQuery(DispatchSql.LOAD_MEETING).execute(Tuple.of(meetingId)).compose(rows -> {
      if (!rows.iterator().hasNext()) {
        return Future.failedFuture(new DispatchFailure(Failures.NOT_FOUND, "no meeting " + meetingId));
      }
      Row meeting = rows.iterator().next();
      BotStatus status = BotStatus.of(meeting.getString("bot_status"));
      if (status != BotStatus.REQUESTED && status != BotStatus.RESTARTING) {
        return Future.failedFuture(new DispatchFailure(Failures.BAD_REQUEST, "meeting " + meetingId + " is " + status + ", not claimed for a bot"));
      }
      return pg.preparedQuery(DispatchSql.NEW_SESSION).execute(Tuple.of(meetingId, startReason))
          .compose(sessions -> callVexa(meeting, sessions.iterator().next()));
    });
  }

  private Future<JsonObject> callVexa(Row meeting, Row session) {
    long meetingId = meeting.getLong("id");
    long sessionId = session.getLong("id");
    String platform = meeting.getString("platform");
    String nativeId = meeting.getString("native_meeting_id");
    MeetingLabel label = new MeetingLabel(meetingId, meeting.getString("title"), platform, nativeId);
    if (vexa == null) {
      return recordFailure(label, sessionId, "vexa_not_configured", Failures.UNAVAILABLE);
    }
    MeetingLink link;
    try {
      link = link(meeting);
    } catch (CredentialCipher.DecryptionException e) {
      return recordFailure(label, sessionId, "passcode_unreadable: " + e.getMessage(), Failures.UNAVAILABLE);
    }
    if (!settings.platforms().enabled(link.platform())) {
      // Scheduled while its platform was enabled, due after ENABLED_PLATFORMS dropped it.
      return recordFailure(label, sessionId, "platform_not_enabled: " + link.platform().displayName() + " is not in ENABLED_PLATFORMS",
          Failures.BAD_REQUEST);
    }
    return vexa.startBot(link)
        .compose(bot -> recordStarted(meetingId, sessionId, session.getInteger("attempt"), bot), failure -> {
          String reason = failure instanceof VexaException e
              ? (e.unreachable() ? "vexa_unreachable: " : "vexa_refused: " + e.status() + " ") + e.detail()
              : "vexa_error: " + failure.getMessage();
          return recordFailure(label, sessionId, link.redact(reason), Failures.BAD_GATEWAY);
        });
  }

  /** The meeting's call, with its passcode opened. */
  private MeetingLink link(Row meeting) {
    Platform platform = Platform.of(meeting.getString("platform"));
    String nativeId = meeting.getString("native_meeting_id");
    Buffer sealed = meeting.getBuffer("passcode_enc");
    String passcode = sealed == null ? null : cipher.open(sealed.getBytes(), MeetingLink.key(platform.wire(), nativeId));
    return MeetingLink.stored(platform, nativeId, meeting.getString("meeting_url"), passcode);
  }

  private Future<JsonObject> recordStarted(long meetingId, long sessionId, int attempt, VexaBot bot) {
    // A bot Vexa already had (a 409, adopted) may be further along than one it just created.
    BotStatus vexaStatus = bot.ourStatus() == null ? BotStatus.REQUESTED : bot.ourStatus();
    boolean adopted = bot.ourStatus() != null;
    JsonObject detail = new JsonObject().put("attempt", attempt).put("vexa_meeting_id", bot.id()).put("session_uid", bot.sessionUid())
        .put("adopted", adopted);
    return pg.withTransaction(connection -> MeetingStatus.botStarted(connection, meetingId, sessionId, bot.id(), bot.sessionUid(),
            bot.botContainerId(), vexaStatus, detail))
        .map(updated -> {
          String botStatus = updated.iterator().hasNext() ? updated.iterator().next().getString("bot_status") : vexaStatus.value();
          JsonObject started = new JsonObject()
              .put("meeting_id", meetingId)
              .put("vexa_meeting_id", bot.id())
              .put("session_uid", bot.sessionUid())
              .put("platform", bot.platform())
              .put("native_meeting_id", bot.nativeMeetingId());
          vertx.eventBus().publish(Addresses.BOT_STARTED, started);
          MeetingUpdate.status(meetingId, BotStatus.of(botStatus)).publish(vertx.eventBus());
          LOG.info("bot dispatched [meeting: {}, attempt: {}, vexa id: {}, adopted: {}]", meetingId, attempt, bot.id(), adopted);
          return started.copy().put("status", "dispatched").put("bot_status", botStatus).put("adopted", adopted);
        });
  }

  private Future<JsonObject> recordFailure(MeetingLabel meeting, long sessionId, String reason, int code) {
    long meetingId = meeting.id();
    LOG.warn("ALERT dispatch failed [meeting: {}, reason: {}]", meeting, reason);
    return pg.withTransaction(connection -> MeetingStatus.botNotStarted(connection, meetingId, sessionId, reason,
            new JsonObject().put("reason", reason).put("meeting", meeting.toJson())))
        .onSuccess(ignored -> MeetingUpdate.status(meetingId, BotStatus.FAILED).withFailureReason(reason).publish(vertx.eventBus()))
        .transform(ignored -> Future.failedFuture(new DispatchFailure(code, reason, meetingId)));
  }

  private static void replyOrFail(Message<JsonObject> message, io.vertx.core.AsyncResult<JsonObject> result) {
    if (result.succeeded()) {
      message.reply(result.result());
    } else {
      fail(message, result.cause());
    }
  }

  private static void fail(Message<JsonObject> message, Throwable failure) {
    if (failure instanceof DispatchFailure dispatch) {
      message.fail(dispatch.code, dispatch.getMessage());
    } else {
      LOG.warn("dispatch error [error: {}]", failure.getMessage());
      Failures.internal(message, failure);
    }
  }

  /** A dispatch that ended with a known reason; its message is the stored failure reason. */
  private static final class DispatchFailure extends RuntimeException {
    private final int code;

    DispatchFailure(int code, String reason) {
      super(reason, null, false, false);
      this.code = code;
    }

    DispatchFailure(int code, String reason, long meetingId) {
      this(code, "meeting " + meetingId + ": " + reason);
    }
  }
}
