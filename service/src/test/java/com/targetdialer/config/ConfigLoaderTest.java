package com.targetdialer.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @Test
  @DisplayName("defaults come from conf/config.json when nothing else is given")
  void defaultsOnly(Vertx vertx) {
    Settings settings = Settings.from(ConfigLoader.load(vertx, null, Map.of()).await());

    assertThat(settings.httpPort()).isEqualTo(8080);
    assertThat(settings.databaseUrl()).isNull();
    assertThat(settings.redisUrl()).isNull();
    assertThat(settings.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(settings.httpBodyLimitBytes()).isEqualTo(1_048_576);
  }

  @Test
  @DisplayName("the -conf file overrides the defaults and the environment overrides the file")
  void layering(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("td.json"), new JsonObject()
        .put("HTTP_PORT", 9000)
        .put("DB_POOL_SIZE", 3)
        .put("VEXA_API_URL", "http://vexa.internal:8056/").encode());
    Map<String, String> env = Map.of("HTTP_PORT", "9100", "REDIS_URL", "redis://cache:6380", "PATH", "/usr/bin");

    JsonObject merged = ConfigLoader.load(vertx, file.toString(), env).await();
    Settings settings = Settings.from(merged);

    assertThat(settings.httpPort()).isEqualTo(9100);
    assertThat(settings.dbPoolSize()).isEqualTo(3);
    assertThat(settings.vexa().apiUrl()).isEqualTo("http://vexa.internal:8056");
    assertThat(settings.redisUrl().value()).isEqualTo("redis://cache:6380");
    assertThat(settings.shutdownTimeoutSeconds()).isEqualTo(10);
    assertThat(merged.containsKey("PATH")).as("unrelated environment stays out").isFalse();
  }

  @Test
  @DisplayName("TD_CONFIG names the file when -conf is absent")
  void configFileFromEnvironment(Vertx vertx, @TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("td.json"), "{\"HTTP_PORT\": 9200}");

    Settings settings = Settings.from(ConfigLoader.load(vertx, null, Map.of("TD_CONFIG", file.toString())).await());

    assertThat(settings.httpPort()).isEqualTo(9200);
  }

  @Test
  @DisplayName("a missing or malformed config file is named in one line")
  void badConfigFile(Vertx vertx, @TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"HTTP_PORT\": ");

    assertThatThrownBy(() -> ConfigLoader.load(vertx, dir.resolve("absent.json").toString(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TD_CONFIG: config file ")
        .hasMessageContaining("absent.json does not exist");
    assertThatThrownBy(() -> ConfigLoader.load(vertx, broken.toString(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broken.json is not a JSON object");
  }
}
