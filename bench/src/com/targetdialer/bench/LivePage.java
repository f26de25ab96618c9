package com.targetdialer.bench;

import com.targetdialer.testing.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 18's "the page's latency unchanged at that load": one person's live transcript page in headless
 * Chromium, signed in with a JWT, following their meeting (one of the live ones) as they would: the
 * meeting clicked in their list. Latency = when PersistVerticle published a confirmed segment of it (an
 * outbound interceptor on the service's event bus) to when the page showed it confirmed (a
 * MutationObserver). Both read the wall clock (currentTimeMillis, Date.now: ms resolution), not the
 * monotonic one, which drifts from it over a long run. A person, not the operator: the operator's page
 * lists every live meeting and re-renders the list on each one's segment count; nobody follows 10,000.
 */
final class LivePage implements AutoCloseable {

  static final String PERSON = "capacity-page@example.com";
  private static final String SECRET = "capacity-bench-jwt-secret-0123456789-abcdef";
  /** Waits for the page itself (load, sign-in, its first live segment); bounded so a broken page fails the run early. */
  private static final Duration READY = Duration.ofSeconds(60);
  /** Records the first time each segment is shown confirmed: a new confirmed row, or a draft's row turning confirmed. */
  private static final String OBSERVE = """
      window.tdConfirmed = {};
      const mark = (n, now) => { if (n.dataset && n.dataset.key && n.dataset.completed === 'true' && !(n.dataset.key in tdConfirmed)) tdConfirmed[n.dataset.key] = now; };
      new MutationObserver(records => {
        const now = Date.now();
        records.forEach(r => r.type === 'attributes' ? mark(r.target, now) : r.addedNodes.forEach(n => mark(n, now)));
      }).observe(document.getElementById('transcript'), {childList: true, subtree: true, attributes: true, attributeFilter: ['data-completed']});
      """;

  /** The page's figures over one window; {@code error} when the page did not answer. */
  record Figures(CapacityReport.Lags lag, int published, String error) {
  }

  private final ChromeDriver browser;
  private final String address;
  private final Map<String, Long> published = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean on = true;

  private LivePage(ChromeDriver browser, long meetingId) {
    this.browser = browser;
    this.address = "transcript.live." + meetingId;
  }

  /** The service's settings for the page's sign-in: HS256 tokens as TargetDialer's web app signs them. */
  static void signIn(Map<String, String> env) {
    env.put("UI_JWT_SECRET", SECRET);
  }

  /** Opens the page on {@code meetingId} (owned by {@link #PERSON}) and returns once it has shown one of its live segments. */
  static LivePage open(Vertx service, int port, long meetingId) throws Exception {
    LivePage page = new LivePage(Browser.start(), meetingId);
    // Chromium is a process of its own: quit it on any exit, the watchdog's too.
    Runtime.getRuntime().addShutdownHook(new Thread(page::close, "bench-chromium"));
    try {
      service.eventBus().addOutboundInterceptor(context -> {
        if (page.on && page.address.equals(context.message().address()) && context.body() instanceof JsonObject row
            && Boolean.TRUE.equals(row.getValue("completed")) && row.getValue("segment_key") instanceof String key) {
          page.published.putIfAbsent(key, System.currentTimeMillis());
        }
        context.next();
      });
      page.follow(port, token(service), meetingId);
      return page;
    } catch (Exception | Error e) {
      page.close();
      throw e;
    }
  }

  private void follow(int port, String token, long meetingId) throws InterruptedException {
    WebDriverWait wait = new WebDriverWait(browser, READY);
    browser.get("http://127.0.0.1:" + port + "/?token=" + token);
    wait.until(driver -> "open".equals(driver.findElement(By.id("connection")).getAttribute("data-state")));
    WebElement row = wait.until(driver -> driver.findElement(By.cssSelector("li.meeting[data-meeting-id='" + meetingId + "']")));
    browser.executeScript(OBSERVE);
    browser.executeScript("arguments[0].click();", row);
    published.clear(); // the ones before the click come from the read API, not live
    // Following: a segment published after the click has been shown (the bridge took the page's registration).
    long deadline = System.nanoTime() + READY.toNanos();
    while (published.keySet().stream().noneMatch(shown()::containsKey)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the page showed none of its meeting's live segments within " + READY.toSeconds() + " s");
      }
      Thread.sleep(500);
    }
  }

  /** A window starts. The page's record is kept: segment keys are never reused, and it grows by one every 2 s. */
  void start() {
    published.clear();
    on = true;
  }

  /** The window's publishes end here; the page may still show them. */
  void stop() {
    on = false;
  }

  /** The window's latencies, once every segment published in it was shown or {@code waitS} passed. */
  Figures figures(int waitS) throws InterruptedException {
    try {
      long deadline = System.nanoTime() + waitS * 1_000_000_000L;
      Map<String, Object> shown = shown();
      while (!shown.keySet().containsAll(published.keySet()) && System.nanoTime() < deadline) {
        Thread.sleep(200);
        shown = shown();
      }
      Latencies lags = new Latencies();
      for (Map.Entry<String, Long> sent : published.entrySet()) {
        if (shown.get(sent.getKey()) instanceof Number at) {
          lags.add((at.longValue() - sent.getValue()) * 1_000_000);
        }
      }
      return new Figures(CapacityReport.Lags.of(lags), published.size(), null);
    } catch (WebDriverException e) { // a page too busy to answer is a result, not the end of the run
      return new Figures(CapacityReport.Lags.of(new Latencies()), published.size(), ReportFormat.abbreviate(String.valueOf(e.getMessage()), 120));
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> shown() {
    return (Map<String, Object>) browser.executeScript("return window.tdConfirmed;");
  }

  private static String token(Vertx service) {
    JWTAuth signer = JWTAuth.create(service, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    // A day: longer than any run (the service closes a page's socket when its token expires).
    return signer.generateToken(new JsonObject().put("email", PERSON).put("exp", Instant.now().getEpochSecond() + 86_400),
        new JWTOptions().setAlgorithm("HS256"));
  }

  @Override
  public void close() {
    on = false;
    if (closed.compareAndSet(false, true)) {
      try {
        browser.quit();
      } catch (WebDriverException e) {
        System.err.println("bench: Chromium did not quit cleanly: " + e.getMessage());
      }
    }
  }
}
