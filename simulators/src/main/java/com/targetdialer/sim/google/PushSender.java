package com.targetdialer.sim.google;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers push notifications the way Google does: an empty-body POST with the {@code X-Goog-*} headers.
 * Runs on the simulator's context. Deliveries on one channel go one after the other, so a receiver sees
 * {@code sync} before the first {@code exists} and message numbers in order; channels do not wait for each other.
 */
final class PushSender {

  private static final Logger LOG = LoggerFactory.getLogger(PushSender.class);
  private static final String USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)";

  /** One notification to send; {@code number} was assigned when the change happened. */
  record Job(String channelId, String resourceId, String resourceUri, String token, Instant expiration,
             String state, long number, String address) {
  }

  private final Vertx vertx;
  private final Context context;
  private final HttpClient client;
  private final Supplier<Instant> clock;
  private final List<Ping> sink;
  private final Map<String, Future<Ping>> tails = new HashMap<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private int pending;

  final AtomicInteger dropNext = new AtomicInteger();
  final AtomicInteger duplicateNext = new AtomicInteger();
  volatile long delayMillis;

  PushSender(Vertx vertx, Context context, Supplier<Instant> clock, List<Ping> sink) {
    this.vertx = vertx;
    this.context = context;
    this.clock = clock;
    this.sink = sink;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000));
  }

  /** From any thread: queues the job on the simulator's context, behind earlier jobs of its channel. */
  void submit(Job job) {
    context.runOnContext(v -> enqueue(job));
  }

  /** On the simulator's context: queues the job and tells when it has been delivered. */
  Future<Ping> enqueue(Job job) {
    pending++;
    Future<Ping> previous = tails.get(job.channelId());
    Future<Ping> done = previous == null ? deliver(job) : previous.transform(ignored -> deliver(job));
    tails.put(job.channelId(), done);
    done.onComplete(ar -> {
      if (tails.get(job.channelId()) == done) {
        tails.remove(job.channelId());
      }
      if (--pending == 0) {
        idleWaiters.forEach(Promise::complete);
        idleWaiters.clear();
      }
    });
    return done;
  }

  /** Completes once every notification queued before this call has been delivered or has failed. */
  Future<Void> idle() {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      if (pending == 0) {
        promise.complete();
      } else {
        idleWaiters.add(promise);
      }
    });
    return promise.future();
  }

  Future<Void> close() {
    return client.close();
  }

  private Future<Ping> deliver(Job job) {
    if (dropNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      Ping ping = new Ping(job.channelId(), job.resourceId(), job.state(), job.number(), job.address(), Ping.DROPPED, "dropped by the simulator", clock.get());
      sink.add(ping);
      LOG.info("push ping dropped [channel: {}, state: {}, number: {}]", job.channelId(), job.state(), job.number());
      return Future.succeededFuture(ping);
    }
    boolean duplicate = duplicateNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    long delay = delayMillis;
    Future<Void> wait = delay > 0 ? vertx.timer(delay).mapEmpty() : Future.succeededFuture();
    return wait.compose(v -> post(job)).compose(ping -> duplicate ? post(job) : Future.succeededFuture(ping));
  }

  private Future<Ping> post(Job job) {
    Future<Integer> status;
    try {
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setAbsoluteURI(job.address())
          .setIdleTimeout(10_000)
          .putHeader("User-Agent", USER_AGENT)
          .putHeader("Content-Length", "0")
          .putHeader("X-Goog-Channel-ID", job.channelId())
          .putHeader("X-Goog-Message-Number", Long.toString(job.number()))
          .putHeader("X-Goog-Resource-ID", job.resourceId())
          .putHeader("X-Goog-Resource-State", job.state())
          .putHeader("X-Goog-Resource-URI", job.resourceUri())
          .putHeader("X-Goog-Channel-Expiration", Times.RFC_1123.format(job.expiration()));
      if (job.token() != null) {
        options.putHeader("X-Goog-Channel-Token", job.token());
      }
      status = client.request(options)
          .compose(request -> request.send())
          .compose(response -> response.body().map(ignored -> response.statusCode()));
    } catch (RuntimeException e) {
      status = Future.failedFuture(e);
    }
    return status.transform(ar -> {
      Ping ping = ar.succeeded()
          ? new Ping(job.channelId(), job.resourceId(), job.state(), job.number(), job.address(), ar.result(), null, clock.get())
          : new Ping(job.channelId(), job.resourceId(), job.state(), job.number(), job.address(), Ping.FAILED, String.valueOf(ar.cause()), clock.get());
      sink.add(ping);
      if (ar.succeeded()) {
        LOG.debug("push ping sent [channel: {}, state: {}, number: {}, status: {}]", job.channelId(), job.state(), job.number(), ar.result());
      } else {
        LOG.info("push ping failed [channel: {}, state: {}, number: {}, error: {}]", job.channelId(), job.state(), job.number(), ar.cause().toString());
      }
      return Future.succeededFuture(ping);
    });
  }
}
