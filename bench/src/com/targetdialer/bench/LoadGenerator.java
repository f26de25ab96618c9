package com.targetdialer.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A closed-loop HTTP/1.1 load generator: a fixed number of requests in flight over keep-alive
 * connections (one per request slot, so no request waits for a connection), each slot sending its
 * next request as soon as the previous answer's body is read. It runs on a Vert.x instance of its
 * own, one driver verticle per event loop, so its threads are not those of the server it measures.
 */
final class LoadGenerator implements AutoCloseable {

  /** One request: headers and body, built by the caller once per request. */
  record Request(MultiMap headers, Buffer body) {
  }

  /**
   * What a run did: 200 answers inside the window, other answers and transport errors, re-sends
   * (when retrying), and the window in seconds. Latencies are of 200 answers, from the first send.
   */
  record Result(long ok, long failed, long retried, double seconds, Latencies latencies, String firstError) {
    double perSecond() {
      return ok / seconds;
    }
  }

  private final Vertx vertx;
  private final List<Driver> drivers = new CopyOnWriteArrayList<>();
  private final ThreadCpu cpu = new ThreadCpu();

  /** @param maxInFlight the most requests in flight any run will ask for (sizes the pools) */
  LoadGenerator(int eventLoops, int maxInFlight) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    int perDriver = (maxInFlight + eventLoops - 1) / eventLoops;
    vertx.deployVerticle(() -> {
      Driver driver = new Driver(perDriver, cpu);
      drivers.add(driver);
      return driver;
    }, new DeploymentOptions().setInstances(eventLoops)).await();
  }

  /**
   * Sends POSTs to {@code path}, {@code inFlight} at a time, until {@code maxRequests} were sent or
   * {@code maxDuration} is over, whichever comes first; answers arriving after the deadline are not
   * counted. With {@code retryRefused}, a 5xx or transport error re-sends the same request after
   * 20 ms, as Vexa does (until the deadline). Blocks the caller.
   */
  Result run(int port, String path, int inFlight, Supplier<Request> requests, long maxRequests, Duration maxDuration,
             boolean retryRefused) {
    long start = System.nanoTime();
    Run run = new Run(port, path, requests, new AtomicLong(), maxRequests, start + maxDuration.toNanos(), retryRefused);
    int left = inFlight;
    List<Future<Part>> parts = new java.util.ArrayList<>();
    for (int i = 0; i < drivers.size(); i++) {
      int slots = left / (drivers.size() - i);
      left -= slots;
      parts.add(drivers.get(i).run(run, slots));
    }
    Future.all(parts).await();
    Tally all = new Tally();
    long retried = 0;
    long last = start;
    for (Future<Part> future : parts) {
      Part part = future.result();
      all.add(part);
      retried += part.retried;
      last = Math.max(last, part.lastOkNanos);
    }
    double seconds = (Math.min(run.deadline, last) - start) / 1e9;
    return new Result(all.ok, all.failed, retried, seconds, all.latencies, all.firstError);
  }

  /** CPU time the generator's own event-loop threads used so far, so the report can tell client from server. */
  long cpuNanos() {
    return cpu.nanos();
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  private record Run(int port, String path, Supplier<Request> requests, AtomicLong issued, long maxRequests, long deadline,
                     boolean retryRefused) {
  }

  /** One driver's share of a run; touched only on the driver's event loop. */
  private static final class Part extends Tally {
    long retried;
    long lastOkNanos;
    int activeSlots;
  }

  /** Owns an HTTP client bound to its event loop and runs its slots there. */
  private static final class Driver extends VerticleBase {

    private final int maxSlots;
    private HttpClientAgent client;
    private final ThreadCpu cpu;

    Driver(int maxSlots, ThreadCpu cpu) {
      this.maxSlots = maxSlots;
      this.cpu = cpu;
    }

    @Override
    public Future<?> start() {
      // Each driver has an event loop of its own; all its client work runs on this thread.
      cpu.addCurrentThread();
      // Pool as large as the slots: keep-alive connections, never a wait for one.
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(Math.max(1, maxSlots)));
      return Future.succeededFuture();
    }

    Future<Part> run(Run run, int slots) {
      Promise<Part> done = Promise.promise();
      context.runOnContext(ignored -> {
        Part part = new Part();
        part.activeSlots = slots;
        if (slots == 0) {
          done.complete(part);
        }
        for (int i = 0; i < slots; i++) {
          next(run, part, done);
        }
      });
      return done.future();
    }

    private void next(Run run, Part part, Promise<Part> done) {
      if (System.nanoTime() >= run.deadline || run.issued.incrementAndGet() > run.maxRequests) {
        if (--part.activeSlots == 0) {
          done.complete(part);
        }
        return;
      }
      send(run, part, done, run.requests.get(), System.nanoTime());
    }

    private void send(Run run, Part part, Promise<Part> done, Request request, long firstSentAt) {
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(run.port)
              .setURI(run.path).setHeaders(request.headers()))
          .compose(req -> req.send(request.body()))
          .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body.toString())))
          .onComplete(result -> {
            long now = System.nanoTime();
            Answer answer = result.succeeded() ? result.result() : new Answer(0, String.valueOf(result.cause()));
            if (answer.status() == 200) {
              if (now <= run.deadline) {
                part.ok++;
                part.latencies.add(now - firstSentAt);
                part.lastOkNanos = Math.max(part.lastOkNanos, now);
              }
              next(run, part, done);
              return;
            }
            part.firstError = part.firstError != null ? part.firstError : answer.status() + " " + answer.body();
            if (run.retryRefused && (answer.status() == 0 || answer.status() >= 500) && now < run.deadline) {
              part.retried++;
              vertx.setTimer(20, id -> send(run, part, done, request, firstSentAt));
            } else {
              part.failed++;
              next(run, part, done);
            }
          });
    }
  }

  private record Answer(int status, String body) {
  }
}
