package com.targetdialer.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's wrk (an external C client, so the load generator is not in the measured JVM) with
 * bench/wrk/intake.lua, and reads the one line that script prints at the end.
 */
final class Wrk {

  /** One wrk run: every answer counts in requests; non-2xx and socket errors are counted apart. */
  record Result(long requests, double seconds, double p50Ms, double p90Ms, double p99Ms, double maxMs, long non2xx, long socketErrors,
                long wraps, double wrkCores) {
    /** Answers that were 2xx, per second. */
    double okPerSecond() {
      return (requests - non2xx) / seconds;
    }
  }

  private final Path script;
  private final int threads;
  private final int connections;

  Wrk(Path script, int threads, int connections) {
    this.script = script;
    this.threads = threads;
    this.connections = connections;
  }

  /** True when a wrk binary answers on the PATH. */
  static boolean available() {
    try {
      Process process = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code seconds} of load on {@code url}: signed POSTs from the files {@code <bodies>.<thread>}
   * ({@link SeedWebhooks#writeRequests}), or plain GETs when {@code bodies} is null.
   */
  Result run(String url, Path bodies, int seconds) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("wrk", "-t", Integer.toString(threads), "-c", Integer.toString(connections),
        "-d", seconds + "s", "--timeout", "10s", "--latency", "-s", script.toString(), url));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    if (bodies != null) {
      env.put("INTAKE_BODIES", bodies.toString());
    } else {
      env.remove("INTAKE_BODIES");
    }
    long childTicks = reapedChildTicks();
    long started = System.nanoTime();
    Process process = builder.start();
    // wrk ends by itself after -d; the bound is for a wrk that hangs.
    long bound = seconds + 30L;
    if (!process.waitFor(bound, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("wrk still running after " + bound + " s: " + url);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // wrk was reaped by waitFor: its CPU is now in this JVM's cutime + cstime (clock ticks, 100 a second).
    double cores = (reapedChildTicks() - childTicks) / 100.0 / ((System.nanoTime() - started) / 1e9);
    return parse(output, url, cores);
  }

  /** cutime + cstime of this JVM (/proc/self/stat fields 16 and 17): CPU of its children once they were waited for. */
  private static long reapedChildTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 on: state is fields[0]
      return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Result parse(String output, String url, double wrkCores) throws IOException {
    for (String line : output.split("\n")) {
      if (line.startsWith("intake: ")) {
        Map<String, Long> fields = new HashMap<>();
        for (String pair : line.substring(8).trim().split(" ")) {
          String[] nameValue = pair.split("=");
          fields.put(nameValue[0], Long.parseLong(nameValue[1]));
        }
        return new Result(fields.get("requests"), fields.get("duration_us") / 1e6, fields.get("p50_us") / 1e3,
            fields.get("p90_us") / 1e3, fields.get("p99_us") / 1e3, fields.get("max_us") / 1e3, fields.get("non2xx"),
            fields.get("connect") + fields.get("read") + fields.get("write") + fields.get("timeout"), fields.get("wraps"), wrkCores);
      }
    }
    throw new IOException("wrk gave no result for " + url + ":\n" + output);
  }
}
