package com.targetdialer.events;

import com.targetdialer.config.EventsSettings;
import com.targetdialer.store.Backends;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.Subscriber;
import com.targetdialer.testing.TestStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery against real loopback subscribers: order, signatures, retries, failing, replay, two nodes. */
@ExtendWith({TestStores.class, VertxExtension.class})
class DeliveryVerticleTest {

  /** Four attempts, quickly: the production schedule's shape at test speed. */
  private static final EventsSettings SETTINGS = new EventsSettings(30, 50, 2_000,
      List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)));

  private Vertx vertx;
  private Backends backends;
  private Pool pg;
  private Subscriptions subscriptions;
  private final List<Subscriber> subscribers = new ArrayList<>();

  @BeforeEach
  void deploy(Vertx vertx) {
    this.vertx = vertx;
    backends = new Backends(TestStores.newMigratedDatabase(), TestStores.redis(), "7", TestStores.newRedisPrefix(), 4);
    pg = backends.pgPool(vertx);
    subscriptions = new Subscriptions(pg);
  }

  @AfterEach
  void close() {
    subscribers.forEach(Subscriber::close);
  }

  private void deployNode() {
    vertx.deployVerticle(new DeliveryVerticle(SETTINGS, backends, new SimpleMeterRegistry())).await();
  }

  private Subscriber subscriber() {
    Subscriber subscriber = new Subscriber(vertx);
    subscribers.add(subscriber);
    return subscriber;
  }

  private JsonObject subscribe(Subscriber subscriber, String secret, String... types) {
    return subscriptions.create(subscriber.url(), List.of(types), secret).await();
  }

  /** One committed transaction per event, in order. */
  private void emit(int count, String type) {
    for (int i = 0; i < count; i++) {
      int n = i;
      pg.withTransaction(connection -> Outbox.append(connection, type, 7L, new JsonObject().put("n", n))).await();
    }
  }

  private List<Long> seqsOf(String type) {
    List<Long> seqs = new ArrayList<>();
    subscriptions.events(0, List.of(type), 1000).await().forEach(event -> seqs.add(((JsonObject) event).getLong("seq")));
    return seqs;
  }

  private Row subscriptionRow(String id) {
    return pg.preparedQuery("SELECT * FROM td_subscriptions WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(id)).await().iterator().next();
  }

  /**
   * Until the subscription is delivered up to {@code seq} and no node holds it: a node sends only while it
   * holds the subscription, so from then on nothing more is on its way to the subscriber.
   */
  private void awaitSettled(String id, long seq) {
    Await.until("subscription delivered up to " + seq + " and let go", Duration.ofSeconds(10), () -> {
      Row row = subscriptionRow(id);
      return row.getLong("delivered_seq") == seq && row.getValue("lease_owner") == null;
    });
  }

  @Test
  @DisplayName("seq is gapless and follows commit order, whatever concurrent writers commit or roll back")
  void gaplessSeq() {
    deployNode();
    List<Future<Void>> writers = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      boolean rollBack = i % 3 == 0;
      writers.add(pg.withTransaction(connection -> Outbox.append(connection, EventTypes.ALERT, null, new JsonObject())
          .compose(ignored -> rollBack ? Future.failedFuture("rolled back") : Future.succeededFuture())));
    }
    Future.join(writers).otherwiseEmpty().await();
    Await.until("every committed event numbered", Duration.ofSeconds(10), () -> seqsOf(EventTypes.ALERT).size() == 40);
    assertThat(seqsOf(EventTypes.ALERT)).containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
    assertThat(pg.query("SELECT count(*) FROM td_outbound_events").execute().await().iterator().next().getLong(0)).isEqualTo(40);
  }

  @Test
  @DisplayName("events past EVENT_RETENTION_DAYS are pruned; newer ones stay")
  void retention() {
    deployNode();
    emit(2, EventTypes.ALERT);
    Await.until("numbered", Duration.ofSeconds(10), () -> seqsOf(EventTypes.ALERT).size() == 2);
    pg.query("UPDATE td_outbound_events SET occurred_at = now() - interval '31 days' WHERE seq = 1").execute().await();
    deployNode(); // a node prunes when it starts, then hourly
    Await.until("the old one pruned", Duration.ofSeconds(10), () ->
        pg.query("SELECT count(*) FROM td_outbound_events").execute().await().iterator().next().getLong(0) == 1);
    assertThat(seqsOf(EventTypes.ALERT)).containsExactly(2L);
  }

  @Test
  @DisplayName("a subscription moves past events not of its types without sending them; one of its types after them is sent")
  void skipsOtherTypes() {
    deployNode();
    Subscriber subscriber = subscriber();
    String id = subscribe(subscriber, Signature.newSecret(), EventTypes.ALERT).getString("id");
    emit(5, EventTypes.BOT_STATUS);
    Await.until("moved past the five", Duration.ofSeconds(10), () -> subscriptionRow(id).getLong("delivered_seq") == 5L);
    assertThat(subscriber.all()).isEmpty();
    assertThat(subscriptionRow(id).getValue("delivered_at")).as("nothing was delivered").isNull();

    emit(1, EventTypes.ALERT);
    Await.until("the alert sent", Duration.ofSeconds(10), () -> !subscriber.accepted().isEmpty());
    assertThat(subscriber.acceptedSeqs()).containsExactly(6L);
  }

  @Test
  @DisplayName("a deleted subscription's lag gauge and attempt counters leave /metrics")
  void metersOfADeletedSubscription() {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    vertx.deployVerticle(new DeliveryVerticle(SETTINGS, backends, metrics)).await();
    Subscriber subscriber = subscriber();
    String id = subscribe(subscriber, Signature.newSecret(), EventTypes.ALERT).getString("id");
    emit(1, EventTypes.ALERT);
    Await.until("delivered and measured", Duration.ofSeconds(10), () -> !subscriber.accepted().isEmpty()
        && metrics.find("td.events.delivery.lag.seconds").tag("subscription", id).gauge() != null);
    assertThat(metrics.find("td.events.delivery.attempts").tag("subscription", id).counter()).isNotNull();

    assertThat(subscriptions.delete(id).await()).isTrue();
    Await.until("its meters gone", Duration.ofSeconds(10), () -> metrics.getMeters().stream()
        .noneMatch(meter -> id.equals(meter.getId().getTag("subscription"))));
  }

  @Test
  @DisplayName("a subscriber gets its types in seq order, signed: the right secret verifies, a wrong one does not")
  void orderedAndSigned() {
    deployNode();
    Subscriber subscriber = subscriber();
    String secret = Signature.newSecret();
    subscribe(subscriber, secret, EventTypes.BOT_STATUS);
    for (int i = 0; i < 10; i++) {
      emit(1, EventTypes.BOT_STATUS);
      emit(1, EventTypes.ALERT);
    }
    Await.until("ten delivered", Duration.ofSeconds(10), () -> subscriber.accepted().size() >= 10);

    assertThat(subscriber.acceptedSeqs()).containsExactlyElementsOf(seqsOf(EventTypes.BOT_STATUS));
    for (Subscriber.Received received : subscriber.accepted()) {
      JsonObject event = received.json();
      assertThat(event.getString("type")).isEqualTo(EventTypes.BOT_STATUS);
      assertThat(received.id()).isEqualTo(event.getString("id"));
      assertThat(event.fieldNames()).contains("seq", "id", "type", "occurred_at", "meeting_id", "data");
      assertThat(received.verifies(secret)).as("the right secret verifies").isTrue();
      assertThat(received.verifies(Signature.newSecret())).as("a wrong secret is detected").isFalse();
    }
    Await.until("delivery state recorded", Duration.ofSeconds(5), () ->
        subscriptionRow(subscriptions.list().await().getJsonObject(0).getString("id")).getLong("delivered_seq") >= seqsOf(EventTypes.BOT_STATUS).get(9));
  }

  @Test
  @DisplayName("a subscriber down for a while receives everything afterwards, in order, no gaps, no duplicates")
  void downForAWhile() {
    deployNode();
    Subscriber subscriber = subscriber();
    subscriber.mode(Subscriber.Mode.REFUSE);
    String id = subscribe(subscriber, Signature.newSecret(), EventTypes.BOT_STATUS).getString("id");
    emit(10, EventTypes.BOT_STATUS);
    Await.until("refused three times", Duration.ofSeconds(10), () -> subscriber.all().size() >= 3);
    emit(10, EventTypes.BOT_STATUS);
    subscriber.mode(Subscriber.Mode.OK);
    emit(10, EventTypes.BOT_STATUS);

    Await.until("all thirty accepted", Duration.ofSeconds(15), () -> subscriber.accepted().size() >= 30);
    List<Long> seqs = subscriber.acceptedSeqs();
    assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
    assertThat(new HashSet<>(subscriber.accepted().stream().map(Subscriber.Received::id).toList())).hasSize(30);
    Await.until("failures reset", Duration.ofSeconds(5), () -> subscriptionRow(id).getInteger("failures") == 0);
  }

  @Test
  @DisplayName("an event accepted resets the count of attempts: a refusal after it waits the first retry, not the last, and is not failing")
  void acceptedResetsAttempts() {
    deployNode();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(requests.incrementAndGet() == 1 ? 200 : 503).end())
        .listen(0, "127.0.0.1").await();
    try {
      String id = subscriptions.create("http://127.0.0.1:" + server.actualPort() + "/events", List.of(EventTypes.BOT_STATUS),
          Signature.newSecret()).await().getString("id");
      // Refused as often as the schedule allows but once, before these events: the run starts with failures = 3.
      pg.preparedQuery("UPDATE td_subscriptions SET failures = 3 WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(id)).await();
      emit(2, EventTypes.BOT_STATUS);

      Await.until("the first accepted, the second refused", Duration.ofSeconds(10), () -> requests.get() >= 2
          && subscriptionRow(id).getInteger("failures") == 1);
      Row state = subscriptionRow(id);
      assertThat(state.getLong("delivered_seq")).isEqualTo(1L);
      assertThat(state.getBoolean("failing")).as("one refusal after a success is not the last retry").isFalse();
      assertThat(subscriptions.events(0, List.of(EventTypes.ALERT), 10).await()).isEmpty();
    } finally {
      server.close().await();
    }
  }

  @Test
  @DisplayName("after the last scheduled retry the subscription is failing with an alert; it resumes from where it stopped")
  void failingThenResumes() {
    deployNode();
    Subscriber subscriber = subscriber();
    subscriber.mode(Subscriber.Mode.REFUSE);
    String id = subscribe(subscriber, Signature.newSecret(), EventTypes.BOT_STATUS).getString("id");
    emit(5, EventTypes.BOT_STATUS);

    Await.until("marked failing", Duration.ofSeconds(10), () -> subscriptionRow(id).getBoolean("failing"));
    Await.until("the alert numbered", Duration.ofSeconds(5), () -> !subscriptions.events(0, List.of(EventTypes.ALERT), 10).await().isEmpty());
    JsonArray alerts = subscriptions.events(0, List.of(EventTypes.ALERT), 10).await();
    assertThat(alerts).hasSize(1);
    assertThat(alerts.getJsonObject(0).getJsonObject("data").getString("alert")).isEqualTo("subscription_failing");
    assertThat(alerts.getJsonObject(0).getJsonObject("data").getJsonObject("detail").getString("subscription_id")).isEqualTo(id);
    JsonObject state = subscriptions.list().await().getJsonObject(0).getJsonObject("delivery");
    assertThat(state.getBoolean("failing")).isTrue();
    assertThat(state.getInteger("failures")).isGreaterThanOrEqualTo(4);
    assertThat(state.getLong("last_delivered_seq")).isZero();
    assertThat(state.getString("next_attempt_at")).isNotNull();

    subscriber.mode(Subscriber.Mode.OK);
    Await.until("resumed", Duration.ofSeconds(10), () -> subscriber.accepted().size() >= 5);
    assertThat(subscriber.acceptedSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
    Await.until("no longer failing", Duration.ofSeconds(5), () -> !subscriptionRow(id).getBoolean("failing"));
    assertThat(subscriptions.events(0, List.of(EventTypes.ALERT), 10).await()).as("one alert, not one per retry").hasSize(1);
  }

  @Test
  @DisplayName("a subscriber that never answers does not delay another")
  void slowSubscriberDelaysNoOne() {
    deployNode();
    Subscriber slow = subscriber();
    slow.mode(Subscriber.Mode.HANG);
    Subscriber fast = subscriber();
    subscribe(slow, Signature.newSecret(), EventTypes.BOT_STATUS);
    subscribe(fast, Signature.newSecret(), EventTypes.BOT_STATUS);
    emit(20, EventTypes.BOT_STATUS);
    Await.until("the fast one has everything", Duration.ofSeconds(5), () -> fast.accepted().size() >= 20);
    assertThat(slow.accepted()).isEmpty();
    assertThat(fast.acceptedSeqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
  }

  @Test
  @DisplayName("two nodes on one database deliver each event once, in order")
  void twoNodesDeliverOnce() {
    deployNode();
    deployNode();
    Subscriber subscriber = subscriber();
    String id = subscribe(subscriber, Signature.newSecret(), EventTypes.BOT_STATUS, EventTypes.ALERT).getString("id");
    List<Future<Void>> writers = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      writers.add(pg.withTransaction(connection -> Outbox.append(connection, EventTypes.BOT_STATUS, 1L, new JsonObject())));
    }
    Future.join(writers).await();
    Await.until("all sixty delivered", Duration.ofSeconds(15), () -> subscriber.accepted().size() >= 60);
    awaitSettled(id, 60); // anything delivered twice has arrived by now
    assertThat(subscriber.all()).hasSize(60);
    assertThat(subscriber.acceptedSeqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
  }

  @Test
  @DisplayName("the read API returns exactly the events after a seq; a replay re-sends from a seq")
  void replay() {
    deployNode();
    Subscriber subscriber = subscriber();
    String id = subscribe(subscriber, Signature.newSecret(), EventTypes.BOT_STATUS).getString("id");
    emit(8, EventTypes.BOT_STATUS);
    Await.until("eight delivered", Duration.ofSeconds(10), () -> subscriber.acceptedSeqs().contains(8L));
    awaitSettled(id, 8);
    int before = subscriber.accepted().size();

    JsonArray later = subscriptions.events(5, null, 100).await();
    assertThat(later.stream().map(e -> ((JsonObject) e).getLong("seq")).toList()).containsExactly(6L, 7L, 8L);
    assertThat(subscriptions.events(5, null, 2).await()).hasSize(2);

    JsonObject replayed = subscriptions.replay(id, 3).await();
    assertThat(replayed.getJsonObject("delivery").getLong("last_delivered_seq")).isEqualTo(2);
    Await.until("re-sent from 3", Duration.ofSeconds(10), () -> subscriber.accepted().size() >= before + 6);
    assertThat(subscriber.acceptedSeqs().subList(before, before + 6)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
    assertThat(subscriptions.replay("sub_nope", 1).await()).isNull();
  }

  @Test
  @DisplayName("a replay while a delivery is in flight wins: the late answer does not move the position back up")
  void replayDuringDelivery() {
    deployNode();
    List<Long> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      long seq = body.toJsonObject().getLong("seq");
      boolean first = !received.contains(seq);
      received.add(seq);
      // The first sending of seq 2 answers late (within the timeout): the replay comes meanwhile.
      vertx.setTimer(seq == 2 && first ? 1_000 : 1, t -> request.response().setStatusCode(200).end());
    })).listen(0, "127.0.0.1").await();
    try {
      String id = subscriptions.create("http://127.0.0.1:" + server.actualPort() + "/events", List.of(EventTypes.BOT_STATUS),
          Signature.newSecret()).await().getString("id");
      emit(3, EventTypes.BOT_STATUS);
      Await.until("seq 2 in flight", Duration.ofSeconds(10), () -> received.contains(2L));
      subscriptions.replay(id, 1).await();

      Await.until("everything again from 1", Duration.ofSeconds(10), () -> received.size() >= 5);
      awaitSettled(id, 3);
      assertThat(received).containsExactly(1L, 2L, 1L, 2L, 3L);
    } finally {
      server.close().await();
    }
  }
}
