package com.targetdialer.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar run as an operator runs it: {@code java -jar target/targetdialer.jar}, in a
 * working directory of the test's, with only the environment the test gives (plus PATH and HOME).
 */
public final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int httpPort;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private final Path logFile;
  private final Thread reader;

  private ServiceProcess(Process process, int httpPort, Path logFile) {
    this.process = process;
    this.httpPort = httpPort;
    this.logFile = logFile;
    reader = new Thread(this::readOutput, "service-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  public static ServiceProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("td.jar", "../target/targetdialer.jar");
    List<String> command = new java.util.ArrayList<>(List.of(javaBinary(), "-jar", Path.of(jar).toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    String home = environment.get("HOME");
    environment.clear();
    environment.put("PATH", path);
    environment.put("HOME", home == null ? workDir.toString() : home);
    environment.putAll(env);
    String configured = env.getOrDefault("HTTP_PORT", "8080");
    int port = configured.matches("\\d+") ? Integer.parseInt(configured) : 8080;
    return new ServiceProcess(builder.start(), port, workDir.resolve("service.log"));
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Polls GET path until it answers the status; returns the body. */
  public String awaitHttp(String path, int status, Duration within) {
    return withOutput(() -> Await.value("GET " + path + " answering " + status, within, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the process exited with " + process.exitValue());
      }
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != status) {
        throw new IllegalStateException(response.statusCode() + " " + response.body());
      }
      return response.body();
    }));
  }

  /** The first capture group of the first output line matching the pattern, waiting for it. */
  public String awaitOutput(Pattern pattern, Duration within) {
    return withOutput(() -> Await.value("an output line matching " + pattern, within, () -> {
      for (String line : output) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher.groupCount() > 0 ? matcher.group(1) : line;
        }
      }
      return null;
    }));
  }

  /** A failed wait says what the process printed. */
  private <T> T withOutput(java.util.function.Supplier<T> wait) {
    try {
      return wait.get();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + String.join("\n", output), e);
    }
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code. */
  public int terminate(Duration within) throws InterruptedException {
    process.toHandle().destroy(); // Process.destroy() would also close our end of its output

    return awaitExit(within);
  }

  /** Sends SIGKILL: no shutdown hook runs, as when the host kills the process. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public int awaitExit(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + within + "\n" + String.join("\n", output));
    }
    reader.join(5_000); // it ends at the end of the output: every last line is taken
    return process.exitValue();
  }

  public List<String> output() {
    return List.copyOf(output);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.toHandle().destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private void readOutput() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.add(line);
        // Also kept on disk, to read after a failed test.
        java.nio.file.Files.writeString(logFile, line + "\n", StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      }
    } catch (IOException ignored) {
      // the process is gone; what was read is kept
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
