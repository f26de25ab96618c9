package com.targetdialer.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, from the service's own log events, what its inbox consumer did that bench/logback.xml
 * hides (it keeps that logger at WARN): entries not applied (DEBUG, with the reason), idle entries
 * claimed (INFO, with how many), failed reads and acknowledgements. The logger is set to DEBUG
 * with this as its only appender, so nothing more reaches stderr; those lines are only
 * logged when something went wrong, so the level costs nothing otherwise.
 */
final class LogTap extends AppenderBase<ILoggingEvent> {

  final AtomicLong notApplied = new AtomicLong();
  final AtomicLong claims = new AtomicLong();
  final AtomicLong claimed = new AtomicLong();
  final AtomicLong readFailures = new AtomicLong();
  final AtomicLong ackFailures = new AtomicLong();
  /** Why entries were not applied, first 5 distinct reasons (ids stripped), with counts. */
  private final Map<String, Long> reasons = new LinkedHashMap<>();

  static LogTap onInboxConsumer() {
    Logger logger = (Logger) LoggerFactory.getLogger("com.targetdialer.webhook.InboxConsumer");
    LogTap tap = new LogTap();
    tap.setContext(logger.getLoggerContext());
    tap.start();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(tap);
    return tap;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = String.valueOf(event.getMessage());
    Object[] args = event.getArgumentArray();
    if (message.startsWith("inbox entry not applied yet")) {
      notApplied.incrementAndGet();
      String reason = args != null && args.length > 1 ? String.valueOf(args[1]).replaceAll("\\d+", "N") : "?";
      synchronized (reasons) {
        if (reasons.containsKey(reason) || reasons.size() < 5) {
          reasons.merge(reason, 1L, Long::sum);
        }
      }
    } else if (message.startsWith("claimed idle inbox entries")) {
      claims.incrementAndGet();
      if (args != null && args.length > 0 && args[0] instanceof Number count) {
        claimed.addAndGet(count.longValue());
      }
    } else if (message.startsWith("inbox read failed")) {
      readFailures.incrementAndGet();
    } else if (message.startsWith("inbox acknowledgement failed")) {
      ackFailures.incrementAndGet();
    }
    if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      System.err.println("bench: " + event.getLevel() + " InboxConsumer - " + event.getFormattedMessage());
    }
  }

  /** A point to count from. */
  Counts counts() {
    synchronized (reasons) {
      return new Counts(notApplied.get(), claims.get(), claimed.get(), readFailures.get(), ackFailures.get(), new LinkedHashMap<>(reasons));
    }
  }

  /** The counters at one moment; {@link #since} gives what happened between two. */
  record Counts(long notApplied, long claims, long claimed, long readFailures, long ackFailures, Map<String, Long> reasons) {
    Counts since(Counts before) {
      Map<String, Long> newer = new LinkedHashMap<>();
      reasons.forEach((reason, count) -> {
        long delta = count - before.reasons.getOrDefault(reason, 0L);
        if (delta > 0) {
          newer.put(reason, delta);
        }
      });
      return new Counts(notApplied - before.notApplied, claims - before.claims, claimed - before.claimed,
          readFailures - before.readFailures, ackFailures - before.ackFailures, newer);
    }
  }
}
