package com.targetdialer.access;

/** A token that could be good, but no key to check it with is held (UI_JWKS_URL cannot be read): a 503, not a 401. */
public final class KeysUnavailable extends RuntimeException {

  public KeysUnavailable(String reason) {
    super(reason, null, false, false);
  }
}
