package com.targetdialer.config;

/**
 * What is done for a bot waiting in a meeting's lobby.
 *
 * @param nudgeSeconds              after this long in the lobby, one {@code lobby_waiting} alert names who can admit the bot
 * @param retryDelaySeconds         a bot never let in is followed by one more this long after it gave up
 * @param retryMinRemainingSeconds  ... only while the meeting's scheduled end is further away than this
 * @param maxRetries                ... at most this many times a meeting
 * @param retryOnReject             ... and after the host said no only when true (a "no" is respected by default)
 */
public record LobbySettings(int nudgeSeconds, int retryDelaySeconds, int retryMinRemainingSeconds, int maxRetries, boolean retryOnReject) {

  static LobbySettings read(SettingReader read) {
    return new LobbySettings(
        read.integer("LOBBY_NUDGE_S", 1, 86_400),
        read.integer("LOBBY_RETRY_DELAY_S", 0, 3_600),
        read.integer("LOBBY_RETRY_MIN_REMAINING_S", 0, 86_400),
        read.integer("LOBBY_MAX_RETRIES", 0, 5),
        read.bool("LOBBY_RETRY_ON_REJECT"));
  }
}
