package com.targetdialer.sim.google;

import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Users, refresh tokens, service-account subjects and the access tokens minted for them: the
 * OAuth side of the simulator. Not thread-safe: {@link SimState} guards every call.
 */
final class Accounts {

  static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String DEFAULT_SCOPE = "https://www.googleapis.com/auth/calendar.events.readonly";
  /** google-auth hard-codes this audience in its assertions, whatever token URI it posts to. */
  static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";

  /** Scopes under which events.list/get/watch and channels.stop are allowed. */
  private static final Set<String> CALENDAR_SCOPES = Set.of(
      "calendar", "calendar.readonly", "calendar.events", "calendar.events.readonly", "calendar.events.owned",
      "calendar.events.owned.readonly", "calendar.events.freebusy", "calendar.events.public.readonly", "calendar.app.created");

  /** Who a Calendar call acts for, and until when the token is good. */
  record AccessGrant(String user, Set<String> scopes, Instant expiresAt, String source) {
  }

  /** The answer of the token endpoint: a status and the JSON body. */
  record TokenResponse(int status, JsonObject body) {

    static TokenResponse error(int status, String error, String description) {
      return new TokenResponse(status, new JsonObject().put("error", error).put("error_description", description));
    }
  }

  private static final class RefreshGrant {
    final String user;
    final List<String> scopes;
    boolean revoked;

    RefreshGrant(String user, List<String> scopes) {
      this.user = user;
      this.scopes = scopes;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Set<String> users = new HashSet<>();
  private final Set<String> revokedSubjects = new HashSet<>();
  private final Set<String> serviceAccounts = new HashSet<>();
  private final Map<String, RefreshGrant> refreshTokens = new HashMap<>();
  private final Map<String, AccessGrant> accessTokens = new HashMap<>();
  private String clientId;
  private String clientSecret;
  int expiresInSeconds = 3599;

  static String key(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  void addUser(String email) {
    users.add(key(email));
  }

  boolean hasUser(String email) {
    return users.contains(key(email));
  }

  void addRefreshToken(String email, String refreshToken, List<String> scopes) {
    if (!hasUser(email)) {
      throw new IllegalArgumentException("unknown user " + email + "; addUser first");
    }
    refreshTokens.put(refreshToken, new RefreshGrant(key(email), List.copyOf(scopes)));
  }

  static String randomRefreshToken() {
    return "1//fake-" + random(32);
  }

  /** Revokes a refresh token and, as Google does, the access tokens minted from it. */
  boolean revoke(String refreshToken) {
    RefreshGrant grant = refreshTokens.get(refreshToken);
    if (grant == null) {
      return false;
    }
    grant.revoked = true;
    String source = "refresh:" + refreshToken;
    accessTokens.values().removeIf(access -> access.source().equals(source));
    return true;
  }

  /** Makes domain-wide delegation for this user fail, and kills the tokens it already gave out. */
  void revokeSubject(String email) {
    revokedSubjects.add(key(email));
    String source = "subject:" + key(email);
    accessTokens.values().removeIf(access -> access.source().equals(source));
  }

  void restoreSubject(String email) {
    revokedSubjects.remove(key(email));
  }

  void expireAccessTokens() {
    accessTokens.clear();
  }

  void requireClient(String id, String secret) {
    clientId = id;
    clientSecret = secret;
  }

  void addServiceAccount(String clientEmail) {
    serviceAccounts.add(key(clientEmail));
  }

  /** {@code POST /token}: the refresh-token grant and the JWT-bearer grant of service accounts. */
  TokenResponse grant(MultiMap form, String tokenUri, Instant now) {
    String grantType = form.get("grant_type");
    if (grantType == null) {
      return TokenResponse.error(400, "invalid_request", "Missing required parameter: grant_type");
    }
    if (grantType.equals("refresh_token")) {
      return refreshGrant(form, now);
    }
    if (grantType.equals(JWT_BEARER)) {
      return jwtGrant(form.get("assertion"), tokenUri, now);
    }
    return TokenResponse.error(400, "unsupported_grant_type", "Invalid grant_type: " + grantType);
  }

  private TokenResponse refreshGrant(MultiMap form, Instant now) {
    String refreshToken = form.get("refresh_token");
    if (refreshToken == null || refreshToken.isBlank()) {
      return TokenResponse.error(400, "invalid_request", "Missing required parameter: refresh_token");
    }
    if (form.get("client_id") == null) {
      return TokenResponse.error(400, "invalid_request", "Missing required parameter: client_id");
    }
    if (clientId != null && (!clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret")))) {
      return TokenResponse.error(401, "invalid_client", "Unauthorized");
    }
    RefreshGrant grant = refreshTokens.get(refreshToken);
    if (grant == null) {
      return TokenResponse.error(400, "invalid_grant", "Bad Request");
    }
    if (grant.revoked) {
      return TokenResponse.error(400, "invalid_grant", "Token has been expired or revoked.");
    }
    return issue(grant.user, grant.scopes, "refresh:" + refreshToken, now);
  }

  // The signature is not checked: the simulator has no key registry, and tests generate keys per run.
  private TokenResponse jwtGrant(String assertion, String tokenUri, Instant now) {
    JsonObject claims = claims(assertion);
    if (claims == null) {
      return TokenResponse.error(400, "invalid_grant", "Invalid JWT Signature.");
    }
    String audience = claims.getString("aud");
    if (!GOOGLE_TOKEN_AUDIENCE.equals(audience) && !tokenUri.equals(audience)) {
      return TokenResponse.error(400, "invalid_grant", "Invalid JWT: Failed audience check.");
    }
    String issuer = claims.getString("iss");
    if (issuer == null || (!serviceAccounts.isEmpty() && !serviceAccounts.contains(key(issuer)))) {
      return TokenResponse.error(401, "invalid_client", "The OAuth client was not found.");
    }
    String scope = claims.getString("scope", "");
    if (scope.isBlank()) {
      return TokenResponse.error(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
    }
    String subject = claims.getString("sub");
    if (subject == null) {
      // Not delegated: the service account acts as itself and owns no calendars here.
      return issue(key(issuer), Arrays.asList(scope.split(" ")), "issuer:" + key(issuer), now);
    }
    if (!hasUser(subject)) {
      return TokenResponse.error(400, "invalid_grant", "Invalid email or User ID");
    }
    if (revokedSubjects.contains(key(subject))) {
      return TokenResponse.error(400, "invalid_grant", "Token has been expired or revoked.");
    }
    return issue(key(subject), Arrays.asList(scope.split(" ")), "subject:" + key(subject), now);
  }

  private static JsonObject claims(String assertion) {
    if (assertion == null) {
      return null;
    }
    String[] parts = assertion.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException e) {
      return null;
    }
  }

  private TokenResponse issue(String user, List<String> scopes, String source, Instant now) {
    if (accessTokens.size() > 50_000) {
      accessTokens.values().removeIf(access -> !access.expiresAt().isAfter(now));
    }
    String token = "ya29.fake-" + random(32);
    accessTokens.put(token, new AccessGrant(user, new LinkedHashSet<>(scopes), now.plusSeconds(expiresInSeconds), source));
    return new TokenResponse(200, new JsonObject()
        .put("access_token", token)
        .put("expires_in", expiresInSeconds)
        .put("scope", String.join(" ", scopes))
        .put("token_type", "Bearer"));
  }

  /** The bearer check of every Calendar call: 401 for a missing, unknown or expired token, 403 for a non-Calendar scope. */
  AccessGrant authenticate(String authorization, Instant now) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new GoogleApiError(401, "required", "Login Required.");
    }
    AccessGrant grant = accessTokens.get(authorization.substring(7).trim());
    if (grant == null || !grant.expiresAt().isAfter(now)) {
      throw new GoogleApiError(401, "authError", "Invalid Credentials");
    }
    for (String scope : grant.scopes()) {
      if (scope.startsWith("https://www.googleapis.com/auth/") && CALENDAR_SCOPES.contains(scope.substring(32))) {
        return grant;
      }
    }
    throw new GoogleApiError(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
  }

  List<String> users() {
    return new ArrayList<>(users);
  }

  private static String random(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}
