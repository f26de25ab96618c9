package com.targetdialer.config;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * Every setting of the service, validated once at start. Names are the environment variable names;
 * the same names are used in the JSON config files. Every default lives in {@code conf/config.json}.
 */
public record Settings(
    String httpHost,
    int httpPort,
    int httpInstances,
    int httpBodyLimitBytes,
    String apiUrl,
    String publicApiUrl,
    String internalApiKey,
    String uiToken,
    AccessSettings access,
    DatabaseUrl databaseUrl,
    RedisUrl redisUrl,
    VexaSettings vexa,
    HealthSettings health,
    LedgerSettings ledger,
    LobbySettings lobby,
    PlatformSettings platforms,
    ClusterSettings cluster,
    Path dataDir,
    int embeddedPgPort,
    int embeddedRedisPort,
    int dbPoolSize,
    int dbConnectRetrySeconds,
    String redisKeyPrefix,
    int shutdownTimeoutSeconds,
    boolean inboxApply,
    int inboxMaxAttempts,
    int inboxClaimIdleMs,
    int inboxReadLingerMs,
    int eventIdRetentionHours,
    int liveResyncIntervalSeconds,
    CalendarSettings calendar,
    EventsSettings events) {

  private static final List<String> HTTP_SCHEMES = List.of("http", "https");

  public static Settings from(JsonObject json) {
    SettingReader read = new SettingReader(json);
    int httpPort = read.integer("HTTP_PORT", 0, 65535);
    String internalApiKey = secret(read, "INTERNAL_API_KEY");
    String database = read.optionalString("DATABASE_URL");
    String redis = read.optionalString("REDIS_URL");
    String apiUrl = read.url("API_URL", HTTP_SCHEMES);
    ClusterSettings cluster = ClusterSettings.read(read);
    if (cluster.enabled() && (database == null || redis == null)) {
      throw new ConfigException(database == null ? "DATABASE_URL" : "REDIS_URL",
          "clustered mode needs one Postgres and one Redis shared by every node; the embedded stores are single-node only");
    }
    return new Settings(
        read.string("HTTP_HOST"),
        httpPort,
        read.integer("HTTP_INSTANCES", 0, 64),
        read.integer("HTTP_BODY_LIMIT_BYTES", 1024, 64 * 1_048_576),
        apiUrl,
        read.url("PUBLIC_API_URL", HTTP_SCHEMES),
        internalApiKey,
        secret(read, "UI_TOKEN"),
        AccessSettings.read(read, HTTP_SCHEMES),
        database == null ? null : DatabaseUrl.parse("DATABASE_URL", database),
        redis == null ? null : RedisUrl.parse("REDIS_URL", redis),
        VexaSettings.read(read, HTTP_SCHEMES),
        HealthSettings.read(read, HTTP_SCHEMES),
        LedgerSettings.read(read),
        LobbySettings.read(read),
        PlatformSettings.read(read),
        cluster,
        Path.of(read.string("DATA_DIR")),
        read.integer("EMBEDDED_PG_PORT", 0, 65535),
        read.integer("EMBEDDED_REDIS_PORT", 0, 65535),
        read.integer("DB_POOL_SIZE", 1, 200),
        read.integer("DB_CONNECT_RETRY_S", 0, 600),
        read.string("REDIS_KEY_PREFIX"),
        read.integer("SHUTDOWN_TIMEOUT_S", 1, 300),
        read.bool("INBOX_APPLY"),
        read.integer("INBOX_MAX_ATTEMPTS", 1, 100),
        read.integer("INBOX_CLAIM_IDLE_MS", 100, 3_600_000),
        read.integer("INBOX_READ_LINGER_MS", 0, 1_000),
        read.integer("EVENT_ID_RETENTION_H", 1, 24 * 366),
        read.integer("LIVE_RESYNC_INTERVAL_S", 1, 3_600),
        CalendarSettings.read(read, HTTP_SCHEMES, database != null),
        EventsSettings.read(read));
  }

  private static String secret(SettingReader read, String name) {
    String value = read.optionalString(name);
    if (value != null && value.length() < 16) {
      throw new ConfigException(name, "too short: use at least 16 random characters");
    }
    return value;
  }

  /** HTTP_INSTANCES = 0 means one ApiVerticle per core. */
  public int effectiveHttpInstances() {
    return httpInstances > 0 ? httpInstances : Runtime.getRuntime().availableProcessors();
  }
}
