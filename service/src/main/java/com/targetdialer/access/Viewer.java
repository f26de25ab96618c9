package com.targetdialer.access;

import java.time.Instant;

/**
 * Who reads: a person (their email, or the token's {@code sub}), or the operator holding UI_TOKEN.
 * An admin (the operator, or a JWT with {@code "role": "admin"}) sees every meeting.
 *
 * @param expiresAt when the person's token expires (an open socket is closed then); null for the operator
 */
public record Viewer(String person, boolean admin, Instant expiresAt) {

  /** UI_TOKEN's holder; the key does not expire. */
  public static final Viewer OPERATOR = new Viewer(null, true, null);

  /** Null for an admin: the value the scoped queries take as "everyone's meetings". */
  public String scope() {
    return admin ? null : person;
  }
}
