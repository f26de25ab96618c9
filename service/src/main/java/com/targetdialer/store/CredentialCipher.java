package com.targetdialer.store;

import com.targetdialer.config.CalendarSettings;
import com.targetdialer.config.ConfigException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts credentials before they reach Postgres (a calendar's OAuth grant, a call's passcode): AES-256-GCM with TD_ENCRYPTION_KEY, a random
 * 96-bit nonce per value, and what the value belongs to (the calendar id, the call) as associated data (a
 * blob copied to another row does not decrypt). Stored form: version byte 1, nonce, ciphertext with its 128-bit tag.
 *
 * <p>Without TD_ENCRYPTION_KEY, on the embedded single-node default (no DATABASE_URL), a key is generated
 * once into {@code DATA_DIR/encryption.key} (mode 0600) next to the data it protects. With DATABASE_URL
 * and no key the cipher is {@linkplain #available() unavailable}: calendars cannot be connected.
 */
public final class CredentialCipher {

  public static final String KEY_FILE = "encryption.key";
  private static final Logger LOG = LoggerFactory.getLogger(CredentialCipher.class);
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private CredentialCipher(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key, "AES");
  }

  public static CredentialCipher of(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("an AES-256 key has 32 bytes");
    }
    return new CredentialCipher(key.clone());
  }

  /** A cipher that refuses every call; {@link #available()} is false. */
  public static CredentialCipher unavailable() {
    return new CredentialCipher(null);
  }

  /**
   * TD_ENCRYPTION_KEY when set; otherwise, with the embedded database, the key kept in (or generated into)
   * {@code DATA_DIR/encryption.key}; otherwise unavailable. Blocking (file I/O): call it before deploying.
   */
  public static CredentialCipher resolve(CalendarSettings settings, boolean embeddedDatabase, Path dataDir) {
    if (settings.encryptionKey() != null) {
      return of(CalendarSettings.decodeKey(settings.encryptionKey()));
    }
    if (!embeddedDatabase) {
      LOG.warn("{} is not set: calendars cannot be connected on this node (POST /calendars answers 503); "
          + "set it to 32 random bytes in base64, the same on every node", CalendarSettings.KEY_SETTING);
      return unavailable();
    }
    Path file = dataDir.resolve(KEY_FILE);
    try {
      return of(readOrCreate(file));
    } catch (IOException e) {
      throw new ConfigException(CalendarSettings.KEY_SETTING, "not set, and the key file " + file.toAbsolutePath().normalize()
          + " cannot be read or created: " + e.getMessage());
    }
  }

  private static byte[] readOrCreate(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      byte[] fresh = new byte[32];
      RANDOM.nextBytes(fresh);
      try {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), KEY_FILE, ".tmp");
        restrict(temp);
        Files.writeString(temp, Base64.getEncoder().encodeToString(fresh) + "\n");
        Files.move(temp, file); // fails if another process created it first: then read theirs
        LOG.info("generated the credential encryption key [file: {}]; back it up with the data directory",
            file.toAbsolutePath().normalize());
        return fresh;
      } catch (FileAlreadyExistsException raced) {
        // fall through and read the winner's key
      }
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      return CalendarSettings.decodeKey(text);
    } catch (ConfigException e) {
      throw new IOException("it does not hold 32 bytes in base64", e);
    }
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      file.toFile().setReadable(false, false);
      file.toFile().setReadable(true, true);
      file.toFile().setWritable(false, false);
      file.toFile().setWritable(true, true);
    }
  }

  public boolean available() {
    return key != null;
  }

  public byte[] encrypt(JsonObject credentials, String calendarId) {
    return encrypt(credentials.encode().getBytes(StandardCharsets.UTF_8), calendarId);
  }

  public JsonObject decryptJson(byte[] blob, String calendarId) {
    return new JsonObject(new String(decrypt(blob, calendarId), StandardCharsets.UTF_8));
  }

  /** A secret text sealed for what it belongs to; null stays null. */
  public byte[] seal(String secret, String belongsTo) {
    return secret == null ? null : encrypt(secret.getBytes(StandardCharsets.UTF_8), belongsTo);
  }

  /** The text {@link #seal} sealed; null stays null. */
  public String open(byte[] sealed, String belongsTo) {
    return sealed == null ? null : new String(decrypt(sealed, belongsTo), StandardCharsets.UTF_8);
  }

  byte[] encrypt(byte[] plaintext, String associated) {
    requireKey();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plaintext);
      byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
      out[0] = VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Throws {@link CredentialCipher.DecryptionException} for a wrong key, another row's blob or a tampered value. */
  byte[] decrypt(byte[] blob, String associated) {
    requireKey();
    if (blob == null || blob.length < 1 + NONCE_BYTES + TAG_BITS / 8 || blob[0] != VERSION) {
      throw new DecryptionException("stored credentials are not in the expected format");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, blob, 1, NONCE_BYTES));
      cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(blob, 1 + NONCE_BYTES, blob.length - 1 - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new DecryptionException("stored credentials do not decrypt: " + CalendarSettings.KEY_SETTING
          + " differs from the key they were stored with");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  private void requireKey() {
    if (key == null) {
      throw new DecryptionException(CalendarSettings.KEY_SETTING + " is not set on this node");
    }
  }

  /** The credentials cannot be read with this node's key. */
  public static final class DecryptionException extends RuntimeException {
    DecryptionException(String message) {
      super(message, null, false, false);
    }
  }
}
