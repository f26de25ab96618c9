package com.targetdialer.vexa;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast path must read exactly what the formatter path (all parse did before) reads. */
class TimestampsTest {

  @Test
  void commonShapesReadAsTheFormatterReadsThem() {
    List<String> shapes = List.of(
        "2026-11-26T10:00:00Z", "2026-11-26T10:00:00.5Z", "2026-11-26T10:00:00.12Z", "2026-11-26T10:00:00.123Z",
        "2026-11-26T10:00:00.123456Z", "2026-11-26T10:00:00.123456789Z", "2026-11-26T10:00:00+00:00",
        "2026-11-26T10:00:00.250+02:00", "2026-11-26T01:00:00.999-05:30", "2026-11-26T10:00:00.123456",
        "2026-11-26T10:00:00", "2024-02-29T23:59:59.999+14:00", "1970-01-01T00:00:00Z");
    for (String text : shapes) {
      assertThat(Timestamps.parseCommon(text)).as(text).isNotNull().isEqualTo(Timestamps.parseByFormatter(text));
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(Timestamps.parseByFormatter(text));
    }
  }

  @Test
  void randomInstantsInEveryPrecisionAndOffset() {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000));
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(36) - 18) * 1800);
      String text = instant.atOffset(offset).toString();
      assertThat(Timestamps.parseCommon(text)).as(text).isEqualTo(Timestamps.parseByFormatter(text));
    }
  }

  @Test
  void anythingElseIsLeftToTheFormatterOrRefused() {
    for (String text : List.of("2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26 10:00:00Z",
        "2026-11-26T10:00:00.Z", "2026-11-26T10:00:00+0200", "2026-11-26T10:00:00z", "2026-11-26T10:00:00ZZ",
        "2026-11-26T10:00:00.1234567891Z", "2026-11-26T10:00:00+18:30", "2026-11-26T10:00:00.\u0661\u0662Z", "\u0662026-11-26T10:00:00Z", "soon", "")) {
      assertThat(Timestamps.parseCommon(text)).as(text).isNull();
      assertThat(Timestamps.parse(text)).as(text).isEqualTo(Timestamps.parseByFormatter(text));
    }
    assertThat(Timestamps.parse(1_764_151_200.25)).isEqualTo(Instant.parse("2025-11-26T10:00:00.250Z"));
    assertThat(Timestamps.parse(12.5)).as("seconds from session start are not a time").isNull();
  }
}
