package com.targetdialer.bus;

import com.targetdialer.config.Settings;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * How long a request may wait for its reply, per address, so that the reply (success or an
 * explicit failure) decides the outcome, never the timeout. Dispatch calls Vexa with retries; a
 * restart also waits for the old bot to leave.
 */
public final class ReplyTimeouts {

  /** Google calls with their retries (calendar.connect validates credentials against Google). */
  private static final long CALENDAR_MS = 120_000;
  /** A push ping only checks its channel and triggers a sync. */
  private static final long CALENDAR_NOTIFICATION_MS = 10_000;

  private ReplyTimeouts() {
  }

  /** dispatch.request and dispatch.start: every attempt of the Vexa call, and the backoff between them. */
  public static DeliveryOptions dispatch(Settings settings) {
    return new DeliveryOptions().setSendTimeout(vexaCallMs(settings) + 10_000);
  }

  /** dispatch.restart and dispatch.stop: stopping the old bot, waiting until it is gone, starting the next. */
  public static DeliveryOptions restart(Settings settings) {
    return new DeliveryOptions().setSendTimeout(settings.health().restartStopWaitSeconds() * 1000L + 2 * vexaCallMs(settings) + 30_000);
  }

  /** calendar.connect, calendar.list, calendar.disconnect, calendar.events. */
  public static DeliveryOptions calendar() {
    return new DeliveryOptions().setSendTimeout(CALENDAR_MS);
  }

  /** calendar.notification. */
  public static DeliveryOptions calendarNotification() {
    return new DeliveryOptions().setSendTimeout(CALENDAR_NOTIFICATION_MS);
  }

  /** One Vexa call with all its attempts and the longest backoff between them. */
  private static long vexaCallMs(Settings settings) {
    return (long) settings.vexa().timeoutMs() * settings.vexa().maxAttempts() + 30_000L * (settings.vexa().maxAttempts() - 1);
  }
}
