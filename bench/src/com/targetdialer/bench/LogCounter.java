package com.targetdialer.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the service's log events whose message starts with a given text, so the report can say
 * how often something happened inside the service (for example the inbox consumer pausing after
 * a failed batch) without touching its code. Sees only what bench/logback.xml lets through.
 */
final class LogCounter extends AppenderBase<ILoggingEvent> {

  private final String prefix;
  private final AtomicLong count = new AtomicLong();

  private LogCounter(String prefix) {
    this.prefix = prefix;
  }

  static LogCounter attach(String loggerName, String prefix) {
    Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
    LogCounter counter = new LogCounter(prefix);
    counter.setContext(logger.getLoggerContext());
    counter.start();
    logger.addAppender(counter);
    return counter;
  }

  long count() {
    return count.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getMessage() != null && event.getMessage().startsWith(prefix)) {
      count.incrementAndGet();
    }
  }
}
