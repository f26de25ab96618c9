package com.targetdialer.bench;

import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.store.EmbeddedPostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Outbound events to one fast local subscriber: {@code bench.events} events committed at once, then the
 * time until the subscriber has accepted the last (numbering and delivery, one event at a time in seq
 * order, each acknowledged before the next). Checks they came in order, none missing, none twice.
 * Exits 0 with the figure, 3 when the order check fails, 1 on an error.
 */
public final class EventsBench {

  private static final int EVENTS = Integer.getInteger("bench.events", 5_000);
  private static final String KEY = "internal-key-for-the-events-bench";

  private EventsBench() {
  }

  public static void main(String[] args) throws Exception {
    BenchRun.exitAfter("td-events-bench", (stores, vertx) -> {
      Map<String, String> env = BenchEnv.onStores(stores.postgres(), stores.redis());
      env.put("INTERNAL_API_KEY", KEY);
      env.put("EVENT_POLL_MS", "50");
      TargetDialer service = TargetDialer.start(new Arguments(null, false), env);
      try {
        return run(vertx, service.httpPort(), stores.postgres()) ? 0 : 3;
      } finally {
        service.stop();
      }
    });
  }

  private static boolean run(Vertx vertx, int port, EmbeddedPostgresServer postgres) throws Exception {
    List<Long> seqs = new CopyOnWriteArrayList<>();
    HttpServer subscriber = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      seqs.add(body.toJsonObject().getLong("seq"));
      request.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1").await();
    HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/subscriptions"))
        .header("Authorization", "Bearer " + KEY).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("url", "http://127.0.0.1:" + subscriber.actualPort() + "/hook")
            .put("types", List.of("bot.status")).encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (created.statusCode() != 201) {
      throw new IllegalStateException("POST /subscriptions: " + created.statusCode() + " " + created.body());
    }
    long start;
    try (Connection db = DriverManager.getConnection(postgres.url().jdbcUrl(), "postgres", null); Statement insert = db.createStatement()) {
      insert.execute("INSERT INTO td_outbound_events (id, type, meeting_id, data) SELECT 'evt_bench_' || n, 'bot.status', n % 100, "
          + "jsonb_build_object('status', 'active', 'reason', 'bench') FROM generate_series(1, " + EVENTS + ") AS n");
      start = System.nanoTime();
    }
    while (seqs.size() < EVENTS) {
      if (System.nanoTime() - start > 600_000_000_000L) {
        throw new IllegalStateException("only " + seqs.size() + " of " + EVENTS + " delivered in 10 minutes");
      }
      Thread.sleep(5);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean ordered = seqs.equals(java.util.stream.LongStream.rangeClosed(1, EVENTS).boxed().toList());
    System.out.printf(Locale.ROOT, "outbound events to one local subscriber: %,d events in %.2f s = %,.0f events/s; in seq order, none missing, "
        + "none twice: %s%n", EVENTS, seconds, EVENTS / seconds, ordered ? "yes" : "NO");
    subscriber.close().await();
    return ordered;
  }
}
