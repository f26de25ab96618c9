package com.targetdialer.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outbound events: how long they are kept, how quickly they are numbered and sent, and how a refusing
 * subscriber is retried.
 *
 * @param retentionDays     events older than this are pruned (replay reaches back this far)
 * @param pollMs            how often new events are numbered and due deliveries started
 * @param deliveryTimeoutMs a subscriber's answer slower than this is a failed attempt
 * @param retrySchedule     the wait before each attempt at an event (the first usually 0); after the last the
 *                          subscription is marked failing and an alert raised, and it is tried at the last interval on
 */
public record EventsSettings(int retentionDays, int pollMs, int deliveryTimeoutMs, List<Duration> retrySchedule) {

  private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h)");

  static EventsSettings read(SettingReader read) {
    return new EventsSettings(
        read.integer("EVENT_RETENTION_DAYS", 1, 3_650),
        read.integer("EVENT_POLL_MS", 10, 60_000),
        read.integer("EVENT_DELIVERY_TIMEOUT_MS", 100, 300_000),
        schedule("EVENT_RETRY_SCHEDULE", read.string("EVENT_RETRY_SCHEDULE")));
  }

  /** "0s,5s,5m,30m,2h": each a whole number with ms, s, m or h. */
  static List<Duration> schedule(String name, String text) {
    List<Duration> steps = new ArrayList<>();
    for (String part : text.split(",")) {
      Matcher step = STEP.matcher(part.trim());
      if (!step.matches()) {
        throw new ConfigException(name, "expected waits like 0s,5s,5m,30m,2h, got '" + part.trim() + "'");
      }
      long amount = Long.parseLong(step.group(1));
      steps.add(switch (step.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      });
    }
    return List.copyOf(steps);
  }
}
