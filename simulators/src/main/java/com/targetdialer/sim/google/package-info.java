/**
 * A Google Calendar v3 and OAuth token simulator for integration tests and the demo.
 *
 * <p>Wiring our service to it:
 * <pre>{@code
 * GoogleCalendarSimulator sim = new GoogleCalendarSimulator();          // port 0: any free loopback port
 * vertx.deployVerticle(sim).await();
 * sim.addUser("alice@example.com");
 * String refreshToken = sim.issueRefreshToken("alice@example.com");      // OAuth users
 * // service accounts: any RSA key, createDelegated("alice@example.com"), token server URI below
 * config.put("GOOGLE_CALENDAR_BASE_URL", sim.calendarBaseUrl());        // http://127.0.0.1:<port>/calendar/v3
 * tokenServerUri = URI.create(sim.tokenUri());                        // http://127.0.0.1:<port>/token, for google-auth
 * sim.putEvent("alice@example.com", MeetEvent.meet("abc-defg-hij", start, end).selfStatus("accepted").json());
 * }</pre>
 *
 * <p>What it follows, from the "test double contract" in {@code shared/reference/google-calendar.md}:
 * overlap semantics of timeMin/timeMax (both exclusive), singleEvents expansion with
 * {@code <id>_<yyyyMMdd'T'HHmmss'Z'>} instance ids in the event's zone (DST-correct), showDeleted and
 * cancelled-occurrence rules, minimal tombstones, opaque page tokens bound to their query,
 * nextSyncToken only on the last page, syncToken deltas with 410 fullSyncRequired, watch/stop with
 * real push notifications (sync first, then exists with increasing, non-contiguous message numbers),
 * Google's error JSON, and a scriptable token endpoint compatible with google-auth-library.
 *
 * <p>Known simplifications: JWT signatures and {@code exp} are not checked; RRULE supports
 * FREQ/INTERVAL/COUNT/UNTIL and weekly BYDAY (others are rejected when stored); only a calendar's owner
 * can read it; no {@code events.instances}, no writes over HTTP, no retries of failed pings.
 */
package com.targetdialer.sim.google;
