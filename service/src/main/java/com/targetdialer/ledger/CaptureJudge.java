package com.targetdialer.ledger;

import com.targetdialer.meeting.BotStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Judges a meeting from its facts: pure, so a replayed webhook or a second node judging the same facts
 * gives the same verdict. The span runs from the scheduled start (or the first admission, without a
 * calendar event) to the meeting's end (Vexa's end, else the scheduled end); a bot covers it from its
 * admission to its end, or, once judged deaf, only to the last moment it was heard.
 */
public final class CaptureJudge {

  private CaptureJudge() {
  }

  public static Assessment assess(CaptureFacts facts, Instant now, double minCoverage) {
    if (facts.status() == BotStatus.CANCELLED) {
      return new Assessment(Outcome.CANCELLED, "Not recorded: the calendar event was cancelled or moved before the meeting started.", null, List.of());
    }
    Instant spanStart = spanStart(facts);
    Instant spanEnd = spanEnd(facts, now);
    List<Assessment.Gap> gaps = spanEnd.isAfter(spanStart) ? gaps(facts, spanStart, spanEnd) : List.of();
    Double coverage = spanEnd.isAfter(spanStart) ? coverage(spanStart, spanEnd, gaps) : null;
    Assessment verdict = facts.over() && facts.waitUntil() == null ? verdict(facts, coverage, gaps, minCoverage)
        : new Assessment(Outcome.PENDING, pendingReason(facts), coverage, gaps);
    return spanEnd.isAfter(spanStart) ? verdict.over(spanStart, spanEnd) : verdict;
  }

  /** @param coverage the coverage, or null when the span is empty (the bot left before the meeting began) */
  private static Assessment verdict(CaptureFacts facts, Double coverage, List<Assessment.Gap> gaps, double minCoverage) {
    double ratio = coverage == null ? 0.0 : coverage;
    List<CaptureFacts.Session> sessions = facts.sessions();
    boolean admitted = sessions.stream().anyMatch(CaptureFacts.Session::admitted);
    String failure = facts.failureReason() == null ? "" : facts.failureReason();
    if (failure.startsWith("missed")) {
      return new Assessment(Outcome.MISSED, "Not recorded: no bot was sent, because the service was not running from the bot's dispatch time to the meeting's end.",
          0.0, gaps);
    }
    if (facts.segmentCount() > 0) {
      String heard = "the bot heard " + percent(ratio) + " of the meeting";
      if (ratio >= minCoverage) {
        return new Assessment(Outcome.CAPTURED, "Recorded: " + heard + ".", coverage, gaps);
      }
      return new Assessment(Outcome.PARTIAL, "Partly recorded: " + heard + "; " + lost(gaps) + ".", coverage, gaps);
    }
    if ("deaf_bot".equals(failure)) {
      long restarts = Math.max(0, sessions.stream().filter(CaptureFacts.Session::admitted).count() - 1);
      return new Assessment(Outcome.DEAF, "Not recorded: the bot was in the call but heard nothing"
          + (restarts == 0 ? "." : ", even after " + restarts + (restarts == 1 ? " restart." : " restarts.")), coverage, gaps);
    }
    if (admitted) {
      // Vexa's transcription_outcome is the evidence, when it gave one.
      String reason = switch (facts.transcription() == null ? "" : facts.transcription()) {
        case "no_output" -> "Nothing to record: the bot was in the call and Vexa heard no speech.";
        case "failed" -> "Not recorded: the bot was in the call but Vexa's transcription failed.";
        case "disabled" -> "Not recorded: the bot was in the call but transcription is disabled in Vexa.";
        default -> "Nothing to record: the bot was in the call for " + Assessment.words(heardFor(facts)) + " and nobody spoke before the meeting ended.";
      };
      return new Assessment(Outcome.EMPTY, reason, coverage, gaps);
    }
    if (facts.everInLobby() || sessions.stream().anyMatch(CaptureFacts.Session::notLetIn)) {
      String tries = sessions.size() > 1 ? " (" + sessions.size() + " bots tried)" : "";
      String reason = sessions.stream().anyMatch(CaptureFacts.Session::rejected)
          ? "Not recorded: the host turned the bot away at the door" + tries + "."
          : "Not recorded: nobody let the bot in; it waited in the lobby until it gave up" + tries + ".";
      return new Assessment(Outcome.NOT_ADMITTED, reason, coverage, gaps);
    }
    return new Assessment(Outcome.BOT_FAILED, "Not recorded: the bot could not join the call (" + whyNotJoined(facts) + ").", coverage, gaps);
  }

  private static String pendingReason(CaptureFacts facts) {
    if (facts.waitUntil() != null) {
      return facts.sessions().stream().anyMatch(CaptureFacts.Session::notLetIn)
          ? "Nobody has let the bot in yet; another bot knocks at the door shortly."
          : "The bot's run just ended; its final transcript and Vexa's reasons are being read.";
    }
    return switch (facts.status()) {
      case SCHEDULED -> "Not started: the bot will be sent before the meeting.";
      case REQUESTED, JOINING -> "The bot is on its way into the call.";
      case AWAITING_ADMISSION -> "The bot is waiting in the lobby for someone to let it in.";
      case ACTIVE -> "The bot is in the call, recording.";
      case RESTARTING -> "The bot is being restarted.";
      default -> "The bot is leaving the call.";
    };
  }

  // ---- the span ----

  private static Instant spanStart(CaptureFacts facts) {
    Instant firstAdmission = facts.sessions().stream().map(CaptureFacts.Session::activeAt).filter(t -> t != null)
        .min(Comparator.naturalOrder()).orElse(null);
    return facts.fromCalendar() || firstAdmission == null ? facts.scheduledStart() : firstAdmission;
  }

  private static Instant spanEnd(CaptureFacts facts, Instant now) {
    if (!facts.over()) {
      return now;
    }
    // A bot that finished saw the meeting end; a failed one did not, so the calendar says when it ended.
    Instant end = facts.status() == BotStatus.COMPLETED
        ? first(facts.endedAt(), facts.scheduledEnd())
        : first(facts.fromCalendar() ? facts.scheduledEnd() : null, facts.endedAt());
    return end == null ? now : end;
  }

  // ---- heard and not heard ----

  /**
   * When each bot was heard: from its admission to its end, or to its last segment once judged deaf,
   * but for the outages of the live stream not filled in yet.
   */
  private static List<Instant[]> heard(CaptureFacts facts, Instant spanStart, Instant spanEnd) {
    List<Instant[]> heard = new ArrayList<>();
    for (CaptureFacts.Session s : facts.sessions()) {
      if (!s.admitted()) {
        continue;
      }
      Instant end = first(s.endedAt(), spanEnd);
      if (s.deaf() && s.lastHeard() != null && s.lastHeard().isBefore(end)) {
        end = later(s.activeAt(), s.lastHeard());
      } else if (s.deaf() && s.lastHeard() == null) {
        end = s.activeAt();
      }
      Instant from = later(s.activeAt(), spanStart);
      Instant to = end.isAfter(spanEnd) ? spanEnd : end;
      List<Instant[]> pieces = to.isAfter(from) ? List.<Instant[]>of(new Instant[] {from, to}) : List.of();
      for (CaptureFacts.Outage outage : facts.streamDown()) {
        pieces = without(pieces, outage.from(), outage.to() == null ? spanEnd : outage.to());
      }
      heard.addAll(pieces);
    }
    heard.sort(Comparator.comparing(interval -> interval[0]));
    return heard;
  }

  /** The intervals less [from, to). */
  private static List<Instant[]> without(List<Instant[]> intervals, Instant from, Instant to) {
    List<Instant[]> left = new ArrayList<>();
    for (Instant[] interval : intervals) {
      if (!to.isAfter(interval[0]) || !from.isBefore(interval[1])) {
        left.add(interval);
        continue;
      }
      if (interval[0].isBefore(from)) {
        left.add(new Instant[] {interval[0], from});
      }
      if (to.isBefore(interval[1])) {
        left.add(new Instant[] {to, interval[1]});
      }
    }
    return left;
  }

  private static List<Assessment.Gap> gaps(CaptureFacts facts, Instant spanStart, Instant spanEnd) {
    // Every moment where the situation can change; each piece of silence between two is one cause.
    TreeSet<Instant> cuts = new TreeSet<>(List.of(spanStart, spanEnd));
    for (CaptureFacts.Outage outage : facts.streamDown()) {
      for (Instant t : new Instant[] {outage.from(), outage.to()}) {
        if (t != null && t.isAfter(spanStart) && t.isBefore(spanEnd)) {
          cuts.add(t);
        }
      }
    }
    for (CaptureFacts.Session s : facts.sessions()) {
      for (Instant t : new Instant[] {s.activeAt(), s.endedAt(), s.deaf() ? s.lastHeard() : null}) {
        if (t != null && t.isAfter(spanStart) && t.isBefore(spanEnd)) {
          cuts.add(t);
        }
      }
    }
    List<Instant[]> heard = heard(facts, spanStart, spanEnd);
    heard.forEach(interval -> {
      cuts.add(interval[0]);
      cuts.add(interval[1]);
    });
    List<Assessment.Gap> gaps = new ArrayList<>();
    Instant from = null;
    for (Instant to : cuts) {
      if (from != null && !covered(heard, from, to)) {
        GapCause cause = cause(facts, from, spanEnd);
        Assessment.Gap last = gaps.isEmpty() ? null : gaps.get(gaps.size() - 1);
        if (last != null && last.cause() == cause && last.to().equals(from)) {
          gaps.set(gaps.size() - 1, new Assessment.Gap(last.from(), to, cause));
        } else {
          gaps.add(new Assessment.Gap(from, to, cause));
        }
      }
      from = to;
    }
    return gaps;
  }

  private static boolean covered(List<Instant[]> heard, Instant from, Instant to) {
    return heard.stream().anyMatch(interval -> !interval[0].isAfter(from) && !interval[1].isBefore(to));
  }

  /** Why nobody heard the meeting from {@code t} on. */
  private static GapCause cause(CaptureFacts facts, Instant t, Instant spanEnd) {
    List<CaptureFacts.Session> admitted = facts.sessions().stream().filter(CaptureFacts.Session::admitted).toList();
    if (admitted.isEmpty()) {
      return facts.everInLobby() || facts.sessions().stream().anyMatch(CaptureFacts.Session::notLetIn) ? GapCause.LOBBY : GapCause.UNKNOWN;
    }
    if (t.isBefore(admitted.get(0).activeAt())) {
      return GapCause.LATE_JOIN;
    }
    for (int i = 0; i < admitted.size(); i++) {
      CaptureFacts.Session s = admitted.get(i);
      Instant end = first(s.endedAt(), spanEnd);
      if (t.isBefore(s.activeAt())) {
        continue;
      }
      if (t.isBefore(end)) {
        boolean silent = s.deaf() && (s.lastHeard() == null || !t.isBefore(s.lastHeard()));
        return silent ? GapCause.DEAF : streamDown(facts, t, spanEnd) ? GapCause.STREAM : GapCause.UNKNOWN;
      }
      CaptureFacts.Session next = i + 1 < admitted.size() ? admitted.get(i + 1) : null;
      if (next == null || t.isBefore(next.activeAt())) {
        if ("replaced_by_restart".equals(s.endReason())) {
          return GapCause.RESTART;
        }
        return s.deaf() ? GapCause.DEAF : GapCause.UNKNOWN;
      }
    }
    return GapCause.UNKNOWN;
  }

  private static boolean streamDown(CaptureFacts facts, Instant t, Instant spanEnd) {
    return facts.streamDown().stream().anyMatch(outage -> outage.covers(t, spanEnd));
  }

  private static double coverage(Instant spanStart, Instant spanEnd, List<Assessment.Gap> gaps) {
    double span = Duration.between(spanStart, spanEnd).toMillis();
    double missing = gaps.stream().mapToLong(gap -> gap.length().toMillis()).sum();
    return Math.round(Math.max(0, 1 - missing / span) * 10_000) / 10_000.0;
  }

  // ---- words ----

  private static String lost(List<Assessment.Gap> gaps) {
    Map<GapCause, Duration> byCause = new EnumMap<>(GapCause.class);
    gaps.forEach(gap -> byCause.merge(gap.cause(), gap.length(), Duration::plus));
    Duration total = byCause.values().stream().reduce(Duration.ZERO, Duration::plus);
    return Assessment.words(total) + " not captured (" + byCause.entrySet().stream()
        .sorted(Map.Entry.<GapCause, Duration>comparingByValue().reversed())
        .map(entry -> entry.getKey().words() + ": " + Assessment.words(entry.getValue()))
        .collect(Collectors.joining("; ")) + ")";
  }

  private static Duration heardFor(CaptureFacts facts) {
    return facts.sessions().stream().filter(CaptureFacts.Session::admitted)
        .map(s -> Duration.between(s.activeAt(), first(s.endedAt(), facts.endedAt(), s.activeAt())))
        .reduce(Duration.ZERO, Duration::plus);
  }

  private static String whyNotJoined(CaptureFacts facts) {
    CaptureFacts.Session last = facts.sessions().isEmpty() ? null : facts.sessions().get(facts.sessions().size() - 1);
    String why = last != null && last.completionReason() != null ? last.completionReason()
        : facts.failureReason() != null ? facts.failureReason() : "no reason given";
    return why.replace('_', ' ');
  }

  private static String percent(double ratio) {
    return Math.round(ratio * 100) + "%";
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static Instant later(Instant a, Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }
}
