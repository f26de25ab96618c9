package com.targetdialer.sim.google;

import java.time.Instant;

/**
 * A push channel as the simulator saw it created by {@code events.watch}. {@code active} is false once
 * stopped or past {@code expiration} (on the simulator's clock).
 */
public record Channel(String id, String resourceId, String resourceUri, String calendarId, String user,
                      String address, String token, Instant expiration, boolean active) {
}
