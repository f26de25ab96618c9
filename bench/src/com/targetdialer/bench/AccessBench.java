package com.targetdialer.bench;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.bus.Addresses;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What per-person access costs, with 10,000 meetings today and 1,000 people owning about 30 each:
 * {@code GET /api/meetings} as a person (JWT verified, meetings found through td_meeting_owners) against
 * the operator's UI_TOKEN asking for an answer of the same size (no check), and the bridge's check of each
 * {@code meetings.updates} message on a person's socket against the operator's socket receiving the same
 * message. Target: each adds less than 1 ms at p99. Exits 0 once the figures are printed (a target missed says FAILS),
 * 3 if a socket was given a message not its own or missed one of its own, 1 on an error.
 */
public final class AccessBench {

  private static final int MEETINGS = 10_000;
  private static final int PEOPLE = 1_000;
  private static final int OWNERS_PER_MEETING = 3;
  private static final int REQUESTS = Integer.getInteger("bench.accessRequests", 3_000);
  private static final int REQUEST_WARMUP = Integer.getInteger("bench.accessWarmup", 500);
  private static final int MESSAGES = Integer.getInteger("bench.accessMessages", 20_000);
  private static final int MESSAGE_WARMUP = Integer.getInteger("bench.accessMessageWarmup", 2_000);
  /** 2,000/s is more than the bridge delivers to 202 sockets on 2 cores: every socket's latency then grows to seconds. */
  private static final int RATE_PER_S = Integer.getInteger("bench.accessRate", 500);
  private static final int PERSON_SOCKETS = Integer.getInteger("bench.accessSockets", 200);
  /** For comparison only: the other sockets opened with UI_TOKEN (no check, every message written to each). */
  private static final boolean OTHERS_AS_OPERATOR = Boolean.getBoolean("bench.accessOthersAsOperator");
  private static final String PARTS = System.getProperty("bench.accessParts", "requests,bridge");
  private static final int WATCHDOG_S = Integer.getInteger("bench.watchdog", 300);
  private static final double TARGET_MS = 1.0;
  private static final String UI_TOKEN = "access-bench-operator-token-0001";
  private static final String SECRET = "access-bench-jwt-secret-0123456789-abcdef";
  private static final String ISSUER = "https://app.targetdialer.bench";
  private static final String AUDIENCE = "capture";
  /** The person of the request figures, and P, the measured socket's (not among the other sockets' people). */
  private static final String REQUEST_PERSON = "p7@example.com";
  private static final String SOCKET_PERSON = "p1@example.com";

  private AccessBench() {
  }

  public static void main(String[] args) throws Exception {
    Watchdog.start(WATCHDOG_S);
    Path dir = Files.createTempDirectory("td-access-bench");
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
    EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir.resolve("redis"), 0);
    // Also on the watchdog's exit: embedded Postgres outlives a JVM that does not stop it.
    Runnable stores = once(() -> {
      quietly(redis::close);
      quietly(postgres::close);
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(stores, "bench-stores"));
    int exit = 1;
    try {
      Map<String, String> env = BenchEnv.onStores(postgres, redis);
      env.put("HTTP_INSTANCES", "2");
      env.put("UI_TOKEN", UI_TOKEN);
      env.put("UI_JWT_SECRET", SECRET);
      env.put("UI_JWT_ISSUER", ISSUER);
      env.put("UI_JWT_AUDIENCE", AUDIENCE);
      TargetDialer service = TargetDialer.start(new Arguments(null, false), env);
      int port = service.httpPort();
      // The client on a Vert.x of its own, with one event loop: every socket's frames are read on the same thread,
      // so no socket is favoured by the thread it landed on.
      Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
      try {
        exit = run(service, client, postgres, new CpuMeter(dir.resolve("pg")), port) ? 0 : 3;
      } finally {
        client.close().await();
        service.stop();
      }
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      stores.run();
    }
    System.exit(exit);
  }

  private static boolean run(TargetDialer service, Vertx client, EmbeddedPostgresServer postgres, CpuMeter cpu, int port) throws Exception {
    CpuMeter.Snapshot idle = cpu.start(() -> 0);
    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
    CpuMeter.Usage before = idle.until();
    Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS);
    Seed seed = seed(postgres, day);
    JWTAuth signer = JWTAuth.create(client, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));

    line("Per-person access: its cost with %,d meetings today, %,d people, %d owners a meeting (%,d meetings each)",
        seed.meetings().length, PEOPLE, OWNERS_PER_MEETING, seed.owned().get(REQUEST_PERSON).size());
    line("  machine: %d cores (%s), Java %s; busy before the run: %.2f cores (other processes %.2f)",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"), before.machine(), before.others());
    line("  service in this JVM, HTTP_INSTANCES 2, embedded Postgres and Redis; client on a Vert.x of its own (1 event loop), loopback");
    if (PARTS.contains("requests")) {
      requests(client, signer, cpu, port, day, seed.owned());
    }
    return !PARTS.contains("bridge") || bridge(service, client, signer, cpu, port, seed);
  }

  private record Seed(long[] meetings, Map<String, Set<Long>> owned) {
  }

  /** 10,000 meetings today, decided (so the ledger's sweep leaves them alone), and 3 owners each, spread evenly over 1,000 people. */
  private static Seed seed(EmbeddedPostgresServer postgres, Instant day) throws Exception {
    Map<String, Set<Long>> owned = new HashMap<>();
    List<Long> meetings = new ArrayList<>();
    try (Connection db = DriverManager.getConnection(postgres.url().jdbcUrl(), "postgres", null);
         Statement sql = db.createStatement()) {
      sql.executeUpdate("""
          INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status, outcome, assessed_at, updated_at)
          SELECT 'bench-' || g, '%s'::timestamptz + (g %% 1440) * interval '1 minute', 'completed', 'captured', now(), now() - interval '1 hour'
          FROM generate_series(1, %d) g
          """.formatted(day, MEETINGS));
      // Owner j of the meeting with id m is p((m + 337 j) mod 1000): three different people, each owning 30 meetings.
      sql.executeUpdate("""
          INSERT INTO td_meeting_owners (owner, meeting_id, via)
          SELECT 'p' || ((m.id + 337 * j) %% %d) || '@example.com', m.id, 'dispatch'
          FROM td_meetings m CROSS JOIN generate_series(0, %d) j
          """.formatted(PEOPLE, OWNERS_PER_MEETING - 1));
      // Statistics as a database running for a while has them, and no autovacuum starting mid-run.
      sql.execute("VACUUM ANALYZE td_meetings");
      sql.execute("VACUUM ANALYZE td_meeting_owners");
      try (ResultSet rows = sql.executeQuery("SELECT id FROM td_meetings ORDER BY id")) {
        while (rows.next()) {
          meetings.add(rows.getLong(1));
        }
      }
      try (ResultSet rows = sql.executeQuery("SELECT owner, meeting_id FROM td_meeting_owners")) {
        while (rows.next()) {
          owned.computeIfAbsent(rows.getString(1), k -> new HashSet<>()).add(rows.getLong(2));
        }
      }
    }
    return new Seed(meetings.stream().mapToLong(Long::longValue).toArray(), owned);
  }

  // ---- GET /api/meetings ----

  private record Kind(String name, String uri, Supplier<String> token, Latencies latencies) {
    Kind(String name, String uri, Supplier<String> token) {
      this(name, uri, token, new Latencies());
    }
  }

  private static void requests(Vertx client, JWTAuth signer, CpuMeter cpu, int port, Instant day, Map<String, Set<Long>> owned) {
    HttpClientAgent http = client.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    String window = "/api/meetings?from=" + day + "&to=" + day.plus(Duration.ofDays(1));
    int answer = owned.get(REQUEST_PERSON).size();
    String oneToken = token(signer, REQUEST_PERSON, 0);
    AtomicInteger minted = new AtomicInteger();
    List<Kind> kinds = List.of(
        new Kind("UI_TOKEN (operator), limit=" + answer + ", no check", window + "&limit=" + answer, () -> UI_TOKEN),
        new Kind("person's JWT, one token", window + "&limit=200", () -> oneToken),
        new Kind("person's JWT, a new token each request", window + "&limit=200", () -> token(signer, REQUEST_PERSON, minted.incrementAndGet())),
        new Kind("1,000 people in turn, a new token each", window + "&limit=200", () -> {
          int n = minted.incrementAndGet();
          return token(signer, "p" + n % PEOPLE + "@example.com", n);
        }));
    CpuMeter.Snapshot usage = null;
    long started = 0;
    // Interleaved, the order turning each round, so a drift of the machine falls on every kind alike.
    for (int i = 0; i < REQUEST_WARMUP + REQUESTS; i++) {
      if (i == REQUEST_WARMUP) {
        usage = cpu.start(() -> 0);
        started = System.nanoTime();
      }
      for (int k = 0; k < kinds.size(); k++) {
        Kind kind = kinds.get((i + k) % kinds.size());
        String token = kind.token().get(); // minted before the clock starts
        long start = System.nanoTime();
        Buffer body = http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(kind.uri())
                .putHeader("Authorization", "Bearer " + token))
            .compose(request -> request.send().compose(response -> response.statusCode() == 200 ? response.body()
                : response.body().compose(b -> Future.failedFuture(kind.name() + ": " + response.statusCode() + " " + b))))
            .await();
        long took = System.nanoTime() - start;
        int meetings = body.toJsonObject().getJsonArray("meetings").size();
        if (meetings != answer) {
          throw new IllegalStateException(kind.name() + ": " + meetings + " meetings in the answer, expected " + answer);
        }
        if (i >= REQUEST_WARMUP) {
          kind.latencies().add(took);
        }
      }
    }
    CpuMeter.Usage used = usage == null ? null : usage.until();
    double seconds = (System.nanoTime() - started) / 1e9;
    http.close().await();

    line("");
    line("GET %s&limit=...", window);
    line("  sequential on one keep-alive connection, %,d of each kind interleaved after %,d of each as warm-up;", REQUESTS, REQUEST_WARMUP);
    line("  every answer checked: 200 and %d meetings (a person's: exactly theirs); tokens minted before the clock starts", answer);
    line("  %-44s %8s %8s %8s", "", "p50 ms", "p99 ms", "max ms");
    for (Kind kind : kinds) {
      line("  %-44s %8.2f %8.2f %8.2f", kind.name(), kind.latencies().percentileMs(50), kind.latencies().percentileMs(99),
          kind.latencies().percentileMs(100));
    }
    if (used != null) {
      line("  %.1f s; CPU (cores): %s", seconds, cpuShares(used));
    }
    double base = kinds.get(0).latencies().percentileMs(99);
    for (Kind kind : kinds.subList(1, kinds.size())) {
      verdict(kind.name(), kind.latencies().percentileMs(99) - base);
    }
  }

  /** A person's token as the web app signs it; {@code jti} makes each one new (two in the same second would be alike). */
  private static String token(JWTAuth signer, String person, int n) {
    return signer.generateToken(new JsonObject().put("email", person).put("iss", ISSUER).put("aud", AUDIENCE)
        .put("exp", Instant.now().getEpochSecond() + 3600).put("jti", "bench-" + n), new JWTOptions().setAlgorithm("HS256"));
  }

  // ---- the bridge ----

  /** One open socket and what it received: each bench message's sequence number once, and (for the two measured) how late. */
  private static final class Socket {
    final String person;
    final Set<Long> mine;
    final WebSocket webSocket;
    final Set<Integer> seqs = ConcurrentHashMap.newKeySet();
    final long[] latency;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger strays = new AtomicInteger();
    volatile boolean probed;

    /** @param mine the meetings it should be given; null for all of them */
    Socket(WebSocketClient sockets, int port, String token, String person, Set<Long> mine, boolean measured) {
      this.person = person;
      this.mine = mine;
      this.latency = measured ? new long[MESSAGE_WARMUP + MESSAGES] : null;
      this.webSocket = sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/eventbus/websocket?token=" + token)).await();
      webSocket.handler(this::frame);
    }

    private void frame(Buffer data) {
      long now = System.nanoTime(); // before parsing: the parse is the client's, not the bridge's
      JsonObject frame = data.toJsonObject();
      JsonObject body = frame.getJsonObject("body");
      if (!"rec".equals(frame.getString("type")) || body == null || body.getValue("seq") == null) {
        if (body != null && body.getBoolean("probe", false)) {
          probed = true;
        } else {
          strays.incrementAndGet();
        }
        return;
      }
      int seq = body.getInteger("seq");
      if (!seqs.add(seq)) {
        duplicates.incrementAndGet();
        return;
      }
      if (latency != null) {
        latency[seq] = now - body.getLong("sent_ns");
      }
      received.incrementAndGet();
    }

    boolean sees(long meetingId) {
      return mine == null || mine.contains(meetingId);
    }

    /** It got every message it should have, once, and nothing else. */
    boolean exactly(Set<Integer> expected) {
      return seqs.equals(expected) && duplicates.get() == 0 && strays.get() == 0;
    }
  }

  private static boolean bridge(TargetDialer service, Vertx client, JWTAuth signer, CpuMeter cpu, int port, Seed seed) {
    EventBus bus = service.vertx().eventBus();
    Map<String, Set<Long>> owned = seed.owned();
    List<Long> pMeetings = owned.get(SOCKET_PERSON).stream().sorted().toList();
    // One client for every socket, held to the end: a client no longer referenced is closed by the GC, and its sockets with it.
    WebSocketClient sockets = client.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(PERSON_SOCKETS + 10));
    List<Socket> all = new CopyOnWriteArrayList<>();
    // As vertx-eventbus.js does: the bridge closes a socket that has not pinged for 10 s.
    long pings = client.setPeriodic(5_000, id -> all.forEach(socket -> socket.webSocket.writeTextMessage("{\"type\":\"ping\"}")));
    // The operator's socket, one other's, then P's: connections are dealt to the 2 HTTP instances in turn, so the operator's
    // and P's share an event loop (and its scheduling), and P's handler follows the operator's (publish reaches an address's
    // handlers in the order they registered): P waits for the operator's frame to be written, never the other way.
    Socket operator = open(all, bus, new Socket(sockets, port, UI_TOKEN, null, null, true), pMeetings.get(0));
    Socket p = null;
    List<Socket> others = new ArrayList<>();
    for (int i = 0; i < PERSON_SOCKETS; i++) {
      String person = "p" + (i * (PEOPLE / PERSON_SOCKETS) + 2) % PEOPLE + "@example.com"; // p2, p7, p12, ...
      Socket other = OTHERS_AS_OPERATOR ? new Socket(sockets, port, UI_TOKEN, person, null, false)
          : new Socket(sockets, port, token(signer, person, -2 - i), person, owned.get(person), false);
      others.add(open(all, bus, other, owned.get(person).iterator().next()));
      if (i == 0) {
        p = openP(all, bus, sockets, port, signer, owned, pMeetings);
      }
    }
    if (p == null) {
      p = openP(all, bus, sockets, port, signer, owned, pMeetings);
    }
    if (others.stream().map(s -> s.person).filter(person -> !person.equals(SOCKET_PERSON)).distinct().count() != PERSON_SOCKETS) {
      throw new IllegalStateException("the other sockets' people are not " + PERSON_SOCKETS + " distinct people besides P");
    }

    Random random = new Random(17);
    long[] meetingOf = new long[MESSAGE_WARMUP + MESSAGES];
    long intervalNanos = 1_000_000_000L / RATE_PER_S;
    CpuMeter.Snapshot usage = cpu.start(() -> 0);
    long start = System.nanoTime();
    for (int seq = 0; seq < meetingOf.length; seq++) {
      long wait = start + seq * intervalNanos - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      meetingOf[seq] = seq % 2 == 0 ? pMeetings.get(seq / 2 % pMeetings.size()) : seed.meetings()[random.nextInt(seed.meetings().length)];
      bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("id", meetingOf[seq]).put("bot_status", "active")
          .put("seq", seq).put("sent_ns", System.nanoTime()));
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    Map<Socket, Set<Integer>> expected = new HashMap<>();
    for (Socket socket : all) {
      Set<Integer> seqs = new HashSet<>();
      for (int seq = 0; seq < meetingOf.length; seq++) {
        if (socket.sees(meetingOf[seq])) {
          seqs.add(seq);
        }
      }
      expected.put(socket, seqs);
    }
    try {
      until(Duration.ofSeconds(60), () -> all.stream().allMatch(s -> s.received.get() >= expected.get(s).size()));
    } catch (IllegalStateException e) {
      all.stream().filter(s -> s.received.get() < expected.get(s).size()).limit(10).forEach(s -> System.err.printf(
          "bench: %s received %d of %d (%d duplicates, %d others)%n", s.person == null ? "operator" : s.person, s.received.get(),
          expected.get(s).size(), s.duplicates.get(), s.strays.get()));
      throw e;
    }
    double drainSeconds = (System.nanoTime() - start) / 1e9;
    CpuMeter.Usage used = usage.until();
    LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // anything that should not come would have come by now

    Latencies atOperator = new Latencies();
    Latencies atP = new Latencies();
    Latencies pLater = new Latencies(); // the same message: how much later P read it than the operator (0 when sooner)
    int both = 0;
    int pFirst = 0;
    for (int seq = MESSAGE_WARMUP; seq < meetingOf.length; seq++) {
      if (operator.seqs.contains(seq) && p.seqs.contains(seq)) {
        atOperator.add(operator.latency[seq]);
        atP.add(p.latency[seq]);
        pLater.add(Math.max(0, p.latency[seq] - operator.latency[seq]));
        pFirst += p.latency[seq] < operator.latency[seq] ? 1 : 0;
        both++;
      }
    }
    boolean operatorExact = operator.exactly(expected.get(operator));
    boolean pExact = p.exactly(expected.get(p));
    long othersExact = others.stream().filter(s -> s.exactly(expected.get(s))).count();

    line("");
    line("Bridge: meetings.updates published on the service's event bus at %,d/s, %,d warm-up + %,d measured messages (%.1f s);",
        RATE_PER_S, MESSAGE_WARMUP, MESSAGES, sendSeconds);
    line("  every 2nd for one of P's %d meetings, the others for a random one of the %,d; read on the raw WebSocket /eventbus/websocket",
        pMeetings.size(), seed.meetings().length);
    line("  sockets: the operator's (UI_TOKEN), P's (%s), %d other %s, every one registered on meetings.updates",
        SOCKET_PERSON, PERSON_SOCKETS, OTHERS_AS_OPERATOR ? "sockets with UI_TOKEN (comparison run)" : "people's");
    line("  latency: publish (System.nanoTime in the body) -> frame read by the client; over the %,d measured messages both got", both);
    line("  %-44s %9s %8s %8s %8s", "", "received", "p50 ms", "p99 ms", "max ms");
    line("  %-44s %,9d %8.2f %8.2f %8.2f", "operator (UI_TOKEN, no check)", operator.received.get(), atOperator.percentileMs(50),
        atOperator.percentileMs(99), atOperator.percentileMs(100));
    line("  %-44s %,9d %8.2f %8.2f %8.2f", "P (a person's JWT, every message checked)", p.received.get(), atP.percentileMs(50),
        atP.percentileMs(99), atP.percentileMs(100));
    line("  %-44s %9s %8.2f %8.2f %8.2f   (P read it first: %.1f%%)", "P after the operator, the same message", "",
        pLater.percentileMs(50), pLater.percentileMs(99), pLater.percentileMs(100), 100.0 * pFirst / Math.max(1, both));
    line("  %-44s %,9d   (%,d expected)", "the " + PERSON_SOCKETS + " others, in all", others.stream().mapToInt(s -> s.received.get()).sum(),
        others.stream().mapToInt(s -> expected.get(s).size()).sum());
    line("  operator got every message once: %s; P got exactly its meetings' messages: %s (%,d of %,d, %d duplicates, %d others);",
        operatorExact ? "yes" : "NO", pExact ? "yes" : "NO", p.received.get(), expected.get(p).size(), p.duplicates.get(), p.strays.get());
    line("  the %d others got exactly theirs: %d of %d", PERSON_SOCKETS, othersExact, PERSON_SOCKETS);
    line("  last frame read %.1f s after the first publish; CPU (cores): %s; this JVM %.0f µs a message", drainSeconds,
        cpuShares(used), used.jvm() * drainSeconds * 1e6 / meetingOf.length);
    verdict("bridge, each message on P's socket", atP.percentileMs(99) - atOperator.percentileMs(99));
    client.cancelTimer(pings);
    all.forEach(socket -> socket.webSocket.close());
    sockets.close().await();
    return operatorExact && pExact && othersExact == PERSON_SOCKETS;
  }

  private static Socket openP(List<Socket> all, EventBus bus, WebSocketClient sockets, int port, JWTAuth signer, Map<String, Set<Long>> owned,
                              List<Long> pMeetings) {
    return open(all, bus, new Socket(sockets, port, token(signer, SOCKET_PERSON, -1), SOCKET_PERSON, owned.get(SOCKET_PERSON), true),
        pMeetings.get(0));
  }

  /** Registers the socket on meetings.updates and waits until a probe for one of its meetings came through. */
  private static Socket open(List<Socket> all, EventBus bus, Socket socket, long meetingId) {
    all.add(socket);
    socket.webSocket.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.MEETINGS_UPDATES).encode());
    until(Duration.ofSeconds(30), () -> {
      bus.publish(Addresses.MEETINGS_UPDATES, new JsonObject().put("id", meetingId).put("bot_status", "active").put("probe", true));
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      return socket.probed;
    });
    return socket;
  }

  private static void until(Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within " + limit);
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
  }

  private static void verdict(String what, double addedP99) {
    line("  %s: added p99 %.2f ms — target < %.0f ms: %s", what, addedP99, TARGET_MS, addedP99 < TARGET_MS ? "HOLDS" : "FAILS");
  }

  private static String cpuShares(CpuMeter.Usage usage) {
    return String.format(Locale.ROOT, "this JVM (service and client) %.2f, Postgres %.2f, Redis %.2f, other processes %.2f",
        usage.jvm(), usage.postgres(), usage.redis(), usage.others());
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(line -> line.startsWith("model name")).findFirst().map(line -> line.replaceFirst(".*:\\s*", "")).orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  private static Runnable once(Runnable action) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  private interface Closing {
    void close() throws Exception;
  }

  private static void quietly(Closing closing) {
    try {
      closing.close();
    } catch (Exception e) {
      System.err.println("bench: could not stop a store: " + e.getMessage());
    }
  }

  private static void line(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
