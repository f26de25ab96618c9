package com.targetdialer.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Where the CPU went during a phase, in cores: this JVM (service, bare server and load generator
 * together), the embedded Postgres (postmaster and every backend), the embedded Redis, and the
 * rest of the machine. The last one says whether something outside the benchmark disturbed it.
 */
final class CpuMeter {

  /** CPU use over one interval, in cores (1.0 = one core busy all the time); jvm includes client. */
  record Usage(double machine, double jvm, double client, double postgres, double redis) {
    double others() {
      return Math.max(0, machine - jvm - postgres - redis);
    }

    /** Everything but the load generator and the rest of the machine: the server side. */
    double server() {
      return jvm - client + postgres + redis;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "client %.2f, server JVM %.2f, PG %.2f, Redis %.2f, rest %.2f",
          client, jvm - client, postgres, redis, others());
    }
  }

  private final String postgresMarker;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** @param postgresDataDir the embedded Postgres is the process started with this data directory */
  CpuMeter(Path postgresDataDir) {
    this.postgresMarker = postgresDataDir.toString();
  }

  /**
   * A point to measure from; {@link Snapshot#until()} gives the usage since.
   *
   * @param clientCpuNanos CPU time of the load generator's threads so far
   */
  Snapshot start(LongSupplier clientCpuNanos) {
    return new Snapshot(clientCpuNanos);
  }

  final class Snapshot {
    private final LongSupplier clientCpu;
    private final long clientNanos;
    private final long wallNanos = System.nanoTime();
    private final long[] machine = machineJiffies();
    private final long jvmNanos = os.getProcessCpuTime();
    private final Map<Long, Long> postgres = cpuNanos(postgresProcesses());
    private final Map<Long, Long> redis = cpuNanos(redisProcesses());

    private Snapshot(LongSupplier clientCpu) {
      this.clientCpu = clientCpu;
      this.clientNanos = clientCpu.getAsLong();
    }

    Usage until() {
      double wall = System.nanoTime() - wallNanos;
      long[] machineNow = machineJiffies();
      long total = machineNow[1] - machine[1];
      double busy = total == 0 ? 0 : (double) (machineNow[0] - machine[0]) / total * Runtime.getRuntime().availableProcessors();
      return new Usage(busy, (os.getProcessCpuTime() - jvmNanos) / wall, (clientCpu.getAsLong() - clientNanos) / wall,
          delta(postgres, cpuNanos(postgresProcesses())) / wall, delta(redis, cpuNanos(redisProcesses())) / wall);
    }
  }

  private Stream<ProcessHandle> postgresProcesses() {
    return ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().map(line -> line.contains(postgresMarker)).orElse(false))
        .flatMap(postmaster -> Stream.concat(Stream.of(postmaster), postmaster.descendants()));
  }

  private static Stream<ProcessHandle> redisProcesses() {
    return ProcessHandle.current().descendants()
        .filter(process -> process.info().command().map(command -> command.contains("redis-server")).orElse(false));
  }

  private static Map<Long, Long> cpuNanos(Stream<ProcessHandle> processes) {
    Map<Long, Long> nanos = new HashMap<>();
    processes.forEach(process -> process.info().totalCpuDuration()
        .ifPresent(cpu -> nanos.put(process.pid(), cpu.toNanos())));
    return nanos;
  }

  // Processes that started during the interval count from zero; ones that ended are lost (rare here).
  private static double delta(Map<Long, Long> before, Map<Long, Long> after) {
    long sum = 0;
    for (Map.Entry<Long, Long> entry : after.entrySet()) {
      sum += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
    }
    return sum;
  }

  /** {busy, total} jiffies of all CPUs from /proc/stat; zeros where there is no /proc. */
  private static long[] machineJiffies() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      long idle = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
        long value = Long.parseLong(fields[i]);
        total += value;
        if (i == 4 || i == 5) {
          idle += value;
        }
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
