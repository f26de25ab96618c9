package com.targetdialer.api;

/**
 * Secrets resolved at start, not read from settings alone: the Vexa webhook secret (set, or kept in
 * Postgres) and the UI token (set, or generated and printed).
 */
public record Secrets(String vexaWebhook, String uiToken) {

  @Override
  public String toString() {
    return "Secrets[***]";
  }
}
