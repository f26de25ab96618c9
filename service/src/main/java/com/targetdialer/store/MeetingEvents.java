package com.targetdialer.store;

import com.targetdialer.events.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Appends to a meeting's event log; the sequence number comes from the meeting row, bumped in the same
 * statement. An ALERT or CRITICAL entry is also an outbound {@code alert} event, in that statement too.
 */
public final class MeetingEvents {

  public static final String INFO = "info";
  public static final String ALERT = "alert";
  public static final String CRITICAL = "critical";

  private static final String APPEND = """
      WITH next AS (
          UPDATE td_meetings SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq
      ), logged AS (
          INSERT INTO td_meeting_events (meeting_id, seq, type, level, detail)
          SELECT $1, event_seq, $2, $3, $4 FROM next
          RETURNING meeting_id, type, level, detail
      )
      """ + Outbox.alertsOf("logged");

  private MeetingEvents() {
  }

  public static Future<Void> append(SqlClient client, long meetingId, String type, String level, JsonObject detail) {
    return client.preparedQuery(APPEND).execute(Tuple.of(meetingId, type, level, detail)).mapEmpty();
  }
}
