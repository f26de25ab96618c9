package com.targetdialer.bench;

import com.targetdialer.bus.Addresses;
import com.targetdialer.Arguments;
import com.targetdialer.TargetDialer;
import com.targetdialer.store.EmbeddedPostgresServer;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.testing.Browser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a segment accepted by PersistVerticle takes to appear on an open page: the service
 * (embedded stores), the real page in headless Chromium, and segments fed to PersistVerticle at a
 * steady rate. The publish time is taken on the service's own event bus, the arrival time in the
 * page by a MutationObserver; both read the same wall clock. Target: p99 within 250 ms.
 */
public final class UiLatencyBench {

  private static final int SEGMENTS = Integer.getInteger("bench.uiSegments", 1_000);
  private static final int RATE_PER_S = Integer.getInteger("bench.uiRate", 50);
  private static final String TOKEN = "ui-latency-bench-token-0001";

  private UiLatencyBench() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("td-ui-bench");
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
         EmbeddedRedisServer redis = EmbeddedRedisServer.start(dir.resolve("redis"), 0)) {
      Map<String, String> env = BenchEnv.onStores(postgres, redis);
      env.put("UI_TOKEN", TOKEN);
      TargetDialer service = TargetDialer.start(new Arguments(null, false), env);
      ChromeDriver browser = Browser.start();
      try {
        run(service, browser, postgres, service.httpPort());
      } finally {
        browser.quit();
        service.stop();
      }
    }
    System.exit(0);
  }

  private static void run(TargetDialer service, ChromeDriver browser, EmbeddedPostgresServer postgres, int port) throws Exception {
    long meetingId;
    try (Connection db = DriverManager.getConnection(postgres.url().jdbcUrl(), "postgres", null);
         ResultSet row = db.createStatement().executeQuery(
             "INSERT INTO td_meetings (title, native_meeting_id, scheduled_start, bot_status) VALUES ('Latency run', 'lat-ency-run', now(), 'active') RETURNING id")) {
      row.next();
      meetingId = row.getLong(1);
    }
    Map<String, Long> published = new ConcurrentHashMap<>();
    service.vertx().eventBus().<JsonObject>consumer(Addresses.transcriptLive(meetingId),
        message -> published.putIfAbsent(message.body().getString("segment_key"), System.currentTimeMillis())).completion().await();

    browser.get("http://127.0.0.1:" + port + "/?token=" + TOKEN);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(driver -> "open".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
    browser.executeScript("""
        window.tdArrivals = {};
        new MutationObserver(records => {
          const now = performance.timeOrigin + performance.now();
          records.forEach(r => r.addedNodes.forEach(n => { if (n.dataset && n.dataset.key && !(n.dataset.key in tdArrivals)) tdArrivals[n.dataset.key] = now; }));
        }).observe(document.getElementById('transcript'), {childList: true});
        window.tdSelect(arguments[0]);
        """, meetingId);
    Thread.sleep(1_000); // the page registers for the meeting's address

    Instant base = Instant.now();
    long intervalNanos = 1_000_000_000L / RATE_PER_S;
    long start = System.nanoTime();
    for (int i = 0; i < SEGMENTS; i++) {
      long due = start + i * intervalNanos;
      long wait_ = due - System.nanoTime();
      if (wait_ > 0) {
        Thread.sleep(wait_ / 1_000_000, (int) (wait_ % 1_000_000));
      }
      JsonObject segment = new JsonObject().put("segment_key", "lat-" + i).put("text", "Latency probe number " + i + " of the run.")
          .put("speaker", i % 2 == 0 ? "Ana" : "Ben").put("completed", true).put("retracted", false)
          .put("absolute_start_time", base.plusMillis(i * 100L).toString());
      service.vertx().eventBus().send(Addresses.PERSIST_SEGMENTS,
          new JsonObject().put("meeting_id", meetingId).put("live", true).put("segments", new JsonArray().add(segment)));
    }
    new WebDriverWait(browser, Duration.ofSeconds(60)).until(driver ->
        ((Number) browser.executeScript("return Object.keys(window.tdArrivals).length;")).intValue() >= SEGMENTS);

    @SuppressWarnings("unchecked")
    Map<String, Object> arrivals = (Map<String, Object>) browser.executeScript("return window.tdArrivals;");
    List<Double> latencies = new ArrayList<>();
    arrivals.forEach((key, at) -> {
      Long sent = published.get(key);
      if (sent != null) {
        latencies.add(((Number) at).doubleValue() - sent);
      }
    });
    Collections.sort(latencies);
    double p99 = percentile(latencies, 0.99);
    System.out.printf("%nUI latency: segment published by PersistVerticle -> shown on the open page (headless Chromium)%n");
    System.out.printf("  cores %d, java %s, %d segments at %d/s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), latencies.size(), RATE_PER_S);
    System.out.printf("  p50 %.1f ms   p90 %.1f ms   p99 %.1f ms   max %.1f ms   target p99 <= 250 ms: %s%n",
        percentile(latencies, 0.50), percentile(latencies, 0.90), p99, latencies.get(latencies.size() - 1),
        p99 <= 250 ? "met" : "MISSED");
  }

  private static double percentile(List<Double> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
  }
}
