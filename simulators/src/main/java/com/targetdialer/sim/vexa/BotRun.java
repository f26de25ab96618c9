package com.targetdialer.sim.vexa;

import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Plays one bot's {@link BotScript} against its meeting row with timers: the FSM steps, the
 * drafts and confirmations, the natural end, and the reaction to a user stop. Runs on the
 * simulator's context; every timer is cancelled when the row turns terminal or is stopped.
 */
final class BotRun {

  private static final long SUBSCRIBER_POLL_MS = 25;

  private final Vertx vertx;
  private final SimState state;
  private final SimMeeting m;
  private final BotScript s;
  private final Set<Long> timers = new HashSet<>();
  private int spoken;
  private Instant lastStart;
  private boolean speechDone;

  BotRun(Vertx vertx, SimState state, SimMeeting meeting) {
    this.vertx = vertx;
    this.state = state;
    this.m = meeting;
    this.s = meeting.script;
  }

  void start() {
    after(s.joinDelay, this::join);
  }

  private void join() {
    if (s.fate == BotScript.Fate.START_FAILED) {
      state.fail(m, "start_failed", "bot workload failed to start", "creation");
      return;
    }
    state.advance(m, "joining", null, "bot_callback");
    if (s.fate == BotScript.Fate.JOIN_FAILURE) {
      after(s.lobbyDelay, () -> state.fail(m, "join_failure", "navigation to the meeting failed", "bot_callback"));
    } else if (!s.admits(m.passcode, SimRest.passcodeFromUrl(m.data.getString("constructed_meeting_url")))) {
      after(s.lobbyDelay, () -> state.fail(m, "join_failure", passcodeError(), "bot_callback"));
    } else if (s.lobby) {
      after(s.lobbyDelay, this::lobby);
    } else {
      after(s.admissionDelay, this::admit);
    }
  }

  /**
   * What the bot reports when the passcode prompt stops it ({@code String(e)} of its error). A missing
   * passcode gets the real Zoom/Jitsi join-module text; Vexa has no wrong-passcode error, so that one is ours.
   */
  private String passcodeError() {
    if (m.passcode != null && !m.passcode.isEmpty()) {
      return "Error: passcode_rejected: the meeting did not accept botConfig.passcode";
    }
    return switch (m.platform) {
      case "zoom" -> "Error: [Zoom Web] passcode_required: meeting requires a passcode but botConfig.passcode is empty;"
          + " pass passcode to the embedder or include ?pwd=... in the meeting URL";
      case "jitsi" -> "Error: [Jitsi] password_required: room is password-protected but botConfig.passcode is empty;"
          + " pass the room password to the embedder";
      default -> "Error: passcode_required: meeting requires a passcode but botConfig.passcode is empty";
    };
  }

  private void lobby() {
    state.advance(m, "awaiting_admission", null, "bot_callback");
    switch (s.fate) {
      case NEVER_ADMITTED -> after(s.lobbyTimeout,
          () -> state.fail(m, "awaiting_admission_timeout", "admission wait budget exhausted", "bot_callback"));
      case REJECTED -> after(s.admissionDelay,
          () -> state.fail(m, "awaiting_admission_rejected", "host denied admission", "bot_callback"));
      default -> after(s.admissionDelay, s.needsHelp ? this::needsHelp : this::admit);
    }
  }

  private void needsHelp() {
    state.advance(m, "needs_help", null, "bot_callback");
    after(s.admissionDelay, this::admit);
  }

  private void admit() {
    state.advance(m, "active", null, "bot_callback");
    if (s.activeFor != null) {
      after(s.activeFor, this::meetingEnds);
    }
    after(s.firstSegmentDelay, this::speakNext);
  }

  private void speakNext() {
    if (spoken >= s.segments) {
      afterSpeech();
      return;
    }
    if (s.speakAfterSubscribe && !state.hasSubscriber(m.id)) {
      afterMs(SUBSCRIBER_POLL_MS, this::speakNext);
      return;
    }
    int i = spoken++;
    int who = i % s.speakers.size();
    String line = s.lines.get(i % s.lines.size());
    SimSegment first = draft(who, s.editOnConfirm ? prefix(line) : line);
    SimSegment seg = s.supersedeDrafts ? state.supersede(m, first, line) : first;
    after(s.confirmDelay, () -> state.confirm(m, seg, line));
    after(s.segmentInterval, this::speakNext);
  }

  private void afterSpeech() {
    if (speechDone) {
      return;
    }
    speechDone = true;
    long tail = s.ms(s.confirmDelay);
    if (s.retract) {
      SimSegment extra = draft(spoken % s.speakers.size(), "uh, sorry, scratch that");
      after(s.confirmDelay, () -> state.retract(m, List.of(extra.segmentId)));
      tail += s.ms(s.confirmDelay);
    }
    if (s.endsAfterSpeech && s.activeFor == null) {
      afterMs(tail + s.ms(s.endDelay), this::meetingEnds);
    }
  }

  private SimSegment draft(int who, String text) {
    Instant now = Instant.now();
    // Speech began about a second before the first draft, but never before admission, and starts stay distinct.
    Instant start = now.minusMillis(1000);
    if (m.startTime != null && start.isBefore(m.startTime)) {
      start = m.startTime;
    }
    if (lastStart != null && !start.isAfter(lastStart)) {
      start = lastStart.plusMillis(1);
    }
    lastStart = start;
    String speakerKey = "ch-0:" + (who + 1);
    SimSegment seg = new SimSegment(m.sessionUid + ":" + speakerKey + ":" + start.toEpochMilli(),
        s.speakers.get(who), speakerKey, s.language, start);
    state.draft(m, seg, text);
    return seg;
  }

  private void meetingEnds() {
    state.complete(m, s.completionReason, "bot_callback");
  }

  /** DELETE: the bot leaves. Active → completed/stopped; a bot still booting → failed/stopped. */
  void stop() {
    cancel();
    if ("stopping".equals(m.status)) {
      after(s.stopDelay, () -> state.complete(m, "stopped", "bot_callback"));
    } else {
      after(s.stopDelay, () -> state.fail(m, "stopped", "stopped by user before admission", "runtime_destroy"));
    }
  }

  /** The meeting ends now (the control API's {@code endMeeting}). */
  void endNow() {
    cancel();
    meetingEnds();
  }

  void cancel() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }

  private void after(java.time.Duration d, Runnable step) {
    afterMs(s.ms(d), step);
  }

  private void afterMs(long ms, Runnable step) {
    long[] id = new long[1];
    id[0] = vertx.setTimer(Math.max(1, ms), t -> {
      timers.remove(id[0]);
      if (!m.terminal()) {
        step.run();
      }
    });
    timers.add(id[0]);
  }

  /** The draft is the first ~60% of the words; the confirmation is the whole line. */
  private static String prefix(String line) {
    String[] words = line.split(" ");
    int n = Math.max(1, (int) Math.ceil(words.length * 0.6));
    return String.join(" ", java.util.Arrays.copyOf(words, n));
  }
}
