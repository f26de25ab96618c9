package com.targetdialer.access;

import com.targetdialer.config.AccessSettings;
import com.targetdialer.http.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a presented token into a {@link Viewer}: UI_TOKEN is the operator; otherwise a JWT verified by
 * vertx-auth-jwt, with UI_JWT_SECRET (HS256) and/or the keys of UI_JWKS_URL (RS256/ES256), {@code exp}
 * required, {@code iss} and {@code aud} checked when set. The keys of the JWKS endpoint are fetched at
 * start, every UI_JWKS_REFRESH_S, and again when a token does not verify with the keys held (a rotated
 * key), at most every {@value #MIN_REFETCH_MS} ms. One for the process, shared by the HTTP instances.
 */
public final class ViewerAuth {

  private static final Logger LOG = LoggerFactory.getLogger(ViewerAuth.class);
  private static final long MIN_REFETCH_MS = 10_000;
  private static final int LEEWAY_S = 30;
  private static final Set<Object> SIGNED_WITH = Set.of("HS256", "RS256", "ES256");
  /** Refusals about the token itself, which other keys would not change. */
  private static final Pattern TOKEN_ITSELF = Pattern.compile("(?i)expired|audience|issuer|not yet|no exp");

  private final Vertx vertx;
  private final AccessSettings settings;
  private final String uiToken;
  private final JWTAuth sharedSecret;
  private final WebClient web;
  // Read and written from every HTTP instance's event loop: the latest wins, which is all a key set needs.
  private volatile JWTAuth published;
  private volatile long fetchedAtMs = Long.MIN_VALUE / 2;
  private volatile Future<Void> fetching;
  private long refreshTimer = -1;

  public ViewerAuth(Vertx vertx, AccessSettings settings, String uiToken) {
    this.vertx = vertx;
    this.settings = settings;
    this.uiToken = uiToken;
    this.sharedSecret = settings.jwtSecret() == null ? null : JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(settings.jwtSecret()))
        .setJWTOptions(jwtOptions()));
    this.web = settings.jwksUrl() == null ? null : WebClient.create(vertx);
  }

  /** Fetches the JWKS keys (an endpoint that is down is logged, not fatal: tokens wait for it), then keeps them fresh. */
  public Future<Void> start() {
    if (web == null) {
      return Future.succeededFuture();
    }
    refreshTimer = vertx.setPeriodic(settings.jwksRefreshSeconds() * 1_000L, id -> fetchKeys());
    return fetchKeys().otherwiseEmpty();
  }

  public void close() {
    vertx.cancelTimer(refreshTimer);
    if (web != null) {
      web.close();
    }
  }

  public Future<Viewer> authenticate(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new AccessDenied("no token"));
    }
    if (uiToken != null && Tokens.matches(uiToken, token)) {
      return Future.succeededFuture(Viewer.OPERATOR);
    }
    if (!settings.jwtEnabled()) {
      return Future.failedFuture(new AccessDenied("the token is not UI_TOKEN"));
    }
    String algorithm;
    try {
      algorithm = signingAlgorithm(token);
    } catch (AccessDenied denied) {
      return Future.failedFuture(denied);
    }
    return verify(token, algorithm).compose(ViewerAuth::viewer);
  }

  /**
   * The algorithm of a token in the shape a signed JWT has (three parts, HS256, RS256 or ES256), else refused.
   * Said before vertx-auth sees it: it must never be asked about an unsigned token ({@code alg: none}).
   */
  private static String signingAlgorithm(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new AccessDenied("the token is not a signed JWT");
    }
    Object algorithm;
    try {
      algorithm = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).getValue("alg");
    } catch (RuntimeException e) {
      throw new AccessDenied("the token is not a JWT");
    }
    if (!SIGNED_WITH.contains(algorithm)) {
      throw new AccessDenied("the token is not signed with HS256, RS256 or ES256");
    }
    return (String) algorithm;
  }

  /** An HS256 token is checked with the shared secret; an RS256 or ES256 one with the keys of UI_JWKS_URL. */
  private Future<User> verify(String token, String algorithm) {
    if ("HS256".equals(algorithm)) {
      return sharedSecret == null ? Future.failedFuture(new AccessDenied("HS256 tokens are not taken here: UI_JWT_SECRET is not set"))
          : authenticate(sharedSecret, token).recover(failure -> Future.failedFuture(denied(failure)));
    }
    if (web == null) {
      return Future.failedFuture(new AccessDenied(algorithm + " tokens are not taken here: UI_JWKS_URL is not set"));
    }
    Future<User> byKeys = published == null ? Future.failedFuture("no keys from UI_JWKS_URL yet") : authenticate(published, token);
    return byKeys.recover(failure -> {
      if (TOKEN_ITSELF.matcher(String.valueOf(failure.getMessage())).find()
          || (fetching == null && System.currentTimeMillis() - fetchedAtMs < MIN_REFETCH_MS)) {
        return Future.failedFuture(refusal(failure));
      }
      // Perhaps signed with a key published since: fetch them again (or wait for the fetch under way), then try again.
      return fetchKeys().compose(fetched -> published == null ? Future.failedFuture(failure) : authenticate(published, token))
          .recover(again -> Future.failedFuture(refusal(again)));
    });
  }

  /** A refusal; but with no key held to check the token with, the service cannot tell: not the token's fault. */
  private RuntimeException refusal(Throwable failure) {
    return published == null
        ? new KeysUnavailable("the sign-in keys of UI_JWKS_URL cannot be fetched; try again shortly")
        : denied(failure);
  }

  /** vertx-auth throws for some well-signed tokens with odd claims (an {@code aud} that is a number): a refusal too. */
  private static Future<User> authenticate(JWTAuth provider, String token) {
    return Future.<Void>succeededFuture().compose(ignored -> provider.authenticate(new TokenCredentials(token)));
  }

  private static Future<Viewer> viewer(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
    if (!(claims.getValue("exp") instanceof Number)) {
      return Future.failedFuture(new AccessDenied("the token has no exp: tokens must expire"));
    }
    Object email = claims.getValue("email");
    Object subject = claims.getValue("sub");
    String person = email instanceof String e && !e.isBlank() ? e : subject instanceof String s && !s.isBlank() ? s : null;
    if (person == null) {
      return Future.failedFuture(new AccessDenied("the token names no one: give an email or sub claim"));
    }
    return Future.succeededFuture(new Viewer(Owners.key(person), "admin".equals(claims.getValue("role")),
        java.time.Instant.ofEpochSecond(((Number) claims.getValue("exp")).longValue())));
  }

  private static AccessDenied denied(Throwable failure) {
    return failure instanceof AccessDenied denied ? denied : new AccessDenied("the token is not valid: " + failure.getMessage());
  }

  private Future<Void> fetchKeys() {
    if (fetching != null) {
      return fetching;
    }
    fetchedAtMs = System.currentTimeMillis();
    fetching = web.getAbs(settings.jwksUrl()).timeout(5_000).send()
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("UI_JWKS_URL answered " + response.statusCode());
          }
          JsonArray keys = response.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
          List<JsonObject> jwks = new ArrayList<>();
          keys.forEach(key -> {
            if (key instanceof JsonObject jwk && !"enc".equals(jwk.getValue("use"))) {
              jwks.add(withAlgorithm(jwk));
            }
          });
          // A provider without keys would take any unsigned token: no keys keeps the ones held (or none).
          if (jwks.isEmpty()) {
            return Future.<Void>failedFuture("UI_JWKS_URL lists no signing key");
          }
          published = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(jwks).setJWTOptions(jwtOptions()));
          LOG.info("JWT keys fetched [url: {}, keys: {}]", settings.jwksUrl(), jwks.size());
          return Future.<Void>succeededFuture();
        })
        .onFailure(e -> LOG.warn("cannot fetch the JWT keys; tokens signed with them are refused until it works [url: {}, error: {}]",
            settings.jwksUrl(), e.getMessage()))
        .eventually(() -> {
          fetching = null;
          return Future.succeededFuture();
        });
    return fetching;
  }

  /** A JWK without {@code alg} gets its key type's usual one (RSA → RS256, EC P-256 → ES256). */
  private static JsonObject withAlgorithm(JsonObject jwk) {
    if (jwk.getValue("alg") instanceof String) {
      return jwk;
    }
    String alg = "EC".equals(jwk.getValue("kty")) ? "ES256" : "RS256";
    return jwk.copy().put("alg", alg);
  }

  private JWTOptions jwtOptions() {
    JWTOptions options = new JWTOptions().setLeeway(LEEWAY_S);
    if (settings.issuer() != null) {
      options.setIssuer(settings.issuer());
    }
    if (settings.audience() != null) {
      options.setAudience(List.of(settings.audience()));
    }
    return options;
  }
}
