package com.targetdialer.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one series from a Prometheus text scrape ({@code GET /metrics}). */
public final class MetricsText {

  private MetricsText() {
  }

  /** The value of the series written exactly as given (name and labels, e.g. {@code td_x_total{reason="a"}}), 0 when absent. */
  public static double value(String scrape, String series) {
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+)$").matcher(scrape);
    return line.find() ? Double.parseDouble(line.group(1)) : 0.0;
  }
}
