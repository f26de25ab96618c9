package com.targetdialer.config;

import java.util.List;

/**
 * The deaf-bot guard and the status reconciliation.
 *
 * @param deafTimeoutSeconds       an active bot with no segment for this long is deaf
 * @param maxBotRestarts           restarts of a deaf bot before the meeting is failed
 * @param joinTimeoutSeconds       a bot still requested or joining after this long is reported
 * @param lobbyTimeoutSeconds      a bot waiting for admission this long is reported
 * @param restartStopWaitSeconds   how long a restart waits for Vexa to report the old bot gone
 */
public record HealthSettings(
    int sweepIntervalSeconds,
    int deafTimeoutSeconds,
    int maxBotRestarts,
    int joinTimeoutSeconds,
    int lobbyTimeoutSeconds,
    int restartStopWaitSeconds,
    String alertWebhookUrl,
    String alertWebhookSecret) {

  static HealthSettings read(SettingReader read, List<String> httpSchemes) {
    String url = read.url("ALERT_WEBHOOK_URL", httpSchemes);
    String secret = read.optionalString("ALERT_WEBHOOK_SECRET");
    if (url != null && secret == null) {
      throw new ConfigException("ALERT_WEBHOOK_SECRET", "is required when ALERT_WEBHOOK_URL is set (alerts are signed)");
    }
    return new HealthSettings(
        read.integer("HEALTH_SWEEP_INTERVAL_S", 1, 3_600),
        read.integer("DEAF_TIMEOUT_S", 1, 3_600),
        read.integer("MAX_BOT_RESTARTS", 0, 10),
        read.integer("JOIN_TIMEOUT_S", 1, 86_400),
        read.integer("LOBBY_TIMEOUT_S", 1, 86_400),
        read.integer("RESTART_STOP_WAIT_S", 1, 600),
        url,
        secret);
  }
}
