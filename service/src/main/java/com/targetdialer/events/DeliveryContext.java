package com.targetdialer.events;

import com.targetdialer.config.EventsSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/** What every subscriber run of a node shares: who this node is, the settings, the meters. */
final class DeliveryContext {

  /** Lease beyond a delivery's timeout: renewed after each accepted event. */
  private static final int LEASE_MARGIN_MS = 5_000;
  private static final String ATTEMPTS = "td.events.delivery.attempts";
  private static final String FAILURES = "td.events.delivery.failures";
  /** The per-subscription counters, removed with their subscription. */
  static final List<String> COUNTERS = List.of(ATTEMPTS, FAILURES);

  private final String node;
  private final EventsSettings settings;
  private final MeterRegistry metrics;

  DeliveryContext(String node, EventsSettings settings, MeterRegistry metrics) {
    this.node = node;
    this.settings = settings;
    this.metrics = metrics;
  }

  String node() {
    return node;
  }

  EventsSettings settings() {
    return settings;
  }

  int leaseMs() {
    return settings.deliveryTimeoutMs() + LEASE_MARGIN_MS;
  }

  void attempted(String subscription) {
    Counter.builder(ATTEMPTS).tag("subscription", subscription)
        .description("Event deliveries tried, per subscription").register(metrics).increment();
  }

  void failed(String subscription) {
    Counter.builder(FAILURES).tag("subscription", subscription)
        .description("Event deliveries refused or timed out, per subscription").register(metrics).increment();
  }
}
