package com.targetdialer.bench;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.store.Migrations;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * (c) Webhook acceptance on a 2-node cluster: two clustered service instances in this JVM (Hazelcast
 * on loopback), one Postgres, one Redis, the load split evenly over both nodes. Same payloads and
 * in-flight count as (a)'s first level, so the figure stands next to the single-node one.
 */
public final class ClusterBench {

  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final int IN_FLIGHT = Integer.getInteger("bench.clusterInflight", 64);
  private static final int WARMUP_S = Integer.getInteger("bench.firstWarmup", 8);
  private static final int MEASURE_S = Integer.getInteger("bench.seconds", 10);
  private static final String SECRET = "bench-webhook-secret-" + UUID.randomUUID();

  private ClusterBench() {
  }

  public static void main(String[] args) throws Exception {
    Path root = Files.createTempDirectory("td-cluster-bench");
    List<TargetDialer> nodes = new ArrayList<>();
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(root.resolve("pg"), 0);
         EmbeddedRedisServer redis = EmbeddedRedisServer.start(root.resolve("redis"), 0)) {
      DatabaseUrl db = postgres.url();
      Migrations.migrate(db, Duration.ofSeconds(30));
      String sessionUid = "cluster-bench-" + UUID.randomUUID();
      insertMeeting(db, sessionUid);
      int base = 5941;
      for (int i = 0; i < 2; i++) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + db.port() + "/" + db.database());
        env.put("REDIS_URL", redis.url().value());
        env.put("REDIS_KEY_PREFIX", "cluster-bench:");
        env.put("HTTP_PORT", String.valueOf(freePort()));
        env.put("HTTP_HOST", "127.0.0.1");
        env.put("VEXA_WEBHOOK_SECRET", SECRET);
        env.put("CLUSTER", "true");
        env.put("CLUSTER_PORT", String.valueOf(base + i));
        env.put("CLUSTER_MEMBERS", "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1));
        env.put("EVENTBUS_PORT", "0");
        nodes.add(TargetDialer.start(new Arguments(null, false), env));
      }
      Payloads payloads = new Payloads(SECRET, sessionUid);
      try (LoadGenerator first = new LoadGenerator(Math.max(1, CORES / 2), IN_FLIGHT / 2);
           LoadGenerator second = new LoadGenerator(Math.max(1, CORES / 2), IN_FLIGHT / 2)) {
        both(first, second, nodes, payloads, Duration.ofSeconds(WARMUP_S));
        List<LoadGenerator.Result> results = both(first, second, nodes, payloads, Duration.ofSeconds(MEASURE_S));
        Latencies latencies = new Latencies();
        long ok = 0;
        long failed = 0;
        double perSecond = 0;
        for (LoadGenerator.Result result : results) {
          latencies.addAll(result.latencies());
          ok += result.ok();
          failed += result.failed();
          perSecond += result.perSecond();
        }
        System.out.printf("%n(c) Webhook acceptance on a 2-node cluster (both nodes and the load in one JVM, %d cores)%n", CORES);
        System.out.printf("  %d in flight (%d per node), %d s: %.0f req/s   p50 %.2f ms   p99 %.2f ms   ok %d   not ok %d%n",
            IN_FLIGHT, IN_FLIGHT / 2, MEASURE_S, perSecond, latencies.percentileMs(50), latencies.percentileMs(99), ok, failed);
      }
    } finally {
      nodes.forEach(TargetDialer::stop);
    }
    System.exit(0);
  }

  /** Both nodes under load at once, half the requests in flight each. */
  private static List<LoadGenerator.Result> both(LoadGenerator first, LoadGenerator second, List<TargetDialer> nodes, Payloads payloads,
                                                 Duration duration) {
    CompletableFuture<LoadGenerator.Result> one = CompletableFuture.supplyAsync(() ->
        first.run(nodes.get(0).httpPort(), "/webhook/vexa", IN_FLIGHT / 2, payloads::statusChange, 5_000_000, duration, false));
    CompletableFuture<LoadGenerator.Result> two = CompletableFuture.supplyAsync(() ->
        second.run(nodes.get(1).httpPort(), "/webhook/vexa", IN_FLIGHT / 2, payloads::statusChange, 5_000_000, duration, false));
    return List.of(one.join(), two.join());
  }

  private static void insertMeeting(DatabaseUrl db, String sessionUid) throws Exception {
    try (Connection jdbc = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         ResultSet meeting = jdbc.createStatement().executeQuery(
             "INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status, bot_active_at) VALUES ('clu-ster-ben', now(), 'active', now()) RETURNING id")) {
      meeting.next();
      jdbc.createStatement().executeUpdate("INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, status) VALUES ("
          + meeting.getLong(1) + ", 1, 999999, '" + sessionUid + "', 'active')");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
