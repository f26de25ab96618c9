package com.targetdialer.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The baseline for the webhook edge: a Vert.x HTTP server that reads the whole body and answers
 * 200 with the service's own answer, doing nothing else (no router, no signature, no Redis).
 */
final class BareServer extends VerticleBase {

  private static final String ACCEPTED = "{\"status\":\"accepted\"}";

  private final int port;

  BareServer(int port) {
    this.port = port;
  }

  /** A bare server and the Vert.x it runs on; closing it closes both. */
  record Running(Vertx vertx, int port) implements AutoCloseable {
    @Override
    public void close() {
      vertx.close().await();
    }
  }

  /**
   * {@code instances} servers on one free loopback port, on a Vert.x of their own in this JVM (the service's HTTP
   * verticle count, one per core, is the fair comparison), on the service's transport (epoll where Netty has it).
   */
  static Running start(int instances) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    int port = Fresh.port();
    vertx.deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(instances)).await();
    return new Running(vertx, port);
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body ->
            request.response().putHeader("content-type", "application/json").end(ACCEPTED)))
        .listen(port, "127.0.0.1");
  }
}
