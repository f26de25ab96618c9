package com.targetdialer.config;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Who may read which meetings. Without a JWT setting, the one UI_TOKEN opens everything (as before).
 * With UI_JWT_SECRET and/or UI_JWKS_URL, a person signed in to TargetDialer's web app brings a JWT and
 * sees only their own meetings; UI_TOKEN stays the operator's key to everything.
 *
 * @param jwtSecret          UI_JWT_SECRET: the HS256 key shared with the web app (at least 32 bytes); null when unset
 * @param jwksUrl            UI_JWKS_URL: where the web app publishes its RS256/ES256 public keys; null when unset
 * @param jwksRefreshSeconds UI_JWKS_REFRESH_S: how often those keys are fetched again (a token signed with an unknown
 *                           key also fetches them, at most every few seconds)
 * @param issuer             UI_JWT_ISSUER: the {@code iss} every token must carry; null to accept any
 * @param audience           UI_JWT_AUDIENCE: the {@code aud} every token must carry; null to accept any
 */
public record AccessSettings(String jwtSecret, String jwksUrl, int jwksRefreshSeconds, String issuer, String audience) {

  static AccessSettings read(SettingReader read, List<String> httpSchemes) {
    String secret = read.optionalString("UI_JWT_SECRET");
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("UI_JWT_SECRET", "too short for HS256: use at least 32 random bytes, e.g. `openssl rand -base64 32`");
    }
    return new AccessSettings(secret, read.url("UI_JWKS_URL", httpSchemes), read.integer("UI_JWKS_REFRESH_S", 10, 86_400),
        read.optionalString("UI_JWT_ISSUER"), read.optionalString("UI_JWT_AUDIENCE"));
  }

  /** Whether people sign in with JWTs (else the one UI_TOKEN is the only key). */
  public boolean jwtEnabled() {
    return jwtSecret != null || jwksUrl != null;
  }

  @Override
  public String toString() {
    return "AccessSettings[jwt secret: " + (jwtSecret == null ? "unset" : "***") + ", jwks: " + jwksUrl + ", issuer: " + issuer
        + ", audience: " + audience + "]";
  }
}
