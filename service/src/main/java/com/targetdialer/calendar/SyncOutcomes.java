package com.targetdialer.calendar;

import com.targetdialer.store.CredentialCipher;
import com.targetdialer.config.CalendarSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Records how a calendar's sync ended: due again in CALENDAR_POLL_INTERVAL_S ± 10 %; or failed, with
 * a per-calendar backoff for what may pass; or, on {@code invalid_grant}, {@code needs_reauth}: its
 * sync stops, an alert names its upcoming meetings (on each one's log too) and they stay scheduled.
 */
final class SyncOutcomes {

  private static final Logger LOG = LoggerFactory.getLogger(SyncOutcomes.class);

  private final Pool pg;
  private final CalendarSettings calendar;
  private final String nodeId;
  private final CredentialsCache credentials;
  private final CalendarAlerts alerts;

  SyncOutcomes(Pool pg, CalendarSettings calendar, String nodeId, CredentialsCache credentials, CalendarAlerts alerts) {
    this.alerts = alerts;
    this.pg = pg;
    this.calendar = calendar;
    this.nodeId = nodeId;
    this.credentials = credentials;
  }

  Future<Void> succeeded(CalendarSync.Claimed claimed) {
    double next = calendar.pollIntervalSeconds() * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble());
    return pg.preparedQuery(CalendarSql.SYNC_SUCCEEDED)
        .execute(Tuple.of(claimed.id(), nodeId, claimed.claimedAt(), next))
        .compose(ignored -> warnEarly(claimed.id()));
  }

  /**
   * Credentials getting old, or syncs failing a while: one warning a calendar a day, while it can still be fixed in time.
   * Its outbound alert commits with the warned_at that records it.
   */
  private Future<Void> warnEarly(String id) {
    return pg.withTransaction(connection -> connection.preparedQuery(CalendarSql.WARN)
            .execute(Tuple.of(id, calendar.credentialWarnDays(), (double) calendar.failingAlertSeconds()))
            .compose(rows -> {
              List<JsonObject> warnings = new ArrayList<>();
              Future<Void> recorded = Future.succeededFuture();
              for (Row row : rows) {
                JsonObject warning = CalendarAlerts.warning(row);
                warnings.add(warning);
                recorded = recorded.compose(ignored -> CalendarAlerts.record(connection, warning));
              }
              return recorded.map(warnings);
            }))
        .map(warnings -> {
          warnings.forEach(alerts::warn);
          return null;
        });
  }

  Future<Void> failed(CalendarSync.Claimed claimed, Throwable failure) {
    String id = claimed.id();
    String error;
    boolean transientError;
    if (failure instanceof TokenFailure) {
      CalendarCredentials.Failure kind = CalendarCredentials.classify(failure.getCause());
      if (kind == CalendarCredentials.Failure.REAUTH) {
        return needsReauth(claimed, failure.getMessage());
      }
      error = "token: " + failure.getMessage();
      transientError = kind == CalendarCredentials.Failure.TRANSIENT;
    } else if (failure instanceof GoogleApiException google) {
      error = "Google Calendar: " + google.getMessage();
      transientError = google.retryable();
    } else if (failure instanceof CredentialCipher.DecryptionException || failure instanceof IllegalArgumentException) {
      error = "credentials: " + failure.getMessage();
      transientError = false;
    } else {
      error = String.valueOf(failure.getMessage());
      transientError = true;
    }
    double delay = transientError ? backoffSeconds(claimed.failureCount()) : calendar.pollIntervalSeconds();
    LOG.warn("calendar sync failed [calendar: {}, error: {}, next try in: {} s]", id, error, String.format("%.1f", delay));
    return pg.preparedQuery(CalendarSql.SYNC_FAILED).execute(Tuple.of(id, nodeId, error, delay)).compose(ignored -> warnEarly(id));
  }

  /** Per-calendar backoff after a failed sync: 4, 8, 16... × CALENDAR_RETRY_BASE_MS, jittered, at most the poll interval. */
  private double backoffSeconds(int failures) {
    double step = Math.min(calendar.pollIntervalSeconds(), calendar.retryBaseMs() / 1000.0 * Math.pow(2, Math.min(failures + 2, 30)));
    return step / 2 + ThreadLocalRandom.current().nextDouble() * step / 2;
  }

  /**
   * invalid_grant: stop syncing, say which upcoming meetings are at risk (on each one's log too), keep them scheduled.
   * The calendar's alert is an outbound event in the transaction that marks it needs_reauth.
   */
  private Future<Void> needsReauth(CalendarSync.Claimed claimed, String detail) {
    String id = claimed.id();
    credentials.forget(id);
    return pg.withTransaction(connection -> connection.preparedQuery(CalendarSql.NEEDS_REAUTH)
            .execute(Tuple.of(id, nodeId, detail))
            .compose(changed -> {
              if (changed.size() == 0) {
                return Future.succeededFuture((Reauth) null);
              }
              return connection.preparedQuery(CalendarSql.UPCOMING_MEETINGS).execute(Tuple.of(id)).compose(rows -> {
                List<Row> upcoming = new ArrayList<>();
                Set<Long> seen = new HashSet<>();
                rows.forEach(row -> {
                  if (seen.add(row.getLong("id"))) {
                    upcoming.add(row);
                  }
                });
                JsonObject alert = CalendarAlerts.needsReauth(id, claimed.calendarId(), upcoming, detail);
                return logOnMeetings(connection, id, upcoming, detail)
                    .compose(ignored -> CalendarAlerts.record(connection, alert))
                    .map(new Reauth(upcoming, alert));
              });
            }))
        .map(reauth -> {
          if (reauth != null) {
            LOG.warn("ALERT calendar needs re-authorisation [calendar: {}, error: {}, upcoming meetings: {}]",
                id, detail, describeMeetings(reauth.upcoming()));
            alerts.raise(reauth.alert());
          }
          return null;
        });
  }

  /** What a calendar's needs_reauth committed: its meetings at risk and its alert. */
  private record Reauth(List<Row> upcoming, JsonObject alert) {
  }

  /** A calendar_needs_reauth entry on each upcoming meeting's log. */
  private static Future<Void> logOnMeetings(SqlConnection connection, String id, List<Row> upcoming, String detail) {
    int n = upcoming.size();
    if (n == 0) {
      return Future.succeededFuture();
    }
    Long[] ids = new Long[n];
    String[] types = new String[n];
    String[] levels = new String[n];
    String[] details = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = upcoming.get(i).getLong("id");
      types[i] = "calendar_needs_reauth";
      levels[i] = "alert";
      details[i] = new JsonObject().put("calendar", id).put("error", detail)
          .put("detail", "the calendar needs re-authorisation: changes to this meeting are no longer seen; it stays scheduled")
          .encode();
    }
    return CalendarSync.appendMeetingEvents(connection, ids, types, levels, details);
  }

  private static String describeMeetings(List<Row> meetings) {
    if (meetings.isEmpty()) {
      return "none";
    }
    StringBuilder text = new StringBuilder().append(meetings.size()).append(" (");
    for (int i = 0; i < meetings.size() && i < 20; i++) {
      Row row = meetings.get(i);
      text.append(i == 0 ? "" : ", ").append('#').append(row.getLong("id")).append(' ')
          .append('"').append(row.getString("title") == null ? "" : row.getString("title")).append("\" ")
          .append(row.getString("native_meeting_id")).append(" at ").append(row.getOffsetDateTime("scheduled_start"));
    }
    return text.append(meetings.size() > 20 ? ", ...)" : ")").toString();
  }
}
