package com.targetdialer.access;

/** A token refused, and why in words that never quote the token. */
public final class AccessDenied extends RuntimeException {

  public AccessDenied(String reason) {
    super(reason, null, false, false);
  }
}
