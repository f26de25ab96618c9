package com.targetdialer.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CalendarSettingsTest {

  private static final JsonObject USER = new JsonObject().put("type", "authorized_user").put("client_id", "c")
      .put("client_secret", "s").put("refresh_token", "r");

  private static CalendarSettings with(String name, Object value) {
    return Settings.from(ConfigLoader.defaults().put(name, value)).calendar();
  }

  @Test
  @DisplayName("defaults: Google's URLs, lead 120 s, poll 300 s, window 48 h, 16 syncs, push auto, no static calendars")
  void defaults() {
    CalendarSettings calendar = Settings.from(ConfigLoader.defaults()).calendar();

    assertThat(calendar.calendarBaseUrl()).isEqualTo("https://www.googleapis.com/calendar/v3");
    assertThat(calendar.tokenUri()).isEqualTo("https://oauth2.googleapis.com/token");
    assertThat(calendar.dispatchLeadSeconds()).isEqualTo(120);
    assertThat(calendar.pollIntervalSeconds()).isEqualTo(300);
    assertThat(calendar.windowHours()).isEqualTo(48);
    assertThat(calendar.syncConcurrency()).isEqualTo(16);
    assertThat(calendar.push()).isEqualTo("auto");
    assertThat(calendar.staticCalendars()).isEmpty();
    assertThat(calendar.encryptionKey()).isNull();
  }

  @Test
  @DisplayName("push channels: auto only with an https PUBLIC_API_URL, on with any, off never")
  void pushModes() {
    assertThat(with("CALENDAR_PUSH", "auto").pushEnabled("https://td.example.com")).isTrue();
    assertThat(with("CALENDAR_PUSH", "auto").pushEnabled("http://127.0.0.1:8080")).isFalse();
    assertThat(with("CALENDAR_PUSH", "auto").pushEnabled(null)).isFalse();
    assertThat(with("CALENDAR_PUSH", "ON").pushEnabled("http://127.0.0.1:8080")).isTrue();
    assertThat(with("CALENDAR_PUSH", "off").pushEnabled("https://td.example.com")).isFalse();
    assertThatThrownBy(() -> with("CALENDAR_PUSH", "sometimes")).hasMessage("CALENDAR_PUSH: expected auto, on or off, got 'sometimes'");
  }

  @Test
  @DisplayName("each bad value names its setting, and a bad config calendar names its entry")
  void validation() {
    assertThatThrownBy(() -> with("DISPATCH_LEAD_S", -1)).hasMessage("DISPATCH_LEAD_S: must be between 0 and 3600, got -1");
    assertThatThrownBy(() -> with("CALENDAR_POLL_INTERVAL_S", "often")).hasMessageStartingWith("CALENDAR_POLL_INTERVAL_S: expected a whole number");
    assertThatThrownBy(() -> with("GOOGLE_TOKEN_URI", "oauth2.googleapis.com")).hasMessageStartingWith("GOOGLE_TOKEN_URI: expected a http or https URL");
    assertThatThrownBy(() -> with("calendars", new JsonObject())).hasMessage("calendars: expected an array, got an object");
    assertThatThrownBy(() -> with("calendars", new JsonArray().add("alice")))
        .hasMessage("calendars: entry 0 is not an object");
    assertThatThrownBy(() -> with("calendars", new JsonArray().add(new JsonObject().put("id", "a").put("credentials", USER))
        .add(new JsonObject().put("id", "b").put("credentials", USER.copy().put("type", "service_account")))))
        .hasMessageStartingWith("calendars: entry 1: credentials.subject is required");
    assertThatThrownBy(() -> with("calendars", new JsonArray().add(new JsonObject().put("id", "a").put("credentials", USER))
        .add(new JsonObject().put("id", "a").put("credentials", USER))))
        .hasMessage("calendars: entry 1: id 'a' appears twice");
  }

  @Test
  @DisplayName("config calendars are read with their defaults; the JSON may come from an environment variable too")
  void staticCalendars() {
    CalendarSettings calendar = with("calendars", new JsonArray().add(new JsonObject().put("id", "alice").put("credentials", USER)));

    assertThat(calendar.staticCalendars()).hasSize(1);
    assertThat(calendar.staticCalendars().get(0).calendarId()).isEqualTo("primary");
    assertThat(calendar.staticCalendars().get(0).toString()).doesNotContain("\"r\"");
    assertThat(with("calendars", "[{\"id\": \"bob\", \"credentials\": " + USER.encode() + "}]").staticCalendars().get(0).id())
        .isEqualTo("bob");
  }
}
