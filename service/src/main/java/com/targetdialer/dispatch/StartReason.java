package com.targetdialer.dispatch;

import java.util.List;

/** Why a bot session was started ({@code td_bot_sessions.start_reason}). */
public final class StartReason {

  /** The meeting's first bot, or one sent again by {@code POST /dispatch/bot}. */
  public static final String DISPATCH = "dispatch";
  /** The next bot after a deaf one. */
  public static final String RESTART = "restart";
  /** One more knock after a bot nobody let in. */
  public static final String RE_KNOCK = "re_knock";

  /** The reasons {@code dispatch.start} takes (a restart comes through {@code dispatch.restart}). */
  static final List<String> OF_START = List.of(DISPATCH, RE_KNOCK);

  private StartReason() {
  }
}
