package com.targetdialer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** What the benchmarks' reports print alike: the machine they ran on, their lines, a long message cut short. */
final class ReportFormat {

  private ReportFormat() {
  }

  /** Cores, CPU model, Java, OS and heap: figures compare only between runs on the same. */
  static String machine(int cores) {
    return String.format(Locale.ROOT, "%d cores (%s), Java %s (%s), %s %s, max heap %d MB", cores, cpuModel(),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), System.getProperty("os.name"),
        System.getProperty("os.arch"), Runtime.getRuntime().maxMemory() >> 20);
  }

  /** One line of a report; Locale.ROOT, so a figure reads the same on every machine. */
  static void line(StringBuilder out, String format, Object... args) {
    out.append(String.format(Locale.ROOT, format, args)).append('\n');
  }

  static String abbreviate(String text, int maxChars) {
    return text.length() > maxChars ? text.substring(0, maxChars) + "..." : text;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(line -> line.startsWith("model name")).findFirst().map(line -> line.replaceFirst(".*:\\s*", "")).orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }
}
