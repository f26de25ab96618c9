package com.targetdialer.webhook;

import com.targetdialer.config.DatabaseUrl;
import com.targetdialer.testing.TestStores;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Who follows which meeting on the live stream: claims, renewals past half the lease, takeover after expiry. */
@ExtendWith(TestStores.class)
class LiveLeasesTest {

  private Vertx vertx;
  private Pool pg;
  private final List<Long> meetings = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    DatabaseUrl database = TestStores.newMigratedDatabase();
    pg = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(database.host()).setPort(database.port())
        .setDatabase(database.database()).setUser(database.user())).using(vertx).build();
    for (int i = 0; i < 3; i++) {
      meetings.add(pg.preparedQuery("INSERT INTO td_meetings (native_meeting_id, scheduled_start, bot_status) VALUES ($1, now(), 'active') RETURNING id")
          .execute(Tuple.of("lea-sexx-00" + i)).await().iterator().next().getLong(0));
    }
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("a lease with more than half its time left is kept without a write; past half it is renewed; expired, another node takes it")
  void renewedPastHalfOnly() {
    LiveLeases a = new LiveLeases(pg, "node-a", 20);
    LiveLeases b = new LiveLeases(pg, "node-b", 20);
    long first = meetings.get(0);
    long second = meetings.get(1);
    long third = meetings.get(2);

    assertThat(a.claim(List.of(first, second)).await()).containsExactlyInAnyOrder(first, second);
    OffsetDateTime claimedUntil = expiry(first);
    assertThat(a.claim(List.of(first, second)).await()).as("still held").containsExactlyInAnyOrder(first, second);
    assertThat(expiry(first)).as("not rewritten").isEqualTo(claimedUntil);
    assertThat(b.claim(List.of(first, second, third)).await()).as("only the free one").containsExactly(third);
    assertThat(b.heldByOthers(List.of(first, second, third)).await()).containsExactlyInAnyOrder(first, second);

    pg.preparedQuery("UPDATE td_live_leases SET expires_at = now() + interval '5 seconds' WHERE meeting_id = $1").execute(Tuple.of(first)).await();
    assertThat(a.claim(List.of(first)).await()).containsExactly(first);
    assertThat(expiry(first)).as("renewed for the whole lease").isAfter(OffsetDateTime.now().plusSeconds(15));

    pg.preparedQuery("UPDATE td_live_leases SET expires_at = now() - interval '1 second' WHERE meeting_id = $1").execute(Tuple.of(second)).await();
    assertThat(b.claim(List.of(second)).await()).as("an expired lease moves").containsExactly(second);
    assertThat(a.claim(List.of(first, second)).await()).containsExactly(first);

    a.release(List.of(first)).await();
    assertThat(b.claim(List.of(first)).await()).as("a released lease is free at once").containsExactly(first);
  }

  private OffsetDateTime expiry(long meeting) {
    return pg.preparedQuery("SELECT expires_at FROM td_live_leases WHERE meeting_id = $1").execute(Tuple.of(meeting)).await()
        .iterator().next().getOffsetDateTime(0);
  }
}
