package com.targetdialer.access;

/**
 * Who reads: a person (their email, or the token's {@code sub}), or the operator holding UI_TOKEN.
 * An admin (the operator, or a JWT with {@code "role": "admin"}) sees every meeting.
 */
public record Viewer(String person, boolean admin) {

  /** UI_TOKEN's holder. */
  public static final Viewer OPERATOR = new Viewer(null, true);

  /** Null for an admin: the value the scoped queries take as "everyone's meetings". */
  public String scope() {
    return admin ? null : person;
  }
}
