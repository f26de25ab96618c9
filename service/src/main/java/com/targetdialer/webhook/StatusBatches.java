package com.targetdialer.webhook;

import com.targetdialer.bus.Addresses;
import com.targetdialer.bus.LocalJson;
import com.targetdialer.bus.BotStatusChange;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Status changes submitted during one event-loop turn (a round of inbox entries) go to
 * PersistVerticle as one batch, one transaction, instead of a transaction each. Each caller still
 * gets the outcome of its own change. Used from the consumer's event loop only.
 */
final class StatusBatches {

  private final Vertx vertx;
  private List<JsonObject> changes = new ArrayList<>();
  private List<Promise<JsonObject>> waiting = new ArrayList<>();

  StatusBatches(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes with the change's outcome ({@code applied}, {@code duplicate} or {@code unknown_bot}); fails when it could not be applied. */
  Future<JsonObject> apply(BotStatusChange change) {
    if (changes.isEmpty()) {
      vertx.runOnContext(ignored -> send());
    }
    Promise<JsonObject> outcome = Promise.promise();
    changes.add(change.toJson());
    waiting.add(outcome);
    return outcome.future();
  }

  private void send() {
    List<Promise<JsonObject>> batch = waiting;
    JsonArray sent = new JsonArray(changes);
    changes = new ArrayList<>();
    waiting = new ArrayList<>();
    vertx.eventBus().<JsonObject>request(Addresses.PERSIST_STATUSES, new JsonObject().put("changes", sent), LocalJson.noCopy()).onComplete(reply -> {
      for (int i = 0; i < batch.size(); i++) {
        if (reply.failed()) {
          batch.get(i).fail(reply.cause());
        } else {
          JsonObject outcome = reply.result().body().getJsonArray("outcomes").getJsonObject(i);
          if (outcome.containsKey("error")) {
            batch.get(i).fail(outcome.getString("error"));
          } else {
            batch.get(i).complete(outcome);
          }
        }
      }
    });
  }
}
