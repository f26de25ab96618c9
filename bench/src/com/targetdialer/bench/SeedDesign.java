package com.targetdialer.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The seed plan's webhook receiver (bench/seed_design/app.py) as the seed deploys it: uvicorn with 2
 * worker processes, uvloop and httptools, on Debian's python3 (the one with python3-fastapi etc.).
 */
final class SeedDesign implements AutoCloseable {

  static final String PYTHON = "/usr/bin/python3";
  static final String APT = "apt-get install -y wrk python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-redis";

  private final Process process;
  private final int port;

  private SeedDesign(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Null when Debian's python3 has everything the seed design imports, else what is missing. */
  static String missingModules() {
    try {
      Process check = new ProcessBuilder(PYTHON, "-c", "import fastapi, uvicorn, uvloop, httptools, redis").redirectErrorStream(true).start();
      String output = new String(check.getInputStream().readAllBytes()).trim();
      return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0 ? null : output;
    } catch (IOException e) {
      return PYTHON + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Starts it on {@code port} and waits (bounded) until {@code /health} answers.
   *
   * @param enqueue SEED_ENQUEUE: arq (the seed plan as written), list or stream
   */
  static SeedDesign start(Path appDir, int port, String redisUrl, String secret, String enqueue) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(PYTHON, "-m", "uvicorn", "app:app", "--workers", "2", "--loop", "uvloop",
        "--http", "httptools", "--host", "127.0.0.1", "--port", Integer.toString(port),
        // No access log line per request: that would cost the seed, not what its design does.
        "--no-access-log", "--log-level", "warning")
        .directory(appDir.toFile())
        // stdout is the report: the seed's warnings go to stderr with ours, its stdout nowhere.
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    Map<String, String> env = builder.environment();
    env.put("REDIS_URL", redisUrl);
    env.put("VEXA_WEBHOOK_SECRET", secret);
    env.put("SEED_ENQUEUE", enqueue);
    env.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ left in bench/seed_design
    env.remove("PYTHONPATH");
    SeedDesign seed = new SeedDesign(builder.start(), port);
    // Also on the watchdog's exit: uvicorn's processes are not ended with the JVM.
    Runtime.getRuntime().addShutdownHook(new Thread(seed::close, "bench-seed-design"));
    // HTTP/1.1: uvicorn refuses the h2c upgrade the JDK client asks for by default.
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && seed.process.isAlive()) {
      try {
        if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          Thread.sleep(500); // both workers up: uvicorn starts them one after the other
          return seed;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    String state = seed.process.isAlive() ? "running" : "exited with " + seed.process.exitValue();
    seed.close();
    throw new IOException("the seed design did not answer /health within 30 s (" + state + ")");
  }

  int port() {
    return port;
  }

  /** CPU used so far by uvicorn's master and its worker processes, in nanoseconds. */
  long cpuNanos() {
    return processes().mapToLong(handle -> handle.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }

  private Stream<ProcessHandle> processes() {
    ProcessHandle root = process.toHandle();
    return Stream.concat(Stream.of(root), root.descendants());
  }

  /** SIGTERM to uvicorn's master (it stops its workers), then SIGKILL to whatever is left after 10 s. */
  @Override
  public void close() {
    List<ProcessHandle> all = processes().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle handle : all) {
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
  }
}
