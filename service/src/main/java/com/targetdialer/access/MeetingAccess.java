package com.targetdialer.access;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Whether a person may see a meeting, or a calendar's news: one indexed probe each. */
public final class MeetingAccess {

  private static final String OWNS_MEETING = "SELECT EXISTS (SELECT 1 FROM td_meeting_owners WHERE owner = $1 AND meeting_id = $2) AS owns";
  private static final String OWNS_CALENDAR = "SELECT EXISTS (SELECT 1 FROM td_calendars WHERE owner = $1 AND id = $2) AS owns";

  private final Pool pg;

  public MeetingAccess(Pool pg) {
    this.pg = pg;
  }

  public Future<Boolean> meeting(Viewer viewer, long meetingId) {
    return viewer.admin() ? Future.succeededFuture(true) : probe(OWNS_MEETING, Tuple.of(viewer.person(), meetingId));
  }

  public Future<Boolean> calendar(Viewer viewer, String calendarId) {
    return viewer.admin() ? Future.succeededFuture(true) : probe(OWNS_CALENDAR, Tuple.of(viewer.person(), calendarId));
  }

  private Future<Boolean> probe(String sql, Tuple args) {
    return pg.preparedQuery(sql).execute(args).map(rows -> rows.iterator().next().getBoolean("owns"));
  }
}
