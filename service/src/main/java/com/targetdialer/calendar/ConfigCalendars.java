package com.targetdialer.calendar;

import com.targetdialer.store.CredentialCipher;
import com.targetdialer.config.CalendarSettings;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Calendars connected in the config file ({@code calendars}): stored at start (source {@code config},
 * so the HTTP API cannot change them), left as they are while their credentials stay the same (a
 * {@code needs_reauth} stays until they change), and disconnected once removed from the file.
 */
final class ConfigCalendars {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigCalendars.class);

  private final Pool pg;
  private final CalendarSettings calendar;
  private final CredentialCipher cipher;
  private final CalendarRequests requests;

  ConfigCalendars(Pool pg, CalendarSettings calendar, CredentialCipher cipher, CalendarRequests requests) {
    this.pg = pg;
    this.calendar = calendar;
    this.cipher = cipher;
    this.requests = requests;
  }

  /** Connects the calendars of the config file, and disconnects those no longer in it. */
  Future<Void> connectAll() {
    List<CalendarRequest> statics = calendar.staticCalendars();
    if (!cipher.available()) {
      return Future.succeededFuture(); // Settings refuses static calendars without a key
    }
    Future<Void> chain = Future.succeededFuture();
    for (CalendarRequest request : statics) {
      chain = chain.compose(ignored -> connectStatic(request));
    }
    Set<String> ids = new HashSet<>();
    statics.forEach(request -> ids.add(request.id()));
    return chain.compose(ignored -> pg.query(CalendarSql.CONFIG_CALENDARS).execute()).compose(rows -> {
      Future<Void> removals = Future.succeededFuture();
      for (Row row : rows) {
        String id = row.getString("id");
        if (!ids.contains(id)) {
          removals = removals.compose(ignored -> requests.disconnect(id, true)
              .onSuccess(result -> LOG.info("calendar removed from the config file, disconnected [calendar: {}]", id))
              .<Void>mapEmpty().otherwiseEmpty());
        }
      }
      return removals;
    });
  }

  private Future<Void> connectStatic(CalendarRequest request) {
    return pg.preparedQuery(CalendarSql.LOAD_CALENDAR).execute(Tuple.of(request.id())).compose(rows -> {
      if (rows.size() == 1) {
        Row row = rows.iterator().next();
        if ("config".equals(row.getString("source")) && request.credentialsType().equals(row.getString("credentials_type"))
            && request.calendarId().equals(row.getString("calendar_id")) && sameCredentials(row, request)
            && java.util.Objects.equals(request.owner(), row.getString("owner"))) {
          return Future.succeededFuture(); // unchanged: keep its state (a needs_reauth stays until the credentials change)
        }
      }
      byte[] encrypted = cipher.encrypt(request.credentials(), request.id());
      return pg.preparedQuery(CalendarSql.UPSERT_CONFIG)
          .execute(Tuple.of(request.id(), request.calendarId(), request.credentialsType(), Buffer.buffer(encrypted), request.owner()))
          .onSuccess(ignored -> LOG.info("calendar connected from the config file [calendar: {}, calendar id: {}, type: {}]",
              request.id(), request.calendarId(), request.credentialsType()))
          .mapEmpty();
    });
  }

  private boolean sameCredentials(Row row, CalendarRequest request) {
    try {
      return cipher.decryptJson(row.getBuffer("credentials_enc").getBytes(), request.id()).equals(request.credentials());
    } catch (RuntimeException e) {
      return false;
    }
  }
}
