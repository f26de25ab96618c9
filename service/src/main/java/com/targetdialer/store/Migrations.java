package com.targetdialer.store;

import com.targetdialer.config.ConfigException;
import com.targetdialer.config.DatabaseUrl;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Brings a database to the schema in {@code sql/} (packaged as {@code db/migration}). Runs on the
 * main thread before any verticle deploys, never on an event loop.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  /**
   * Waits (bounded) for the database to accept connections, then migrates it.
   *
   * @return the schema version the database is at afterwards
   */
  public static String migrate(DatabaseUrl url, Duration waitForDatabase) {
    awaitReachable(url, waitForDatabase);
    Flyway flyway = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .load();
    MigrateResult result = flyway.migrate();
    MigrationInfo current = flyway.info().current();
    String version = current == null ? "0" : current.getVersion().getVersion();
    LOG.info("database schema ready [database: {}, version: {}, applied now: {}]", url, version, result.migrationsExecuted);
    return version;
  }

  private static void awaitReachable(DatabaseUrl url, Duration waitFor) {
    long deadline = System.nanoTime() + waitFor.toNanos();
    long pauseMs = 250;
    while (true) {
      try (Connection ignored = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
        return;
      } catch (SQLException e) {
        if (isPermanent(e) || System.nanoTime() > deadline) {
          throw new ConfigException("DATABASE_URL", "cannot connect to " + url + " after " + waitFor.toSeconds() + " s: " + e.getMessage());
        }
        LOG.info("waiting for the database [database: {}, error: {}]", url, e.getMessage());
        sleep(pauseMs);
        pauseMs = Math.min(pauseMs * 2, 2_000);
      }
    }
  }

  // Bad credentials or a missing database do not heal by waiting (SQLSTATE class 28 and 3D).
  private static boolean isPermanent(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("28") || state.startsWith("3D"));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the database", e);
    }
  }
}
