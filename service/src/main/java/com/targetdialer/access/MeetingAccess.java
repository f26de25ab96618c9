package com.targetdialer.access;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.HashSet;
import java.util.Set;

/** Whether a person may see a meeting, or a calendar's news: one indexed probe each. */
public final class MeetingAccess {

  private static final String OWNS_MEETING = "SELECT EXISTS (SELECT 1 FROM td_meeting_owners WHERE owner = $1 AND meeting_id = $2) AS owns";
  private static final String MEETINGS_OF = "SELECT DISTINCT meeting_id FROM td_meeting_owners WHERE owner = $1";
  private static final String NEWEST_MEETING = "SELECT coalesce(max(id), 0) AS newest FROM td_meetings";
  private static final String OWNS_CALENDAR = "SELECT EXISTS (SELECT 1 FROM td_calendars WHERE owner = $1 AND id = $2) AS owns";

  private final Pool pg;

  public MeetingAccess(Pool pg) {
    this.pg = pg;
  }

  public Future<Boolean> meeting(Viewer viewer, long meetingId) {
    return viewer.admin() ? Future.succeededFuture(true) : probe(OWNS_MEETING, Tuple.of(viewer.person(), meetingId));
  }

  /** Every meeting of a person (for a socket, which then checks each message in memory). */
  public Future<Set<Long>> meetingsOf(String person) {
    return pg.preparedQuery(MEETINGS_OF).execute(Tuple.of(person)).map(rows -> {
      Set<Long> ids = new HashSet<>();
      rows.forEach(row -> ids.add(row.getLong("meeting_id")));
      return ids;
    });
  }

  /** The newest meeting's id: those after it are new since. */
  public Future<Long> newestMeeting() {
    return pg.query(NEWEST_MEETING).execute().map(rows -> rows.iterator().next().getLong("newest"));
  }

  public Future<Boolean> calendar(Viewer viewer, String calendarId) {
    return viewer.admin() ? Future.succeededFuture(true) : probe(OWNS_CALENDAR, Tuple.of(viewer.person(), calendarId));
  }

  private Future<Boolean> probe(String sql, Tuple args) {
    return pg.preparedQuery(sql).execute(args).map(rows -> rows.iterator().next().getBoolean("owns"));
  }
}
