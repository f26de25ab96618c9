package com.targetdialer.store;

import com.targetdialer.platform.MeetingLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * How people name a meeting in alerts and logs: its title and meeting code, not only our row id.
 * Prints as {@code 5 "Discovery call" google_meet/abc-defg-hij}; its JSON also has the link and the
 * scheduled start, when known, for whoever acts on an alert.
 */
public record MeetingLabel(long id, String title, String platform, String nativeMeetingId, String meetUrl, String scheduledStart) {

  private static final String LOAD = """
      SELECT title, platform, native_meeting_id, scheduled_start,
             coalesce(meeting_url, CASE WHEN platform = 'google_meet' THEN 'https://meet.google.com/' || native_meeting_id END) AS meeting_url
      FROM td_meetings WHERE id = $1
      """;

  public MeetingLabel(long id, String title, String platform, String nativeMeetingId) {
    this(id, title, platform, nativeMeetingId, null, null);
  }

  /** The meeting's label; when it cannot be read, a label with the id alone (an alert must still go out). */
  public static Future<MeetingLabel> load(SqlClient client, long meetingId) {
    return client.preparedQuery(LOAD).execute(Tuple.of(meetingId))
        .map(rows -> {
          if (!rows.iterator().hasNext()) {
            return new MeetingLabel(meetingId, null, null, null);
          }
          Row row = rows.iterator().next();
          return new MeetingLabel(meetingId, row.getString("title"), row.getString("platform"), row.getString("native_meeting_id"),
              MeetingLink.withoutPasscodes(row.getString("meeting_url")), row.getOffsetDateTime("scheduled_start").toInstant().toString());
        })
        .otherwise(new MeetingLabel(meetingId, null, null, null));
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("title", title).put("platform", platform).put("native_meeting_id", nativeMeetingId)
        .put("meet_url", meetUrl).put("scheduled_start", scheduledStart);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(id);
    if (title != null) {
      text.append(" \"").append(title).append('"');
    }
    if (nativeMeetingId != null) {
      text.append(' ').append(platform).append('/').append(nativeMeetingId);
    }
    return text.toString();
  }
}
