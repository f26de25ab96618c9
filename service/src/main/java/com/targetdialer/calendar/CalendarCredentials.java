package com.targetdialer.calendar;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.auth.oauth2.UserCredentials;
import io.vertx.core.json.DecodeException;
import com.targetdialer.http.JsonFields;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Google credentials of one connected calendar, with google-auth-library: OAuth user credentials
 * ({@code authorized_user}: client id, client secret, refresh token) or a service account with
 * domain-wide delegation ({@code service_account} + {@code subject}). The token server is always
 * GOOGLE_TOKEN_URI, so tests and the demo can point it at the simulator.
 *
 * <p>{@link #accessToken} blocks (HTTP on the calling thread): run it with {@code executeBlocking}.
 */
final class CalendarCredentials {

  static final String AUTHORIZED_USER = "authorized_user";
  static final String SERVICE_ACCOUNT = "service_account";
  /** The least that lists, gets and watches events. */
  static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/calendar.events.readonly");

  private static final URI DEFAULT_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");
  /** Token endpoint errors that no retry will fix. */
  private static final Set<String> REAUTH_ERRORS = Set.of("invalid_grant");
  private static final Set<String> CONFIG_ERRORS = Set.of("invalid_client", "unauthorized_client", "invalid_scope", "unsupported_grant_type");

  private CalendarCredentials() {
  }

  /** Throws IllegalArgumentException (a message fit for a 400 or a config error) when the JSON cannot make credentials. */
  static void validate(String type, JsonObject json) {
    build(type, json, DEFAULT_TOKEN_URI);
  }

  static GoogleCredentials build(String type, JsonObject json, URI tokenUri) {
    return switch (type) {
      case AUTHORIZED_USER -> UserCredentials.newBuilder()
          .setClientId(required(json, "client_id"))
          .setClientSecret(required(json, "client_secret"))
          .setRefreshToken(required(json, "refresh_token"))
          .setTokenServerUri(tokenUri)
          .build();
      case SERVICE_ACCOUNT -> serviceAccount(json, tokenUri);
      default -> throw new IllegalArgumentException("credentials.type must be authorized_user or service_account, got '" + type + "'");
    };
  }

  private static GoogleCredentials serviceAccount(JsonObject json, URI tokenUri) {
    String subject = required(json, "subject");
    if (!subject.contains("@")) {
      throw new IllegalArgumentException("subject must be the email of the user whose calendar is read, got '" + subject + "'");
    }
    JsonObject key = json.copy();
    key.remove("subject");
    ServiceAccountCredentials account;
    try {
      account = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(key.encode().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("credentials are not a usable service account key: " + firstLine(e.getMessage()));
    }
    return account.toBuilder().setTokenServerUri(tokenUri).setScopes(SCOPES).build().createDelegated(subject);
  }

  private static String required(JsonObject json, String field) {
    String value = JsonFields.text(json, field);
    if (value == null) {
      throw new IllegalArgumentException("credentials." + field + " is required for " + json.getString("type") + " credentials");
    }
    return value;
  }

  /** A valid access token, refreshed first when it is missing or about to expire. Blocking. */
  static String accessToken(GoogleCredentials credentials) throws IOException {
    credentials.refreshIfExpired();
    AccessToken token = credentials.getAccessToken();
    if (token == null) {
      credentials.refresh();
      token = credentials.getAccessToken();
    }
    return token.getTokenValue();
  }

  /** A new access token whatever the cached one says (after a 401 from Calendar). Blocking. */
  static String refreshedToken(GoogleCredentials credentials) throws IOException {
    credentials.refresh();
    return credentials.getAccessToken().getTokenValue();
  }

  /** What a failed token request means for the calendar. */
  enum Failure {
    /** invalid_grant: the refresh token was revoked or expired, or the user is gone; the user must consent again. */
    REAUTH,
    /** The client, the delegation or the scopes are wrong: an operator must fix the setup. */
    CONFIG,
    /** Anything else (5xx, 429, I/O): retry later. */
    TRANSIENT
  }

  static Failure classify(Throwable failure) {
    HttpResponseException http = httpCause(failure);
    if (http == null) {
      return Failure.TRANSIENT;
    }
    String error = oauthError(http);
    if (error != null && REAUTH_ERRORS.contains(error)) {
      return Failure.REAUTH;
    }
    if (error != null && CONFIG_ERRORS.contains(error)) {
      return Failure.CONFIG;
    }
    int status = http.getStatusCode();
    return status >= 400 && status < 500 && status != 408 && status != 429 ? Failure.CONFIG : Failure.TRANSIENT;
  }

  /** {@code invalid_grant: Token has been expired or revoked.}: the token endpoint's own words, never a secret. */
  static String describe(Throwable failure) {
    HttpResponseException http = httpCause(failure);
    if (http == null) {
      return "token request failed: " + firstLine(String.valueOf(failure.getMessage()));
    }
    String error = oauthError(http);
    if (error == null) {
      return "token endpoint answered " + http.getStatusCode();
    }
    String description = null;
    try {
      description = new JsonObject(http.getContent()).getString("error_description");
    } catch (DecodeException | ClassCastException | NullPointerException ignored) {
      // only the code then
    }
    return description == null ? error : error + ": " + description;
  }

  private static String oauthError(HttpResponseException http) {
    String content = http.getContent();
    if (content == null || content.isBlank()) {
      return null;
    }
    try {
      Object error = new JsonObject(content).getValue("error");
      return error instanceof String text ? text : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static HttpResponseException httpCause(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 10; depth++) {
      if (cause instanceof HttpResponseException http) {
        return http;
      }
      cause = cause.getCause();
    }
    return null;
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
