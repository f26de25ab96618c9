package com.targetdialer.api;

import com.targetdialer.meeting.BotStatus;
import com.targetdialer.access.MeetingAccess;
import com.targetdialer.platform.MeetingLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read API the UI and the TargetDialer web app use: meetings, one meeting with its bot
 * sessions, gaps and event log, and its transcript, paged in spoken order.
 */
final class MeetingsHandler {

  private static final Set<String> STATUSES = Arrays.stream(BotStatus.values()).map(BotStatus::value).collect(Collectors.toUnmodifiableSet());
  private static final int MAX_PAGE = 1_000;

  private final Pool pg;
  private final MeetingAccess access;

  MeetingsHandler(Pool pg) {
    this.pg = pg;
    this.access = new MeetingAccess(pg);
  }

  /** {@code GET /api/meetings?status=&from=&to=&limit=}. */
  void list(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      JsonErrors.send(ctx, 400, "status must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
      return;
    }
    OffsetDateTime from;
    OffsetDateTime to;
    int limit;
    try {
      from = QueryParams.time(ctx, "from");
      to = QueryParams.time(ctx, "to");
      limit = limit(ctx, 200);
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    String person = ViewerHandler.viewer(ctx).scope();
    Future<RowSet<Row>> found = person == null ? pg.preparedQuery(ReadSql.MEETINGS).execute(Tuple.of(status, from, to, limit))
        : pg.preparedQuery(ReadSql.MEETINGS_OF).execute(Tuple.of(status, from, to, limit, person));
    found
        .onSuccess(rows -> {
          JsonArray meetings = json(rows);
          meetings.forEach(meeting -> withoutPasscode((JsonObject) meeting));
          ctx.json(new JsonObject().put("meetings", meetings));
        })
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/meetings/{id}}: the meeting with its outcome and gaps, its bot sessions, its event log. */
  void one(RoutingContext ctx) {
    Long id = id(ctx);
    if (id == null) {
      return;
    }
    visible(ctx, id).compose(visible -> visible ? pg.preparedQuery(ReadSql.MEETING).execute(Tuple.of(id)) : Future.succeededFuture(null))
        .compose(meetings -> {
          if (meetings == null || !meetings.iterator().hasNext()) {
            return Future.succeededFuture((JsonObject) null);
          }
          JsonObject meeting = withoutPasscode(meetings.iterator().next().toJson());
          return pg.preparedQuery(ReadSql.SESSIONS).execute(Tuple.of(id))
              .compose(sessions -> pg.preparedQuery(ReadSql.EVENTS).execute(Tuple.of(id))
                  .map(events -> meeting.put("bot_sessions", json(sessions)).put("events", json(events))));
        }).onSuccess(meeting -> {
          if (meeting == null) {
            JsonErrors.send(ctx, 404, "no meeting " + id);
          } else {
            ctx.json(meeting);
          }
        }).onFailure(ctx::fail);
  }

  /** {@code GET /api/meetings/{id}/transcript?cursor=&limit=}. */
  void transcript(RoutingContext ctx) {
    Long id = id(ctx);
    if (id == null) {
      return;
    }
    OffsetDateTime afterTime = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    long afterId = 0;
    int limit;
    try {
      String cursor = ctx.queryParams().get("cursor");
      if (cursor != null) {
        String[] parts = cursor.split("_", 2);
        afterTime = Instant.parse(parts[0]).atOffset(ZoneOffset.UTC);
        afterId = Long.parseLong(parts[1]);
      }
      limit = limit(ctx, 500);
    } catch (RuntimeException e) {
      JsonErrors.send(ctx, 400, e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("limit")
          ? e.getMessage() : "cursor must be the next_cursor of a previous page");
      return;
    }
    int pageSize = limit;
    Tuple page = Tuple.of(id, afterTime, afterId, pageSize);
    visible(ctx, id).compose(visible -> visible ? pg.preparedQuery(ReadSql.TRANSCRIPT).execute(page) : Future.succeededFuture(null))
        .onSuccess(rows -> {
          if (rows == null) {
            JsonErrors.send(ctx, 404, "no meeting " + id);
            return;
          }
          JsonArray segments = new JsonArray();
          String next = null;
          for (Row row : rows) {
            JsonObject segment = row.toJson();
            segment.remove("spoken_at");
            segments.add(segment);
            next = row.getOffsetDateTime("spoken_at").toInstant() + "_" + row.getLong("id");
          }
          ctx.json(new JsonObject().put("meeting_id", id).put("segments", segments)
              .put("next_cursor", segments.size() == pageSize ? next : null));
        })
        .onFailure(ctx::fail);
  }

  /** Whether the viewer may see the meeting: an admin any; a person theirs. Another's is a 404, so existence is not told. */
  private Future<Boolean> visible(RoutingContext ctx, long id) {
    return access.meeting(ViewerHandler.viewer(ctx), id);
  }

  /** The link as a person may see it: passcodes live encrypted apart, but a link stored before they did may hold one. */
  private static JsonObject withoutPasscode(JsonObject meeting) {
    return meeting.put("meeting_url", MeetingLink.withoutPasscodes(meeting.getString("meeting_url")));
  }

  private static JsonArray json(RowSet<Row> rows) {
    JsonArray array = new JsonArray();
    rows.forEach(row -> array.add(row.toJson()));
    return array;
  }

  private static Long id(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      JsonErrors.send(ctx, 400, "the meeting id must be a number");
      return null;
    }
  }

  private static int limit(RoutingContext ctx, int fallback) {
    String value = ctx.queryParams().get("limit");
    if (value == null) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit < 1 || limit > MAX_PAGE) {
        throw new NumberFormatException();
      }
      return limit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE);
    }
  }
}
