package com.targetdialer.persist;

import com.targetdialer.platform.MeetingLink;
import com.targetdialer.bus.DeadLetter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps dead letters: one row each in {@code td_dead_letters}, counted in
 * {@code td_dead_letters_total{source,reason}}, and logged once per source and reason per minute
 * (a flood of one kind is one line a minute with its count, not a line per item).
 */
final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final long LOG_EVERY_MS = 60_000;
  private static final int LOGGED_BODY_CHARS = 300;

  private final Pool pg;
  private final MeterRegistry metrics;
  private final Map<String, Throttle> throttles = new HashMap<>();

  DeadLetters(Pool pg, MeterRegistry metrics) {
    this.pg = pg;
    this.metrics = metrics;
  }

  Future<Void> keep(DeadLetter letter) {
    return pg.preparedQuery(PersistSql.DEAD_LETTER)
        // Kept as it came but for passcodes (Vexa's payloads carry the link it was given): nothing replays them.
        .execute(Tuple.of(letter.source(), letter.reason().code(), letter.streamId(), MeetingLink.withoutPasscodes(letter.rawBody()),
            letter.error(), letter.attempts()))
        .onSuccess(ignored -> {
          counter(letter).increment();
          log(letter, System.currentTimeMillis());
        })
        .mapEmpty();
  }

  private Counter counter(DeadLetter letter) {
    return Counter.builder("td.dead.letters").description("Inputs kept as dead letters instead of being applied")
        .tag("source", letter.source()).tag("reason", letter.reason().code()).register(metrics);
  }

  private void log(DeadLetter letter, long nowMs) {
    Throttle throttle = throttles.computeIfAbsent(letter.source() + "/" + letter.reason().code(), key -> new Throttle());
    if (nowMs - throttle.loggedAtMs < LOG_EVERY_MS) {
      throttle.suppressed++;
      return;
    }
    LOG.warn("kept as a dead letter [source: {}, reason: {}, error: {}, like it since the last line: {}, stream id: {}, body: {}]",
        letter.source(), letter.reason().code(), letter.error(), throttle.suppressed, letter.streamId(), abbreviate(MeetingLink.withoutPasscodes(letter.rawBody())));
    throttle.loggedAtMs = nowMs;
    throttle.suppressed = 0;
  }

  private static String abbreviate(String text) {
    return text.length() > LOGGED_BODY_CHARS ? text.substring(0, LOGGED_BODY_CHARS) + "..." : text;
  }

  private static final class Throttle {
    long loggedAtMs = Long.MIN_VALUE / 2;
    int suppressed;
  }
}
