package com.targetdialer.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An open-loop HTTP/1.1 load: requests sent at a fixed rate whatever the answers do, over at most a given
 * number of keep-alive connections. Request k is due at start + k / rate; one that finds every connection
 * busy waits its turn, and its latency counts from when it was due, not from when it went out, so a stall
 * shows in full (a closed loop such as wrk sends less while the server is slow, and hides that wait).
 * Lean on purpose, like wrk: requests are raw bytes built by the caller, answers are read by a minimal
 * parser (status line, Content-Length). Vert.x's own HTTP client took 0.95 of a core for 18,900 requests a
 * second here, more than the server it measured; this takes 25-40 µs of CPU a request, against wrk's 15-20.
 */
final class PacedLoad implements AutoCloseable {

  /** 200 answers, other answers and transport errors, and the latencies of the 200s from their due time. */
  record Result(long ok, long failed, double seconds, Latencies latencies, String firstError) {
    double perSecond() {
      return ok / seconds;
    }
  }

  private final Vertx vertx;
  private final List<Driver> drivers = new CopyOnWriteArrayList<>();
  private final ThreadCpu cpu = new ThreadCpu();

  PacedLoad(int eventLoops) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    vertx.deployVerticle(() -> {
      Driver driver = new Driver(cpu);
      drivers.add(driver);
      return driver;
    }, new DeploymentOptions().setInstances(eventLoops)).await();
  }

  /**
   * Sends {@code perSecond} requests a second to 127.0.0.1:{@code port} for {@code window}, over at most
   * {@code connections} connections, then waits for the answers of what was sent. Blocks the caller.
   */
  Result run(int port, int connections, double perSecond, Supplier<Buffer> requests, Duration window) {
    long start = System.nanoTime();
    Pace pace = new Pace(port, requests, perSecond / drivers.size(), start, start + window.toNanos());
    int left = connections;
    List<Future<Tally>> parts = new ArrayList<>();
    for (int i = 0; i < drivers.size(); i++) {
      int share = left / (drivers.size() - i);
      left -= share;
      parts.add(drivers.get(i).run(pace, share));
    }
    // The clock of the run: a plain thread that wakes every half millisecond and has each driver send what fell due.
    // A 1 ms Vert.x timer on each driver instead cost the client 0.46 of a core at 6,300 requests a second (0.24 with this).
    Future<?> finished = Future.all(parts);
    Thread clock = new Thread(() -> {
      while (!finished.isComplete()) {
        LockSupport.parkNanos(500_000);
        drivers.forEach(Driver::tick);
      }
    }, "paced-load-clock");
    clock.setDaemon(true);
    clock.start();
    finished.await();
    Tally all = new Tally();
    parts.forEach(part -> all.add(part.result()));
    return new Result(all.ok, all.failed, window.toNanos() / 1e9, all.latencies, all.firstError);
  }

  /** CPU time of the load's own event-loop threads so far, so a report can tell client from server. */
  long cpuNanos() {
    return cpu.nanos();
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** One run as each driver sees it: its k-th request is due at start + k / perSecondEach. */
  private record Pace(int port, Supplier<Buffer> requests, double perSecondEach, long start, long deadline) {
  }

  /** Opens its connections for a run, sends what fell due at each tick of the run's clock, and reads the answers. */
  private static final class Driver extends VerticleBase {

    private NetClient client;
    private final ThreadCpu cpu;
    private volatile Run current;

    Driver(ThreadCpu cpu) {
      this.cpu = cpu;
    }

    @Override
    public Future<?> start() {
      cpu.addCurrentThread();
      client = vertx.createNetClient();
      return Future.succeededFuture();
    }

    Future<Tally> run(Pace pace, int connections) {
      Promise<Tally> done = Promise.promise();
      context.runOnContext(ignored -> {
        Tally part = new Tally();
        if (connections == 0) {
          done.complete(part);
          return;
        }
        List<Future<NetSocket>> opening = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          opening.add(client.connect(pace.port(), "127.0.0.1"));
        }
        Future.join(opening).onFailure(failure -> {
          opening.stream().filter(Future::succeeded).forEach(open -> open.result().close());
          done.fail(failure);
        }).onSuccess(opened -> {
          Run run = new Run(pace, part, done);
          for (int i = 0; i < connections; i++) {
            run.idle.add(new Connection(run, opened.resultAt(i)));
          }
          current = run;
        });
      });
      return done.future();
    }

    /** Called by the run's clock thread: what fell due is sent on this driver's event loop. */
    void tick() {
      Run run = current;
      if (run != null) {
        context.runOnContext(ignored -> run.tick());
      }
    }

    /** A run on this driver: requests due and not yet sent, and connections free to send. */
    private final class Run {
      final Pace pace;
      final Tally part;
      final Promise<Tally> done;
      final ArrayDeque<Long> due = new ArrayDeque<>();
      final ArrayDeque<Connection> idle = new ArrayDeque<>();
      final List<Connection> all = new ArrayList<>();
      long scheduled;

      Run(Pace pace, Tally part, Promise<Tally> done) {
        this.pace = pace;
        this.part = part;
        this.done = done;
      }

      void tick() {
        if (done.future().isComplete()) {
          return;
        }
        long now = System.nanoTime();
        long dueBy = (long) ((Math.min(now, pace.deadline()) - pace.start()) / 1e9 * pace.perSecondEach());
        for (; scheduled < dueBy; scheduled++) {
          due.add(pace.start() + (long) (scheduled * 1e9 / pace.perSecondEach()));
        }
        sendWhatIsDue();
        if (all.isEmpty() && !due.isEmpty()) {
          part.failed += due.size(); // every connection was lost: nothing left to send on
          due.clear();
        }
        if (now >= pace.deadline() && due.isEmpty() && idle.size() == all.size()) {
          current = null;
          all.forEach(connection -> connection.socket.close());
          done.complete(part);
        }
      }

      void sendWhatIsDue() {
        while (!idle.isEmpty() && !due.isEmpty()) {
          idle.poll().send(due.poll());
        }
      }
    }

    /** One keep-alive connection with at most one request in flight, and the answer read so far. */
    private final class Connection {
      final Run run;
      final NetSocket socket;
      Buffer answer = Buffer.buffer();
      long dueAt;

      Connection(Run run, NetSocket socket) {
        this.run = run;
        this.socket = socket;
        run.all.add(this);
        socket.handler(this::read);
        socket.exceptionHandler(failure -> {
          if (run.all.contains(this)) {
            dropped("connection failed: " + failure.getMessage());
          }
        });
        socket.closeHandler(ignored -> {
          if (dueAt != 0) {
            dropped("connection closed before the answer");
          }
        });
      }

      void send(long dueAt) {
        this.dueAt = dueAt;
        socket.write(run.pace.requests().get());
      }

      private void read(Buffer bytes) {
        answer.appendBuffer(bytes);
        int headEnd = headEnd(answer);
        if (headEnd < 0) {
          return;
        }
        String head = answer.getString(0, headEnd, StandardCharsets.US_ASCII.name());
        int length = contentLength(head);
        if (length < 0) {
          dropped("an answer without Content-Length: " + ReportFormat.abbreviate(head, 120));
          return;
        }
        if (answer.length() < headEnd + 4 + length) {
          return;
        }
        int status = Integer.parseInt(head.substring(9, 12));
        if (status == 200) {
          run.part.ok++;
          run.part.latencies.add(System.nanoTime() - dueAt);
        } else {
          counted(status + " " + answer.getString(headEnd + 4, headEnd + 4 + length));
        }
        answer = Buffer.buffer();
        dueAt = 0;
        run.idle.add(this);
        run.sendWhatIsDue();
      }

      private void counted(String why) {
        run.part.failed++;
        run.part.firstError = run.part.firstError != null ? run.part.firstError : why;
      }

      /** A failure that leaves the connection's stream unreadable: counted, and the connection is not used again. */
      private void dropped(String why) {
        counted(why);
        dueAt = 0;
        run.all.remove(this);
        socket.close();
      }
    }
  }

  /** Where the head of an HTTP answer ends (the index of its blank line), or -1 while it is incomplete. */
  private static int headEnd(Buffer answer) {
    for (int i = 0; i + 3 < answer.length(); i++) {
      if (answer.getByte(i) == '\r' && answer.getByte(i + 1) == '\n' && answer.getByte(i + 2) == '\r' && answer.getByte(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return -1;
  }
}
