package com.targetdialer.config;

import java.util.List;

/**
 * How to reach Vexa and how its webhooks are checked.
 *
 * @param webhookSecret            VEXA_WEBHOOK_SECRET, or null: then one is generated once and kept in Postgres
 * @param webhookToleranceSeconds  how far X-Webhook-Timestamp may be from our clock
 * @param acceptBearer             also accept the legacy {@code Authorization: Bearer <secret>} alone
 */
public record VexaSettings(
    String apiUrl,
    String apiKey,
    String wsUrl,
    String webhookSecret,
    int webhookToleranceSeconds,
    boolean acceptBearer,
    int timeoutMs,
    int maxAttempts,
    String botName,
    int pingIntervalSeconds) {

  static VexaSettings read(SettingReader read, List<String> httpSchemes) {
    String apiUrl = read.url("VEXA_API_URL", httpSchemes);
    String wsUrl = read.url("VEXA_WS_URL", List.of("ws", "wss"));
    if (wsUrl == null && apiUrl != null) {
      wsUrl = apiUrl.replaceFirst("^http", "ws") + "/ws";
    }
    String secret = read.optionalString("VEXA_WEBHOOK_SECRET");
    if (secret != null && secret.length() < 16) {
      throw new ConfigException("VEXA_WEBHOOK_SECRET", "too short: use at least 16 random characters");
    }
    return new VexaSettings(
        apiUrl,
        read.optionalString("VEXA_API_KEY"),
        wsUrl,
        secret,
        read.integer("VEXA_WEBHOOK_TOLERANCE_S", 1, 86_400),
        read.bool("VEXA_WEBHOOK_ACCEPT_BEARER"),
        read.integer("VEXA_TIMEOUT_MS", 100, 300_000),
        read.integer("VEXA_MAX_ATTEMPTS", 1, 20),
        read.string("VEXA_BOT_NAME"),
        read.integer("VEXA_PING_INTERVAL_S", 1, 3_600));
  }

  /** Whether the service can send bots at all; without it dispatch answers with a clear error. */
  public boolean configured() {
    return apiUrl != null && apiKey != null;
  }
}
