package com.targetdialer.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * How a request on the event bus fails: {@code message.fail(code, text)} with one of these codes,
 * read as the HTTP status the edge answers with, and the text as its detail. A request that got no
 * answer at all (no consumer, a timeout) is a 503: the part is unavailable, not wrong.
 */
public final class Failures {

  public static final int BAD_REQUEST = 400;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int INTERNAL = 500;
  /** Vexa or Google refused or could not be reached. */
  public static final int BAD_GATEWAY = 502;
  /** The part is not configured or not running here. */
  public static final int UNAVAILABLE = 503;

  private Failures() {
  }

  /** Fails a request with an unexpected error: a 500 with its message. */
  public static void internal(Message<?> message, Throwable failure) {
    message.fail(INTERNAL, String.valueOf(failure.getMessage()));
  }

  /** The HTTP status for a failed request. */
  public static int httpStatus(Throwable failure) {
    if (!answered(failure)) {
      return UNAVAILABLE;
    }
    int code = ((ReplyException) failure).failureCode();
    return code >= 400 && code < 600 ? code : INTERNAL;
  }

  /** The detail for a failed request; {@code what} names the part when it did not answer, e.g. "dispatch". */
  public static String detail(Throwable failure, String what) {
    return answered(failure) ? failure.getMessage() : what + " is unavailable: " + failure.getMessage();
  }

  /** The consumer answered with a failure, as opposed to no consumer or no answer in time. */
  private static boolean answered(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
  }
}
