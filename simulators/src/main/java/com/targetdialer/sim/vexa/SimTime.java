package com.targetdialer.sim.vexa;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The timestamp spellings Vexa uses, which differ by producer and by version. */
final class SimTime {

  private static final DateTimeFormatter MICROS_Z =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MILLIS_Z =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICROS_OFFSET =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+00:00'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter NAIVE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private SimTime() {
  }

  /** Python {@code isoformat().replace("+00:00", "Z")}: rows, envelopes (0.12). */
  static String iso(Instant t) {
    return t == null ? null : MICROS_Z.format(t);
  }

  /** What the bot writes into segments: millisecond precision. */
  static String isoMillis(Instant t) {
    return t == null ? null : MILLIS_Z.format(t);
  }

  /** Python {@code datetime.now(timezone.utc).isoformat()}: the ts of /ws status frames. */
  static String isoOffset(Instant t) {
    return t == null ? null : MICROS_OFFSET.format(t);
  }

  /** 0.10 rows: naive ISO strings, UTC without a zone. */
  static String naive(Instant t) {
    return t == null ? null : NAIVE.format(t);
  }

  /**
   * Epoch seconds with millisecond precision, as the 0.12 bot times segments. A BigDecimal so the
   * JSON reads {@code 1787220012.4} (as Python writes it), not Jackson's {@code 1.7872200124E9}.
   */
  static BigDecimal epochSeconds(Instant t) {
    return seconds(t.toEpochMilli());
  }

  /** Milliseconds as seconds, written the way Python writes a float. */
  static BigDecimal seconds(long millis) {
    BigDecimal s = BigDecimal.valueOf(millis).movePointLeft(3).stripTrailingZeros();
    return s.scale() < 1 ? s.setScale(1) : s;
  }
}
