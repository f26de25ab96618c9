package com.targetdialer.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/** Tokens as TargetDialer's web app would mint them (signed by vertx-auth-jwt), and the JWKS keys that check them. */
public final class Jwts {

  private Jwts() {
  }

  public static String hs256(Vertx vertx, String secret, JsonObject claims) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)))
        .generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  public static String rs256(Vertx vertx, KeyPair pair, String kid, JsonObject claims) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem).setId(kid)))
        .generateToken(claims, new JWTOptions().setAlgorithm("RS256"));
  }

  public static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  /** The public half as a JWKS endpoint lists it. */
  public static JsonObject jwk(KeyPair pair, String kid) {
    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
        .put("n", base64(key.getModulus())).put("e", base64(key.getPublicExponent()));
  }

  /** The {@code alg: none} attack: a token with no signature, made by hand on purpose. */
  public static String unsigned(JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".";
  }

  private static String base64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(bytes, skip, bytes.length));
  }
}
