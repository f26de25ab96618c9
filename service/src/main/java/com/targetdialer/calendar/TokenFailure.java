package com.targetdialer.calendar;

/** google-auth could not get an access token; the cause is what the library threw. */
final class TokenFailure extends RuntimeException {

  TokenFailure(Throwable cause) {
    super(CalendarCredentials.describe(cause), cause, false, false);
  }
}
