package com.targetdialer.store;

import com.targetdialer.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A Postgres server run by the service itself when no DATABASE_URL is given. Its data directory
 * is kept, so data survives restarts; it listens on loopback only.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  public static final String DATABASE = "targetdialer";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    StaleProcess.stopIfRunning(dataDir.resolve("postmaster.pid"), "postgres");
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start());
    server.createDatabaseIfMissing(DATABASE);
    return server;
  }

  public DatabaseUrl url() {
    return url(DATABASE);
  }

  public DatabaseUrl url(String database) {
    return new DatabaseUrl("127.0.0.1", postgres.getPort(), database, "postgres", null);
  }

  /** Creates a database on this server unless it exists; tests use one per test class. */
  public DatabaseUrl createDatabaseIfMissing(String name) throws IOException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, name);
      try (ResultSet rows = exists.executeQuery()) {
        if (!rows.next()) {
          try (Statement create = connection.createStatement()) {
            create.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
          }
        }
      }
    } catch (SQLException e) {
      throw new IOException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
