package com.targetdialer.vexa;

import com.targetdialer.config.VexaSettings;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret Vexa signs its webhooks with: VEXA_WEBHOOK_SECRET, or else one generated the first
 * time and kept in Postgres, so every node of a cluster (and every restart) uses the same one.
 */
public final class WebhookSecret {

  private static final String KEY = "vexa_webhook_secret";
  private static final String INSERT = "INSERT INTO td_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING";
  private static final String SELECT = "SELECT value FROM td_settings WHERE key = $1";

  private WebhookSecret() {
  }

  public static Future<String> resolve(Pool pg, VexaSettings settings) {
    if (settings.webhookSecret() != null) {
      return Future.succeededFuture(settings.webhookSecret());
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return pg.preparedQuery(INSERT).execute(Tuple.of(KEY, HexFormat.of().formatHex(random)))
        .compose(ignored -> pg.preparedQuery(SELECT).execute(Tuple.of(KEY)))
        .map(rows -> rows.iterator().next().getString("value"));
  }
}
