package com.targetdialer.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

  private static Settings with(String name, Object value) {
    return Settings.from(ConfigLoader.defaults().put(name, value));
  }

  @Test
  @DisplayName("numbers may come as strings (environment) or numbers (JSON file)")
  void numbersFromStringsOrJson() {
    assertThat(with("HTTP_PORT", "8181").httpPort()).isEqualTo(8181);
    assertThat(with("HTTP_PORT", 8282).httpPort()).isEqualTo(8282);
  }

  @Test
  @DisplayName("a DATABASE_URL in the seed's forms is parsed, and never logged with its password")
  void databaseUrlForms() {
    DatabaseUrl url = with("DATABASE_URL", "postgresql+asyncpg://td:s3cr%40t@db.internal:6432/capture").databaseUrl();

    assertThat(url).isEqualTo(new DatabaseUrl("db.internal", 6432, "capture", "td", "s3cr@t"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/capture");
    assertThat(url.toString()).doesNotContain("s3cr");
    assertThat(with("DATABASE_URL", "postgres://db/capture").databaseUrl().port()).isEqualTo(5432);
  }

  @Test
  @DisplayName("each invalid value stops the start with the setting's name and the problem")
  void validationErrors() {
    assertThatThrownBy(() -> with("DATABASE_URL", "mysql://db/capture"))
        .isInstanceOf(ConfigException.class).hasMessage("DATABASE_URL: expected postgresql://user:password@host:port/database, got scheme 'mysql'");
    assertThatThrownBy(() -> with("DATABASE_URL", "postgresql://db.internal"))
        .hasMessage("DATABASE_URL: no database name after the host");
    assertThatThrownBy(() -> with("DATABASE_URL", "postgresql://db internal/x"))
        .hasMessageStartingWith("DATABASE_URL: not a valid URL");
    assertThatThrownBy(() -> with("HTTP_PORT", "eighty"))
        .hasMessage("HTTP_PORT: expected a whole number, got 'eighty'");
    assertThatThrownBy(() -> with("HTTP_PORT", 70000))
        .hasMessage("HTTP_PORT: must be between 0 and 65535, got 70000");
    assertThatThrownBy(() -> with("REDIS_URL", "http://cache:6379"))
        .hasMessage("REDIS_URL: expected redis://host:port, got scheme 'http'");
    assertThatThrownBy(() -> with("VEXA_API_URL", "vexa.internal"))
        .hasMessageStartingWith("VEXA_API_URL: expected a http or https URL");
    assertThatThrownBy(() -> with("INTERNAL_API_KEY", "short"))
        .hasMessage("INTERNAL_API_KEY: too short: use at least 16 random characters");
    assertThatThrownBy(() -> with("HTTP_INSTANCES", new JsonObject()))
        .hasMessage("HTTP_INSTANCES: expected a whole number, got an object");
    assertThatThrownBy(() -> Settings.from(ConfigLoader.defaults().putNull("HTTP_PORT")))
        .hasMessage("HTTP_PORT: is required");
  }

  @Test
  @DisplayName("the event retry schedule reads as waits in ms, s, m or h; the default is the contract's")
  void eventRetrySchedule() {
    assertThat(Settings.from(ConfigLoader.defaults()).events().retrySchedule()).containsExactly(Duration.ZERO, Duration.ofSeconds(5),
        Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
    assertThat(with("EVENT_RETRY_SCHEDULE", "0ms, 250ms,1s").events().retrySchedule())
        .containsExactly(Duration.ZERO, Duration.ofMillis(250), Duration.ofSeconds(1));
    assertThatThrownBy(() -> with("EVENT_RETRY_SCHEDULE", "0s,soon"))
        .hasMessage("EVENT_RETRY_SCHEDULE: expected waits like 0s,5s,5m,30m,2h, got 'soon'");
  }
}
