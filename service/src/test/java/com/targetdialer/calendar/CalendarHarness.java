package com.targetdialer.calendar;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.RedisUrl;
import com.targetdialer.sim.google.GoogleCalendarSimulator;
import com.targetdialer.sim.vexa.VexaSimulator;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.ServiceProcess;
import com.targetdialer.testing.SqlProbe;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A whole service started in this JVM against the test stores, a Google Calendar simulator for its
 * calendars and a Vexa simulator for its bots, with short intervals. Users (and so calendars) are
 * unique per test, so tests of one class can share it.
 */
public final class CalendarHarness implements AutoCloseable {

  public static final String INTERNAL_KEY = "internal-key-for-calendar-tests";
  public static final String UI_TOKEN = "ui-token-for-calendar-tests";
  static final String ENCRYPTION_KEY = "q3Nq3mR0c2VjcmV0LWtleS1mb3ItY2FsZW5kYXItdGU=";
  static final String CLIENT_ID = "td-test.apps.googleusercontent.com";
  static final String CLIENT_SECRET = "client-secret-do-not-log";

  public final Vertx vertx = Vertx.vertx();
  public final GoogleCalendarSimulator google = new GoogleCalendarSimulator();
  public final VexaSimulator vexa = new VexaSimulator(0);
  public final DatabaseUrl database;
  final Map<String, String> refreshTokens = new HashMap<>();
  public final SqlProbe db;
  private final Map<String, String> env;
  private TargetDialer service;
  private WebClient client;

  private CalendarHarness(DatabaseUrl database, RedisUrl redis, Map<String, String> overrides,
                          Consumer<CalendarHarness> beforeStart) throws Exception {
    this.database = database;
    vertx.deployVerticle(google).await();
    vertx.deployVerticle(vexa).await();
    int port = ServiceProcess.freePort();
    env = RunningService.env(database, redis);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("PUBLIC_API_URL", "http://127.0.0.1:" + port);
    env.put("INTERNAL_API_KEY", INTERNAL_KEY);
    env.put("UI_TOKEN", UI_TOKEN);
    env.put("TD_ENCRYPTION_KEY", ENCRYPTION_KEY);
    RunningService.useVexa(env, vexa);
    env.put("VEXA_MAX_ATTEMPTS", "2");
    env.put("VEXA_TIMEOUT_MS", "3000");
    env.put("GOOGLE_CALENDAR_BASE_URL", google.calendarBaseUrl());
    env.put("GOOGLE_TOKEN_URI", google.tokenUri());
    env.put("DISPATCH_LEAD_S", "2");
    env.put("CALENDAR_POLL_INTERVAL_S", "1");
    env.put("CALENDAR_RETRY_BASE_MS", "50");
    env.put("CALENDAR_TIMEOUT_MS", "3000");
    env.putAll(overrides);
    db = new SqlProbe(vertx, database);
    beforeStart.accept(this);
    startService();
  }

  /** Sets an environment variable of the service; only effective before it starts. */
  public void setEnv(String name, String value) {
    env.put(name, value);
  }

  /** On the test stores (the class needs {@code @ExtendWith(TestStores.class)}), in a database of its own. */
  public static CalendarHarness start(Map<String, String> overrides) throws Exception {
    return new CalendarHarness(TestStores.newDatabase(), TestStores.redis(), overrides, harness -> { });
  }

  /** With {@code beforeStart} run once the simulators are up and before the service starts. */
  public static CalendarHarness start(Map<String, String> overrides, Consumer<CalendarHarness> beforeStart) throws Exception {
    return new CalendarHarness(TestStores.newDatabase(), TestStores.redis(), overrides, beforeStart);
  }

  static CalendarHarness start(DatabaseUrl database, RedisUrl redis, Map<String, String> overrides) throws Exception {
    return new CalendarHarness(database, redis, overrides, harness -> { });
  }

  public void startService() {
    service = RunningService.start(env);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
  }

  /** Another node of the same deployment: same database and settings, its own port. */
  TargetDialer startSecondNode() throws Exception {
    Map<String, String> second = new HashMap<>(env);
    second.put("HTTP_PORT", String.valueOf(ServiceProcess.freePort()));
    return RunningService.start(second);
  }

  public void stopService() {
    if (service != null) {
      service.stop();
      service = null;
    }
  }

  /** The running service (its event bus, for tests that publish what the service would). */
  public TargetDialer service() {
    return service;
  }

  public int port() {
    return service.httpPort();
  }

  @Override
  public void close() {
    stopService();
    db.close();
    vertx.close().await();
  }

  // ---- users and calendars ----

  /** A new simulator user with a refresh token; the calendar id in our service is the email. */
  public String newUser(String name) {
    String email = name + "-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
    google.addUser(email);
    refreshTokens.put(email, google.issueRefreshToken(email));
    return email;
  }

  JsonObject userCredentials(String email) {
    return new JsonObject().put("type", "authorized_user").put("client_id", CLIENT_ID).put("client_secret", CLIENT_SECRET)
        .put("refresh_token", refreshTokens.get(email));
  }

  /** POST /calendars for the user's primary calendar; returns the answer's body. */
  public JsonObject connect(String email) {
    return connect(email, "primary");
  }

  JsonObject connect(String email, String calendarId) {
    HttpResponse<Buffer> response = post("/calendars", new JsonObject().put("id", email).put("calendar_id", calendarId)
        .put("credentials", userCredentials(email)));
    if (response.statusCode() != 201 && response.statusCode() != 200) {
      throw new AssertionError("connect failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  HttpResponse<Buffer> post(String path, JsonObject body) {
    return client.post(path).putHeader("Authorization", "Bearer " + INTERNAL_KEY).sendJsonObject(body).await();
  }

  public HttpResponse<Buffer> get(String path) {
    return client.get(path).putHeader("Authorization", "Bearer " + INTERNAL_KEY).send().await();
  }

  HttpResponse<Buffer> delete(String path) {
    return client.delete(path).putHeader("Authorization", "Bearer " + INTERNAL_KEY).send().await();
  }

  public WebClient client() {
    return client;
  }

  /** One calendar of GET /calendars, or null. */
  JsonObject calendar(String id) {
    JsonArray calendars = get("/calendars").bodyAsJsonObject().getJsonArray("calendars");
    for (int i = 0; i < calendars.size(); i++) {
      if (id.equals(calendars.getJsonObject(i).getString("id"))) {
        return calendars.getJsonObject(i);
      }
    }
    return null;
  }

  /** GET /calendars/{id}/events, keyed by event id. */
  Map<String, JsonObject> events(String calendar) {
    Map<String, JsonObject> events = new HashMap<>();
    get("/calendars/" + calendar + "/events").bodyAsJsonObject().getJsonArray("events")
        .forEach(item -> events.put(((JsonObject) item).getString("event_id"), (JsonObject) item));
    return events;
  }

  // ---- the database ----

  List<Row> meetings(String code) {
    return db.rows("SELECT id, bot_status, scheduled_start, scheduled_end, dispatch_at, title, source FROM td_meetings "
        + "WHERE native_meeting_id = $1 ORDER BY scheduled_start", code);
  }

  Row meeting(String code) {
    List<Row> rows = meetings(code);
    if (rows.size() != 1) {
      throw new AssertionError("expected one meeting for " + code + ", found " + rows.size());
    }
    return rows.get(0);
  }

  String status(String code) {
    List<Row> rows = meetings(code);
    return rows.size() == 1 ? rows.get(0).getString("bot_status") : null;
  }

  void awaitStatus(String code, String status, Duration within) {
    Await.until("meeting " + code + " " + status, within, () -> status.equals(status(code)));
  }

  /** When the bot of the meeting was asked for (DB clock): td_bot_sessions.requested_at of its first session. */
  Instant botRequestedAt(long meetingId) {
    Object value = db.value("SELECT min(requested_at) FROM td_bot_sessions WHERE meeting_id = $1", meetingId);
    return value == null ? null : ((OffsetDateTime) value).toInstant();
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  static String randomCode() {
    return com.targetdialer.sim.google.MeetEvent.randomMeetCode();
  }

  /** The events the calendar package logs from now on (close it to stop collecting). */
  static LogCapture captureLogs() {
    return new LogCapture();
  }

  static final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("com.targetdialer.calendar");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture() {
      appender.start();
      logger.addAppender(appender);
    }

    List<String> lines() {
      synchronized (appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      }
    }

    List<String> matching(String fragment) {
      return lines().stream().filter(line -> line.contains(fragment)).toList();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }
}
