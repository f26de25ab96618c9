package com.targetdialer.webhook;

import com.targetdialer.config.ConfigLoader;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.Settings;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import com.targetdialer.vexa.VexaClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The live stream against a /ws endpoint that records what it is sent, with the stream's SQL ordered through a one-connection pool. */
@ExtendWith(TestStores.class)
class LiveStreamTest {

  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Context loop;
  private HttpServer ws;
  private Pool streamPool;
  private Pool testPool;
  private LiveStream stream;
  private volatile boolean connected;
  private volatile boolean socketClosed;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    ws = vertx.createHttpServer().webSocketHandler(socket -> {
      connected = true;
      socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
      socket.closeHandler(ignored -> socketClosed = true);
    }).listen(0, "127.0.0.1").await();
    DatabaseUrl database = TestStores.newMigratedDatabase();
    PgConnectOptions connect = new PgConnectOptions().setHost(database.host()).setPort(database.port())
        .setDatabase(database.database()).setUser(database.user());
    // One connection: the stream's statements run in the order they are issued.
    streamPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(vertx).build();
    testPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
    String url = "http://127.0.0.1:" + ws.actualPort();
    Settings settings = Settings.from(ConfigLoader.load(vertx, null, Map.of("VEXA_API_URL", url, "VEXA_API_KEY", "vxa_test")).await());
    stream = onLoop(() -> {
      LiveStream created = new LiveStream(vertx, streamPool, settings.vexa(), new VexaClient(vertx, settings.vexa()),
          new LiveLeases(streamPool, "node-a", 15), () -> 1, new StreamOutages(streamPool, java.time.Clock.systemUTC()),
          new SegmentBatcher(vertx.getOrCreateContext(), vertx.eventBus()));
      created.start();
      return Future.succeededFuture(created);
    });
    Await.until("the live stream connected", Duration.ofSeconds(10), () -> connected);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("a meeting started while a resync's query runs is not in its result, and stays followed (subscribed, lease kept)")
  void meetingStartedDuringResyncStaysFollowed() {
    // The new meeting's rows exist but are not committed when the resync reads the meetings in flight.
    SqlConnection dispatch = testPool.getConnection().await();
    Transaction started = dispatch.begin().await();
    long meetingId = dispatch.query("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) "
        + "VALUES ('new-meet-ing', now(), 'joining') RETURNING id").execute().await().iterator().next().getLong(0);
    dispatch.preparedQuery("INSERT INTO td_bot_sessions (meeting_id, attempt, vexa_meeting_id, session_uid, status) VALUES ($1, 1, 77, 'conn-new', 'joining')")
        .execute(Tuple.of(meetingId)).await();
    // Its lease row too, so the stream's own lease claim waits on it until the commit.
    dispatch.preparedQuery("INSERT INTO td_live_leases (meeting_id, holder, expires_at) VALUES ($1, 'node-a', now() + interval '15 seconds')")
        .execute(Tuple.of(meetingId)).await();

    Promise<Void> resynced = Promise.promise();
    loop.runOnContext(ignored -> {
      stream.resync().onComplete(resynced);
      // Queued behind the resync's read on the one connection; its lease claim waits for the dispatch to commit.
      stream.started(new LiveStream.Followed(meetingId, 77, "conn-new", "google_meet", "new-meet-ing"));
    });
    Await.until("the resync's read done, the new meeting's lease waiting for its commit", Duration.ofSeconds(10),
        () -> testPool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            .execute().await().iterator().next().getLong(0) == 1);
    started.commit().await();
    dispatch.close().await();
    resynced.future().await();

    assertThat(testPool.preparedQuery("SELECT holder FROM td_live_leases WHERE meeting_id = $1").execute(Tuple.of(meetingId)).await()
        .iterator().next().getString(0)).isEqualTo("node-a");
    onLoop(stream::stop); // closes the socket after every frame already written
    Await.until("the socket closed", Duration.ofSeconds(5), () -> socketClosed);
    assertThat(frames).filteredOn(frame -> "subscribe".equals(frame.getString("action"))).isNotEmpty();
    assertThat(frames).filteredOn(frame -> "unsubscribe".equals(frame.getString("action"))).as("never unsubscribed").isEmpty();
  }

  private <T> T onLoop(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(ignored -> action.get().onComplete(done));
    return done.future().await();
  }
}
