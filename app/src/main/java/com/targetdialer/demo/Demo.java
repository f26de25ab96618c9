package com.targetdialer.demo;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.http.Tokens;
import com.targetdialer.sim.google.GoogleCalendarSimulator;
import com.targetdialer.sim.google.MeetEvent;
import com.targetdialer.sim.vexa.BotScript;
import com.targetdialer.sim.vexa.VexaSimulator;
import ch.qos.logback.classic.Level;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code java -jar targetdialer.jar demo}: the real service, on embedded Postgres and Redis, against
 * the Google Calendar and Vexa simulators on loopback. A seeded calendar holds five meetings that
 * start within a minute: one where people talk, one whose first bot is deaf and gets restarted, one
 * whose bot nobody admits from the lobby, a Zoom call with its passcode and a Teams call from an
 * Outlook invitation; within two minutes all are over, each with its outcome. Only Google and Vexa
 * are simulated.
 */
public final class Demo {

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  private static final String USER = "demo@targetdialer.test";
  private static final String CLIENT_ID = "demo-client.apps.googleusercontent.com";
  private static final String CLIENT_SECRET = "demo-client-secret";

  private Demo() {
  }

  public static TargetDialer run(Map<String, String> processEnv) throws IOException {
    // The simulators narrate every step at INFO; in the demo that would scroll the page's address away.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("com.targetdialer.sim"))
        .setLevel(Level.toLevel(processEnv.getOrDefault("DEMO_SIM_LOG", "warn"), Level.WARN));
    Vertx simulators = Vertx.vertx();
    GoogleCalendarSimulator google = new GoogleCalendarSimulator(0);
    VexaSimulator vexa = new VexaSimulator(0);
    simulators.deployVerticle(google).await();
    simulators.deployVerticle(vexa).await();

    google.addUser(USER);
    String refreshToken = google.issueRefreshToken(USER);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    seedCalendar(google, vexa, now);

    boolean ownDataDir = !processEnv.containsKey("DATA_DIR");
    Path dataDir = ownDataDir ? Files.createTempDirectory("targetdialer-demo") : Path.of(processEnv.get("DATA_DIR"));
    Path config = dataDir.resolve("demo-config.json");
    Files.createDirectories(dataDir);
    Files.writeString(config, new JsonObject().put("calendars", new JsonArray().add(new JsonObject()
        .put("id", "demo")
        .put("calendar_id", "primary")
        .put("credentials", new JsonObject().put("type", "authorized_user").put("client_id", CLIENT_ID)
            .put("client_secret", CLIENT_SECRET).put("refresh_token", refreshToken)))).encodePrettily());

    int port = processEnv.containsKey("HTTP_PORT") ? Integer.parseInt(processEnv.get("HTTP_PORT").trim()) : 8080;
    Map<String, String> env = new HashMap<>(processEnv);
    env.remove("DATABASE_URL"); // the demo always runs on its own embedded stores
    env.remove("REDIS_URL");
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("DATA_DIR", dataDir.toString());
    env.put("PUBLIC_API_URL", "http://127.0.0.1:" + port);
    env.putIfAbsent("UI_TOKEN", Tokens.random(18));
    env.put("VEXA_API_URL", vexa.baseUrl());
    env.put("VEXA_API_KEY", vexa.apiKey());
    env.put("GOOGLE_CALENDAR_BASE_URL", google.calendarBaseUrl());
    env.put("GOOGLE_TOKEN_URI", google.tokenUri());
    env.put("CALENDAR_PUSH", "on"); // the simulator pings over plain http
    env.put("CALENDAR_POLL_INTERVAL_S", "30");
    env.put("DISPATCH_LEAD_S", "20");
    env.put("HEALTH_SWEEP_INTERVAL_S", "5");
    env.put("DEAF_TIMEOUT_S", "25");
    env.put("LOBBY_TIMEOUT_S", "30");
    env.put("LOBBY_NUDGE_S", "10");
    env.put("LOBBY_RETRY_DELAY_S", "10");
    env.put("RESTART_STOP_WAIT_S", "20");

    TargetDialer service = TargetDialer.start(new Arguments(config.toString(), false), env);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service, simulators, ownDataDir ? dataDir : null), "demo-stop"));
    LOG.info("demo running [google simulator: {}, vexa simulator: {}, data: {}]", google.calendarBaseUrl(), vexa.baseUrl(), dataDir);
    System.out.println();
    System.out.println("TargetDialer demo: five meetings (Meet, Zoom, Teams) start within a minute; the live transcript UI is "
        + service.uiUrl());
    System.out.println("  simulators: Google Calendar " + google.calendarBaseUrl() + ", Vexa " + vexa.baseUrl()
        + " (their log lines: DEMO_SIM_LOG=info)");
    System.out.println("  data: " + dataDir + (ownDataDir ? " (removed when the demo stops)" : ""));
    System.out.println("Open the live transcript UI (Ctrl+C stops the demo):");
    System.out.println(service.uiUrl());
    System.out.println();
    return service;
  }

  /** The service first (it may still be writing to the data folder), then the simulators, then the folder. */
  private static void stop(TargetDialer service, Vertx simulators, Path ownDataDir) {
    service.stop();
    simulators.close().await();
    if (ownDataDir != null) {
      try (Stream<Path> paths = Files.walk(ownDataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        System.err.println("targetdialer demo: could not remove " + ownDataDir + ": " + e.getMessage());
      }
    }
  }

  /**
   * Three Meet events starting 35-45 s from now, each with the Vexa script that tells its story, a Zoom
   * call (the add-on's link, with its passcode) and a Teams call (an Outlook invitation) at 50-55 s, and a
   * declined one. All are over within two minutes, so the day summary shows their outcomes.
   */
  private static void seedCalendar(GoogleCalendarSimulator google, VexaSimulator vexa, Instant now) {
    BotScript talking = BotScript.normal()
        .joinDelay(Duration.ofSeconds(2)).lobbyDelay(Duration.ofSeconds(2)).admissionDelay(Duration.ofSeconds(3))
        .firstSegmentDelay(Duration.ofSeconds(3)).segmentInterval(Duration.ofSeconds(4)).confirmDelay(Duration.ofMillis(1500))
        .segments(12);
    vexa.script("pip-elin-rev", talking);
    vexa.script("dis-cove-ryc", BotScript.deaf().joinDelay(Duration.ofSeconds(2)).skipLobby(), talking.skipLobby());
    vexa.script("par-tner-syn", BotScript.neverAdmitted().joinDelay(Duration.ofSeconds(2)).lobbyTimeout(Duration.ofSeconds(45)),
        BotScript.neverAdmitted().joinDelay(Duration.ofSeconds(2)).lobbyTimeout(Duration.ofSeconds(30)));

    String zoomId = "85512340042";
    vexa.script(zoomId, talking.segments(6).requirePasscode("demo-pass", MeetEvent.zoomPwd(zoomId, "demo-pass")));
    String teamsThread = "ZGVtby10ZWFtcy1zeW5j";
    vexa.script(MeetEvent.teamsThreadId(teamsThread), talking.segments(6).speakers("Priya Natarajan", "Tom Becker"));

    Instant end = now.plus(Duration.ofMinutes(30));
    google.putEvent(USER, MeetEvent.meet("pip-elin-rev", now.plusSeconds(35), end).summary("Pipeline review").json());
    google.putEvent(USER, MeetEvent.meet("dis-cove-ryc", now.plusSeconds(40), end).summary("Discovery call (its first bot is deaf)").json());
    google.putEvent(USER, MeetEvent.meet("par-tner-syn", now.plusSeconds(45), end).summary("Partner sync (nobody admits the bot)")
        .organizer("alice@example.com").attendee("bob@example.com", "accepted").json());
    google.putEvent(USER, MeetEvent.zoom(zoomId, "demo-pass", now.plusSeconds(50), end).summary("Customer call on Zoom").json());
    google.putEvent(USER, MeetEvent.teams(MeetEvent.teamsJoinUrl(teamsThread), now.plusSeconds(55), end).summary("Team sync on Teams").json());
    google.putEvent(USER, MeetEvent.meet("dec-line-dme", now.plusSeconds(50), end).summary("Declined meeting (no bot)")
        .selfStatus("declined").json());
  }
}
