package com.targetdialer.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts every ERROR log event of the JVM (Vert.x's "Unhandled exception" among them), the WARN
 * events that are logged, and every WARN or ERROR event that carries an exception, whatever logger and appender it goes to: a turbo
 * filter sees each call before levels and additivity. It never changes what is logged.
 */
final class ErrorLog extends TurboFilter {

  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong warnings = new AtomicLong();
  private final AtomicLong exceptions = new AtomicLong();
  private final AtomicReference<String> first = new AtomicReference<>();

  static ErrorLog attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ErrorLog log = new ErrorLog();
    log.setContext(context);
    log.start();
    context.addTurboFilter(log);
    return log;
  }

  long errors() {
    return errors.get();
  }

  /** WARN events (the service logs recoverable trouble, such as a failed resync, at WARN). */
  long warnings() {
    return warnings.get();
  }

  long exceptions() {
    return exceptions.get();
  }

  /** The first ERROR seen, for the report (logger and message pattern). */
  String first() {
    return first.get();
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    Throwable thrown = t;
    if (thrown == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
      thrown = last;
    }
    // Only WARNs that are logged; by the effective level, as isEnabledFor would ask the turbo filters (this one) again.
    if (level == Level.WARN && Level.WARN.isGreaterOrEqual(logger.getEffectiveLevel())) {
      warnings.incrementAndGet();
    }
    if (level == Level.ERROR) {
      errors.incrementAndGet();
      first.compareAndSet(null, logger.getName() + ": " + format + (thrown == null ? "" : " (" + thrown + ")"));
    }
    if (thrown != null && level != null && level.isGreaterOrEqual(Level.WARN)) {
      exceptions.incrementAndGet();
    }
    return FilterReply.NEUTRAL;
  }
}
