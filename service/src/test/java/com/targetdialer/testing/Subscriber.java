package com.targetdialer.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver on loopback, as a subscriber runs one: records every request, answers 200, or
 * refuses (503) or never answers while told to.
 */
public final class Subscriber implements AutoCloseable {

  public enum Mode { OK, REFUSE, HANG }

  /** One request as received. */
  public record Received(String id, String timestamp, String signature, String body, boolean accepted) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The receiver's check, written from the Standard Webhooks spec (not with the service's code). */
    public boolean verifies(String secret) {
      try {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        for (String given : signature.split(" ")) {
          if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8))) {
            return true;
          }
        }
        return false;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.OK;

  public Subscriber(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Mode now = mode;
      received.add(new Received(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
          request.getHeader("webhook-signature"), body.toString(StandardCharsets.UTF_8), now == Mode.OK));
      switch (now) {
        case OK -> request.response().setStatusCode(200).end();
        case REFUSE -> request.response().setStatusCode(503).end();
        case HANG -> { } // never answers
      }
    })).listen(0, "127.0.0.1").await();
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks";
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Every request, refused ones included. */
  public List<Received> all() {
    return List.copyOf(received);
  }

  /** The requests answered 200, in arrival order. */
  public List<Received> accepted() {
    List<Received> accepted = new ArrayList<>();
    received.forEach(r -> {
      if (r.accepted()) {
        accepted.add(r);
      }
    });
    return accepted;
  }

  /** The seqs of the accepted events, in arrival order. */
  public List<Long> acceptedSeqs() {
    return accepted().stream().map(r -> r.json().getLong("seq")).toList();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
