package com.targetdialer.sim.vexa;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one simulated bot does in its meeting, and how fast. Immutable: every knob returns a copy,
 * so one script can be reused for many attempts.
 *
 * <p>Default timings are short (tens to hundreds of ms) so tests run in seconds; {@link #pace(double)}
 * stretches every delay at once, for example {@code BotScript.normal().pace(20)} for a demo.
 */
public final class BotScript {

  /** Where the bot's run ends, if not by a user stop. */
  enum Fate {
    /** Admitted; ends {@code completed} when the meeting ends (or never, for deaf and quiet bots). */
    SERVED,
    /** Waits in the lobby until its budget runs out: {@code failed/awaiting_admission_timeout}. */
    NEVER_ADMITTED,
    /** The host denies entry: {@code failed/awaiting_admission_rejected}. */
    REJECTED,
    /** Navigation or join fails: {@code failed/join_failure}, stage {@code joining}. */
    JOIN_FAILURE,
    /** The workload never starts: {@code failed/start_failed}, stage {@code requested}. */
    START_FAILED
  }

  private static final List<String> SPEAKERS = List.of("Jane Liu", "Marco Rossi");
  private static final List<String> LINES = List.of(
      "Good morning everyone, let's get started with the weekly pipeline review.",
      "Thanks Jane, I have three updates on the enterprise accounts.",
      "Let's lock pricing for the Northwind renewal before Friday.",
      "Agreed, I will send the revised quote to their procurement team today.",
      "The Contoso pilot went live on Monday and usage is already above target.",
      "Great, can we get a case study out of that by the end of the month?",
      "I think so, their champion offered to do a short interview.",
      "Perfect, let's wrap up and pick this up again next week.");

  Fate fate = Fate.SERVED;
  boolean lobby = true;
  boolean needsHelp;
  int segments = 4;
  int quietAfter = -1;
  boolean endsAfterSpeech = true;
  Duration activeFor;
  String completionReason = "left_alone";
  List<String> speakers = SPEAKERS;
  List<String> lines = LINES;
  String language = "en";
  boolean editOnConfirm = true;
  boolean retract;
  boolean supersedeDrafts;
  boolean speakAfterSubscribe;
  boolean duplicateWebhooks;
  boolean outOfOrderWebhooks;
  Set<String> lostWebhooks = Set.of();
  Duration outOfOrderWindow;
  /** The passcodes the meeting accepts; null when it asks for none. */
  Set<String> passcodes;
  double pace = 1.0;

  Duration joinDelay = Duration.ofMillis(50);
  Duration lobbyDelay = Duration.ofMillis(50);
  Duration admissionDelay = Duration.ofMillis(100);
  Duration lobbyTimeout = Duration.ofMillis(300);
  Duration firstSegmentDelay = Duration.ofMillis(100);
  Duration segmentInterval = Duration.ofMillis(120);
  Duration confirmDelay = Duration.ofMillis(50);
  Duration endDelay = Duration.ofMillis(150);
  Duration stopDelay = Duration.ofMillis(100);

  private BotScript() {
  }

  private BotScript copy(Consumer<BotScript> change) {
    BotScript c = new BotScript();
    c.fate = fate;
    c.lobby = lobby;
    c.needsHelp = needsHelp;
    c.segments = segments;
    c.quietAfter = quietAfter;
    c.endsAfterSpeech = endsAfterSpeech;
    c.activeFor = activeFor;
    c.completionReason = completionReason;
    c.speakers = speakers;
    c.lines = lines;
    c.language = language;
    c.editOnConfirm = editOnConfirm;
    c.retract = retract;
    c.supersedeDrafts = supersedeDrafts;
    c.speakAfterSubscribe = speakAfterSubscribe;
    c.duplicateWebhooks = duplicateWebhooks;
    c.outOfOrderWebhooks = outOfOrderWebhooks;
    c.lostWebhooks = lostWebhooks;
    c.outOfOrderWindow = outOfOrderWindow;
    c.passcodes = passcodes;
    c.pace = pace;
    c.joinDelay = joinDelay;
    c.lobbyDelay = lobbyDelay;
    c.admissionDelay = admissionDelay;
    c.lobbyTimeout = lobbyTimeout;
    c.firstSegmentDelay = firstSegmentDelay;
    c.segmentInterval = segmentInterval;
    c.confirmDelay = confirmDelay;
    c.endDelay = endDelay;
    c.stopDelay = stopDelay;
    change.accept(c);
    return c;
  }

  // ---- presets ----

  /** Joins, waits briefly in the lobby, is admitted, speaks 4 segments, the meeting ends (left_alone). */
  public static BotScript normal() {
    return new BotScript();
  }

  /** Admitted and active, but never produces a segment; stays until stopped (or {@link #activeFor}). */
  public static BotScript deaf() {
    return normal().copy(s -> {
      s.segments = 0;
      s.endsAfterSpeech = false;
    });
  }

  /** Speaks {@code n} segments, then stays active and silent until stopped (or {@link #activeFor}). */
  public static BotScript goesQuietAfter(int n) {
    return normal().copy(s -> {
      s.segments = Math.max(n, 0);
      s.endsAfterSpeech = false;
    });
  }

  /** Speaks 2 segments and then is removed from the meeting: completed with {@code evicted}. */
  public static BotScript endsEarly() {
    return normal().copy(s -> {
      s.segments = 2;
      s.completionReason = "evicted";
    });
  }

  /** Sits in the lobby until its budget runs out: failed, awaiting_admission_timeout. */
  public static BotScript neverAdmitted() {
    return normal().copy(s -> s.fate = Fate.NEVER_ADMITTED);
  }

  /** The host denies entry: failed, awaiting_admission_rejected. */
  public static BotScript rejected() {
    return normal().copy(s -> s.fate = Fate.REJECTED);
  }

  /** Fails to join: failed, join_failure, failure_stage joining. */
  public static BotScript joinFailure() {
    return normal().copy(s -> s.fate = Fate.JOIN_FAILURE);
  }

  /** The workload never starts: failed, start_failed, failure_stage requested (no webhooks). */
  public static BotScript startFailed() {
    return normal().copy(s -> s.fate = Fate.START_FAILED);
  }

  // ---- knobs ----

  /** How many segments the bot speaks. */
  public BotScript segments(int n) {
    return copy(s -> s.segments = Math.max(n, 0));
  }

  /** Speaker display names, used round-robin. */
  public BotScript speakers(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("at least one speaker");
    }
    return copy(s -> s.speakers = List.of(names));
  }

  /** The lines spoken, used round-robin. */
  public BotScript lines(String... text) {
    if (text.length == 0) {
      throw new IllegalArgumentException("at least one line");
    }
    return copy(s -> s.lines = List.of(text));
  }

  public BotScript language(String code) {
    return copy(s -> s.language = code);
  }

  /**
   * How long the bot stays active before the meeting ends on its own (completed with the
   * completion reason). Overrides "ends after the last segment"; applies to deaf and quiet bots too.
   */
  public BotScript activeFor(Duration d) {
    return copy(s -> s.activeFor = Objects.requireNonNull(d));
  }

  /** Never ends on its own: stays active until DELETE. */
  public BotScript untilStopped() {
    return copy(s -> {
      s.activeFor = null;
      s.endsAfterSpeech = false;
    });
  }

  /** The {@code completion_reason} when the meeting ends on its own (default {@code left_alone}). */
  public BotScript completionReason(String reason) {
    return copy(s -> s.completionReason = Objects.requireNonNull(reason));
  }

  /** Goes straight from joining to active, without the awaiting_admission step. */
  public BotScript skipLobby() {
    return copy(s -> s.lobby = false);
  }

  /**
   * In the lobby the bot escalates to {@code needs_help} (the operator is asked to admit it), then is
   * admitted: awaiting_admission → needs_help → active, each step {@link #admissionDelay} apart.
   */
  public BotScript viaNeedsHelp() {
    return copy(s -> s.needsHelp = true);
  }

  /** Confirms each draft with exactly its text, instead of the usual longer, edited version. */
  public BotScript noEdits() {
    return copy(s -> s.editOnConfirm = false);
  }

  /** After the spoken segments, emits one more draft and then withdraws it with {@code transcript_retract}. */
  public BotScript withRetract() {
    return copy(s -> s.retract = true);
  }

  /**
   * Each segment's draft is superseded by a second draft under a new id before it is confirmed, and the first is
   * dropped without a {@code transcript_retract} (the rotating window ids of vexa-api.md §7): only a Teams bot's
   * speaker snapshot says it is gone; on other platforms the old draft lingers until the meeting ends.
   */
  public BotScript supersedeDrafts() {
    return copy(s -> s.supersedeDrafts = true);
  }

  /** Holds the first segment until a /ws client has subscribed to the meeting: no race in tests. */
  public BotScript speakAfterSubscribe() {
    return copy(s -> s.speakAfterSubscribe = true);
  }

  /** Webhooks of these event types are never delivered, as if every retry had failed. */
  public BotScript loseWebhooks(String... eventTypes) {
    return copy(s -> s.lostWebhooks = Set.of(eventTypes));
  }

  /** Every webhook is delivered twice (two independent POSTs with the same {@code event_id}). */
  public BotScript duplicateWebhooks() {
    return copy(s -> s.duplicateWebhooks = true);
  }

  /**
   * Holds every webhook of the run until the run is terminal, then delivers them newest first:
   * {@code meeting.completed} arrives before {@code meeting.started}, {@code active} before {@code joining}.
   */
  public BotScript outOfOrderWebhooks() {
    return copy(s -> {
      s.outOfOrderWebhooks = true;
      s.outOfOrderWindow = null;
    });
  }

  /** Like {@link #outOfOrderWebhooks()}, but flushes (newest first) every {@code window}, and at the end. */
  public BotScript outOfOrderWebhooks(Duration window) {
    return copy(s -> {
      s.outOfOrderWebhooks = true;
      s.outOfOrderWindow = Objects.requireNonNull(window);
    });
  }

  /**
   * The meeting asks for a passcode: the bot gets in only holding {@code passcode} or one of
   * {@code alsoAccepted} (a Zoom meeting also takes its link's {@code pwd} token), whether it came as
   * the spawn's {@code passcode} or rides in the link the bot opens ({@code ?pwd=}, {@code ?p=}).
   * Otherwise the bot fails while joining: failed, join_failure, stage joining, the bot's error as reason.
   */
  public BotScript requirePasscode(String passcode, String... alsoAccepted) {
    Set<String> accepted = new HashSet<>(List.of(alsoAccepted));
    accepted.add(Objects.requireNonNull(passcode));
    return copy(s -> s.passcodes = Set.copyOf(accepted));
  }

  /** Multiplies every delay by {@code factor}: 1 = test speed, 10-20 = human speed for a demo. */
  public BotScript pace(double factor) {
    if (factor <= 0) {
      throw new IllegalArgumentException("pace must be positive");
    }
    return copy(s -> s.pace = factor);
  }

  public BotScript joinDelay(Duration d) {
    return copy(s -> s.joinDelay = d);
  }

  public BotScript lobbyDelay(Duration d) {
    return copy(s -> s.lobbyDelay = d);
  }

  public BotScript admissionDelay(Duration d) {
    return copy(s -> s.admissionDelay = d);
  }

  public BotScript lobbyTimeout(Duration d) {
    return copy(s -> s.lobbyTimeout = d);
  }

  public BotScript firstSegmentDelay(Duration d) {
    return copy(s -> s.firstSegmentDelay = d);
  }

  public BotScript segmentInterval(Duration d) {
    return copy(s -> s.segmentInterval = d);
  }

  public BotScript confirmDelay(Duration d) {
    return copy(s -> s.confirmDelay = d);
  }

  /** Time from the last segment to the meeting's natural end. */
  public BotScript endDelay(Duration d) {
    return copy(s -> s.endDelay = d);
  }

  /** Time from DELETE to the bot's terminal status. */
  public BotScript stopDelay(Duration d) {
    return copy(s -> s.stopDelay = d);
  }

  /** Whether a bot holding these credentials (any may be null) gets past the meeting's passcode prompt. */
  boolean admits(String... credentials) {
    return passcodes == null || Arrays.stream(credentials).anyMatch(c -> c != null && passcodes.contains(c));
  }

  /** A delay with the pace applied, in ms (at least 1, as Vert.x timers need). */
  long ms(Duration d) {
    return Math.max(1L, Math.round(d.toMillis() * pace));
  }

  @Override
  public String toString() {
    return "BotScript[" + fate + ", segments=" + segments + ", endsAfterSpeech=" + endsAfterSpeech
        + ", activeFor=" + activeFor + ", pace=" + pace + "]";
  }
}
