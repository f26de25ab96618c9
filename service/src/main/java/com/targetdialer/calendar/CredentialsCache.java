package com.targetdialer.calendar;

import com.targetdialer.store.CredentialCipher;
import com.google.auth.oauth2.GoogleCredentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One google-auth credentials object per calendar, kept while its stored (encrypted) blob is the
 * same, since it caches the access token. Token refreshes are blocking calls: they run with
 * {@code executeBlocking}, never on the event loop. Used from the verticle's event loop only.
 */
final class CredentialsCache {

  private record Cached(byte[] encrypted, GoogleCredentials credentials) {
  }

  private final Vertx vertx;
  private final CredentialCipher cipher;
  private final URI tokenUri;
  private final Map<String, Cached> cached = new HashMap<>();

  CredentialsCache(Vertx vertx, CredentialCipher cipher, URI tokenUri) {
    this.vertx = vertx;
    this.cipher = cipher;
    this.tokenUri = tokenUri;
  }

  /** The calendar's access tokens; throws when its credentials cannot be decrypted or read. */
  GoogleCalendarClient.Tokens tokens(String id, String type, byte[] encrypted) {
    GoogleCredentials google = credentials(id, type, encrypted);
    return new GoogleCalendarClient.Tokens() {
      @Override
      public Future<String> current() {
        return vertx.executeBlocking(() -> CalendarCredentials.accessToken(google), false)
            .recover(e -> Future.failedFuture(new TokenFailure(e)));
      }

      @Override
      public Future<String> refreshed() {
        return vertx.executeBlocking(() -> CalendarCredentials.refreshedToken(google), false)
            .recover(e -> Future.failedFuture(new TokenFailure(e)));
      }
    };
  }

  /** New credentials were stored, or the grant was revoked: build them afresh next time. */
  void forget(String id) {
    cached.remove(id);
  }

  private GoogleCredentials credentials(String id, String type, byte[] encrypted) {
    Cached known = cached.get(id);
    if (known != null && Arrays.equals(known.encrypted(), encrypted)) {
      return known.credentials();
    }
    JsonObject json = cipher.decryptJson(encrypted, id);
    GoogleCredentials built = CalendarCredentials.build(type, json, tokenUri);
    cached.put(id, new Cached(encrypted, built));
    return built;
  }
}
