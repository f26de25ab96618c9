package com.targetdialer.webhook;

import com.targetdialer.bus.DeadLetter;

/** Why an inbox entry could not be applied (yet); the reason it is kept under if it never can be. */
final class NotApplied extends RuntimeException {

  private final DeadLetter.Reason reason;

  NotApplied(DeadLetter.Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The reason of a failure; a failure of our own stores or bus is a write that did not happen. */
  static DeadLetter.Reason reasonOf(Throwable failure) {
    return failure instanceof NotApplied notApplied ? notApplied.reason : DeadLetter.Reason.NOT_STORED;
  }
}
