package com.targetdialer.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** CPU time of a load generator's own threads, so a report can tell the client's share from the server's. */
final class ThreadCpu {

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final List<Long> ids = new CopyOnWriteArrayList<>();

  /** Counts the calling thread (a driver's event loop) from now on. */
  void addCurrentThread() {
    ids.add(Thread.currentThread().getId());
  }

  /** CPU time the counted threads used so far. */
  long nanos() {
    long sum = 0;
    for (long id : ids) {
      sum += Math.max(0, threads.getThreadCpuTime(id));
    }
    return sum;
  }
}
