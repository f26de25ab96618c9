package com.targetdialer.sim.google;

import java.time.Instant;

/**
 * One push notification the simulator delivered (or tried to). {@code status} is the receiver's
 * HTTP status, {@link #DROPPED} when a knob swallowed it, {@link #FAILED} when the request itself
 * failed ({@code error} says why).
 */
public record Ping(String channelId, String resourceId, String state, long messageNumber, String address,
                   int status, String error, Instant at) {

  public static final int DROPPED = 0;
  public static final int FAILED = -1;
}
