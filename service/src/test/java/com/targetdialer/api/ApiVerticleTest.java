package com.targetdialer.api;

import com.targetdialer.testing.Await;
import com.targetdialer.TargetDialer;
import com.targetdialer.store.EmbeddedRedisServer;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith({TestStores.class, VertxExtension.class})
class ApiVerticleTest {

  @TempDir
  static Path redisDir;

  private static EmbeddedRedisServer redis;
  private static TargetDialer service;
  private static Vertx clientVertx;
  private static WebClient client;

  // This class stops and restarts Redis, so it runs its own rather than the shared one.
  @BeforeAll
  static void start() throws Exception {
    redis = EmbeddedRedisServer.start(redisDir, 0);
    Map<String, String> env = RunningService.env(TestStores.newDatabase(), redis.url());
    env.put("HTTP_BODY_LIMIT_BYTES", "65536");
    service = RunningService.start(env);
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(service.httpPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
      clientVertx.close().await();
    }
    if (service != null) {
      service.stop();
    }
    redis.close();
  }

  @Test
  @DisplayName("GET /health answers UP")
  void health() {
    HttpResponse<Buffer> response = client.get("/health").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  @Test
  @DisplayName("GET /ready goes 503 naming Redis while it is down, and 200 again once it is back")
  void readyFollowsRedis() throws Exception {
    assertThat(client.get("/ready").send().await().statusCode()).isEqualTo(200);

    int port = redis.port();
    redis.close();
    HttpResponse<Buffer> down = awaitStatus("/ready", 503, Duration.ofSeconds(10));
    JsonObject body = down.bodyAsJsonObject();
    assertThat(body.getString("error")).isEqualTo("not_ready");
    assertThat(body.getString("detail")).startsWith("redis: ");
    assertThat(body.getJsonObject("checks").getString("postgres")).isEqualTo("UP");
    assertThat(body.getJsonObject("checks").getString("redis")).startsWith("DOWN");

    redis = EmbeddedRedisServer.start(redisDir, port);
    HttpResponse<Buffer> up = awaitStatus("/ready", 200, Duration.ofSeconds(15));
    assertThat(up.bodyAsJsonObject().getJsonObject("checks").getString("redis")).isEqualTo("UP");
  }

  @Test
  @DisplayName("every error has the shape {error, detail}: unknown path, wrong method, oversize body")
  void errorShape() {
    HttpResponse<Buffer> notFound = client.get("/no/such/thing").send().await();
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.getHeader("content-type")).isEqualTo("application/json");
    assertThat(notFound.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("error", "not_found").put("detail", "no such resource: GET /no/such/thing"));

    HttpResponse<Buffer> wrongMethod = client.delete("/health").send().await();
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.bodyAsJsonObject().getString("error")).isEqualTo("method_not_allowed");

    HttpResponse<Buffer> tooBig = client.post("/health").sendBuffer(Buffer.buffer(new byte[100_000])).await();
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(tooBig.bodyAsJsonObject().getString("error")).isEqualTo("payload_too_large");
    assertThat(client.get("/health").send().await().statusCode()).as("still serving").isEqualTo(200);
  }

  @Test
  @DisplayName("GET /metrics serves Prometheus text with the HTTP server's own meters")
  void metrics() {
    client.get("/health").send().await();

    HttpResponse<Buffer> response = client.get("/metrics").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/plain");
    assertThat(response.bodyAsString()).contains("# TYPE vertx_http_server_requests_total counter");
  }

  private HttpResponse<Buffer> awaitStatus(String path, int status, Duration within) {
    return Await.value(path + " answering " + status, within, () -> {
      HttpResponse<Buffer> last = client.get(path).send().await();
      if (last.statusCode() != status) {
        throw new IllegalStateException(last.statusCode() + " " + last.bodyAsString());
      }
      return last;
    });
  }
}
