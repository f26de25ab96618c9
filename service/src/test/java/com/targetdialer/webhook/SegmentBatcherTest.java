package com.targetdialer.webhook;

import com.targetdialer.bus.Addresses;
import com.targetdialer.bus.LocalJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Segments gathered over one event-loop turn, against a persist.segments consumer that records what it is asked. */
class SegmentBatcherTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("one turn's segments go as one request per meeting, in order; a gathered request that fails is sent again part by part")
  void gatheredPerMeetingThenAlone() {
    LocalJson.register(vertx.eventBus());
    vertx.eventBus().<JsonObject>localConsumer(Addresses.PERSIST_SEGMENTS, message -> {
      requests.add(message.body());
      if (message.body().getJsonArray("segments").encode().contains("bad")) {
        message.fail(500, "cannot write a bad segment");
      } else {
        message.reply(new JsonObject().put("changed", message.body().getJsonArray("segments").size()));
      }
    }).completion().await();
    Context context = vertx.getOrCreateContext();
    SegmentBatcher batcher = new SegmentBatcher(context, vertx.eventBus());

    onContext(context, () -> Future.all(batcher.persist(1, segments("a")), batcher.persist(2, segments("c")), batcher.persist(1, segments("b"))));
    assertThat(requests).extracting(request -> request.getLong("meeting_id") + ":" + keys(request)).containsExactly("1:a,b", "2:c");

    requests.clear();
    List<Future<Void>> outcomes = onContext(context, () -> Future.succeededFuture(List.of(batcher.persist(3, segments("good")),
        batcher.persist(3, segments("bad")))));
    Future.join(outcomes.get(0), outcomes.get(1)).otherwiseEmpty().await();
    assertThat(outcomes.get(0).succeeded()).as("the good part is written").isTrue();
    assertThat(outcomes.get(1).failed()).as("the bad part fails alone").isTrue();
    assertThat(requests).extracting(SegmentBatcherTest::keys).containsExactly("good,bad", "good", "bad");
  }

  private static JsonArray segments(String key) {
    return new JsonArray().add(new JsonObject().put("segment_key", key).put("text", key));
  }

  private static String keys(JsonObject request) {
    return String.join(",", request.getJsonArray("segments").stream().map(segment -> ((JsonObject) segment).getString("segment_key")).toList());
  }

  private static <T> T onContext(Context context, Supplier<Future<T>> action) {
    return Future.<T>future(promise -> context.runOnContext(ignored -> action.get().onComplete(promise))).await();
  }
}
