package com.targetdialer.access;

import com.targetdialer.config.AccessSettings;
import com.targetdialer.testing.Jwts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ViewerAuth alone, against a JWKS endpoint that works, is down, or lists nothing. */
class ViewerAuthTest {

  private static final String SECRET = "viewer-auth-test-secret-0123456789ab";

  private Vertx vertx;
  private volatile int status = 200;
  private volatile JsonArray keys = new JsonArray();
  private String jwksUrl;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    int port = vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(status)
        .end(new JsonObject().put("keys", keys).encode())).listen(0, "127.0.0.1").await().actualPort();
    jwksUrl = "http://127.0.0.1:" + port + "/jwks";
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("JWKS down since the start: a key-signed token cannot be checked (503), the shared secret's tokens still work or are refused")
  void keysUnavailable() throws Exception {
    status = 500;
    ViewerAuth auth = started();
    KeyPair pair = Jwts.rsa();

    assertThatThrownBy(() -> auth.authenticate(rsaToken(pair, "k1", "bob@example.com")).await()).isInstanceOf(KeysUnavailable.class);
    assertThat(auth.authenticate(hsToken(SECRET, "alice@example.com")).await().person()).isEqualTo("alice@example.com");
    assertThatThrownBy(() -> auth.authenticate(hsToken("another-secret-another-secret-012345", "alice@example.com")).await())
        .isInstanceOf(AccessDenied.class);
    auth.close();
  }

  @Test
  @DisplayName("keys published: a token signed with one is a person; an empty key list keeps the keys held, so nothing unsigned gets in")
  void keysPublished() throws Exception {
    KeyPair pair = Jwts.rsa();
    keys = new JsonArray().add(Jwts.jwk(pair, "k1"));
    ViewerAuth auth = started();

    Viewer bob = auth.authenticate(rsaToken(pair, "k1", "Bob@Example.com")).await();
    assertThat(bob.person()).isEqualTo("bob@example.com");
    assertThat(bob.admin()).isFalse();
    assertThat(bob.expiresAt()).isAfter(Instant.now());
    String unsignedAdmin = Jwts.unsigned(new JsonObject().put("email", "eve@example.com").put("role", "admin")
        .put("exp", Instant.now().getEpochSecond() + 600));
    assertThatThrownBy(() -> auth.authenticate(unsignedAdmin).await()).isInstanceOf(AccessDenied.class);
    auth.close();
  }

  private ViewerAuth started() {
    ViewerAuth auth = new ViewerAuth(vertx, new AccessSettings(SECRET, jwksUrl, 3600, null, null), "operator-token-0123456789");
    auth.start().await();
    return auth;
  }

  private String hsToken(String secret, String email) {
    return Jwts.hs256(vertx, secret, new JsonObject().put("email", email).put("exp", Instant.now().getEpochSecond() + 600));
  }

  private String rsaToken(KeyPair pair, String kid, String email) {
    return Jwts.rs256(vertx, pair, kid, new JsonObject().put("email", email).put("exp", Instant.now().getEpochSecond() + 600));
  }
}
