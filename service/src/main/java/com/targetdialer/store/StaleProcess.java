package com.targetdialer.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An embedded store left running by a previous process that was killed (kill -9 skips shutdown
 * hooks, and the store's server outlives the JVM). It still owns the data directory, so it is
 * stopped cleanly, flushing its data, before a new one starts on the same directory.
 */
final class StaleProcess {

  private static final Logger LOG = LoggerFactory.getLogger(StaleProcess.class);

  private StaleProcess() {
  }

  static void stopIfRunning(Path pidFile, String expectedCommand) throws IOException {
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
    long pid;
    try {
      pid = Long.parseLong(firstLine);
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains(expectedCommand)).orElse(false));
    if (process.isEmpty()) {
      return;
    }
    LOG.warn("stopping a {} left running by an earlier process [pid: {}, data: {}]", expectedCommand, pid, pidFile.getParent());
    process.get().destroy();
    try {
      process.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("a " + expectedCommand + " (pid " + pid + ") still holds " + pidFile.getParent() + "; stop it and start again", e);
    }
  }
}
