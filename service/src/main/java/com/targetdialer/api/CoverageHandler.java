package com.targetdialer.api;

import com.targetdialer.ledger.Outcome;
import com.targetdialer.ledger.SkippedEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/coverage?from=&to=}: which meetings of a period were captured, how fully, and why
 * not the others. Every meeting occurrence is an item, and so is every calendar event our rules
 * skipped ({@code "id": null}, with its {@code calendar_event_id}).
 */
final class CoverageHandler {

  private static final Duration MAX_RANGE = Duration.ofDays(93);

  private final Pool pg;
  private final Clock clock;

  CoverageHandler(Pool pg, Clock clock) {
    this.pg = pg;
    this.clock = clock;
  }

  void report(RoutingContext ctx) {
    OffsetDateTime from;
    OffsetDateTime to;
    try {
      OffsetDateTime givenFrom = QueryParams.time(ctx, "from");
      OffsetDateTime givenTo = QueryParams.time(ctx, "to");
      // Default: today (UTC); one bound given alone makes a day with it.
      from = givenFrom != null ? givenFrom : givenTo != null ? givenTo.minusDays(1)
          : OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
      to = givenTo != null ? givenTo : from.plusDays(1);
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("to must be after from");
      }
      if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
        throw new IllegalArgumentException("the range from .. to may be at most 93 days");
      }
    } catch (IllegalArgumentException e) {
      JsonErrors.send(ctx, 400, e.getMessage());
      return;
    }
    String person = ViewerHandler.viewer(ctx).scope();
    Tuple range = Tuple.of(from, to, person);
    OffsetDateTime start = from;
    OffsetDateTime end = to;
    Future<RowSet<Row>> meetingsFound = person == null ? pg.preparedQuery(ReadSql.COVERAGE_MEETINGS).execute(Tuple.of(from, to))
        : pg.preparedQuery(ReadSql.COVERAGE_MEETINGS_OF).execute(range);
    meetingsFound
        .compose(meetings -> pg.preparedQuery(ReadSql.COVERAGE_SKIPPED).execute(range).map(skipped -> report(start, end, meetings, skipped)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static JsonObject report(OffsetDateTime from, OffsetDateTime to, RowSet<Row> meetings, RowSet<Row> skipped) {
    List<JsonObject> items = new ArrayList<>();
    for (Row row : meetings) {
      JsonObject item = row.toJson();
      for (String time : new String[] {"scheduled_start", "scheduled_end", "coverage_from", "coverage_to"}) {
        item.put(time, iso(row.getOffsetDateTime(time)));
      }
      items.add(item);
    }
    for (Row row : skipped) {
      items.add(new JsonObject().putNull("id").put("calendar_event_id", row.getString("event_id")).put("title", row.getString("summary"))
          .put("platform", row.getString("platform")).put("native_meeting_id", row.getString("native_meeting_id"))
          .put("scheduled_start", iso(row.getOffsetDateTime("starts_at"))).put("scheduled_end", iso(row.getOffsetDateTime("ends_at")))
          .put("outcome", SkippedEvent.outcome(row.getString("reason")).value())
          .put("outcome_reason", SkippedEvent.reason(row.getString("reason"), row.getString("platform"))).putNull("coverage_ratio").put("gaps", new JsonArray())
          .putNull("coverage_from").putNull("coverage_to"));
    }
    items.sort(Comparator.comparing((JsonObject item) -> item.getString("scheduled_start", "")));

    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    double coverageSum = 0;
    int covered = 0;
    for (JsonObject item : items) {
      Outcome outcome = Outcome.of(item.getString("outcome"));
      counts.merge(outcome, 1, Integer::sum);
      if (outcome.shouldRecord() && outcome != Outcome.PENDING && item.getDouble("coverage_ratio") != null) {
        coverageSum += item.getDouble("coverage_ratio");
        covered++;
      }
    }
    int shouldRecord = counts.entrySet().stream().filter(e -> e.getKey().shouldRecord()).mapToInt(Map.Entry::getValue).sum();
    int decided = shouldRecord - counts.getOrDefault(Outcome.PENDING, 0);
    JsonObject totals = new JsonObject().put("meetings", shouldRecord);
    for (Outcome outcome : Outcome.values()) {
      totals.put(outcome.value(), counts.getOrDefault(outcome, 0));
    }
    return new JsonObject()
        .put("from", iso(from))
        .put("to", iso(to))
        .put("totals", totals)
        .put("capture_rate", decided == 0 ? null : round(counts.getOrDefault(Outcome.CAPTURED, 0) / (double) decided))
        .put("mean_coverage", covered == 0 ? null : round(coverageSum / covered))
        .put("items", new JsonArray(new ArrayList<>(items)));
  }

  private static String iso(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  private static double round(double ratio) {
    return Math.round(ratio * 10_000) / 10_000.0;
  }
}
