package com.targetdialer.ledger;

import com.targetdialer.config.ConfigLoader;
import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.config.Settings;
import com.targetdialer.store.Backends;
import com.targetdialer.testing.Await;
import com.targetdialer.testing.TestStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The ledger's sweep with more meetings in calls than one sweep judges. */
@ExtendWith(TestStores.class)
class LedgerSweepTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("with more live meetings than a sweep takes, every one is judged in turn, the longest unjudged first")
  void everyMeetingInTurn() {
    DatabaseUrl database = TestStores.newMigratedDatabase();
    Backends backends = new Backends(database, TestStores.redis(), "1", TestStores.newRedisPrefix(), 4);
    Pool pg = backends.pgPool(vertx);
    // More than two sweeps' worth (500 each) of meetings whose bots are in their calls.
    pg.query("""
        INSERT INTO td_meetings (native_meeting_id, scheduled_start, scheduled_end, bot_status, bot_active_at)
        SELECT 'swe-epxx-' || i, now() - interval '10 minutes', now() + interval '50 minutes', 'active', now() - interval '9 minutes'
        FROM generate_series(1, 1200) AS i
        """).execute().await();
    Settings settings = Settings.from(ConfigLoader.load(vertx, null, Map.of("LEDGER_SWEEP_INTERVAL_S", "1")).await());
    vertx.deployVerticle(new LedgerVerticle(settings, backends, new SimpleMeterRegistry(), Clock.systemUTC())).await();

    Await.until("every live meeting judged", Duration.ofSeconds(60), () ->
        pg.query("SELECT count(*) FROM td_meetings WHERE assessed_at IS NULL").execute().await().iterator().next().getLong(0) == 0);
  }
}
