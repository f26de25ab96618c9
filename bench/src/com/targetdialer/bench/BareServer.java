package com.targetdialer.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

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

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
        .requestHandler(request -> request.body().onSuccess(body ->
            request.response().putHeader("content-type", "application/json").end(ACCEPTED)))
        .listen(port, "127.0.0.1");
  }
}
