package com.targetdialer.events;

import com.targetdialer.config.EventsSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What every subscriber run of a node shares: who this node is, the settings, the meters. */
final class DeliveryContext {

  /** Lease beyond a delivery's timeout: renewed after each accepted event. */
  private static final int LEASE_MARGIN_MS = 5_000;

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
    Counter.builder("td.events.delivery.attempts").tag("subscription", subscription)
        .description("Event deliveries tried, per subscription").register(metrics).increment();
  }

  void failed(String subscription) {
    Counter.builder("td.events.delivery.failures").tag("subscription", subscription)
        .description("Event deliveries refused or timed out, per subscription").register(metrics).increment();
  }
}
