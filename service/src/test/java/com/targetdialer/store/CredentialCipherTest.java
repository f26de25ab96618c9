package com.targetdialer.store;

import com.targetdialer.config.CalendarSettings;
import com.targetdialer.config.ConfigException;
import com.targetdialer.config.ConfigLoader;
import com.targetdialer.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialCipherTest {

  private static final JsonObject CREDENTIALS = new JsonObject().put("type", "authorized_user").put("client_id", "id.apps")
      .put("client_secret", "s3cret").put("refresh_token", "1//refresh-token-value");

  private static String randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static CalendarSettings settings(String key) {
    JsonObject config = ConfigLoader.defaults();
    if (key != null) {
      config.put("TD_ENCRYPTION_KEY", key);
    }
    return Settings.from(config).calendar();
  }

  @Test
  @DisplayName("AES-GCM round trip; the blob holds no plaintext, differs every time, and is bound to its calendar id")
  void roundTrip() {
    CredentialCipher cipher = CredentialCipher.of(CalendarSettings.decodeKey(randomKey()));

    byte[] first = cipher.encrypt(CREDENTIALS, "alice");
    byte[] second = cipher.encrypt(CREDENTIALS, "alice");

    assertThat(cipher.decryptJson(first, "alice")).isEqualTo(CREDENTIALS);
    assertThat(first).isNotEqualTo(second);
    assertThat(new String(first, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("s3cret").doesNotContain("refresh");
    assertThatThrownBy(() -> cipher.decryptJson(first, "bob")).isInstanceOf(CredentialCipher.DecryptionException.class);
    byte[] tampered = first.clone();
    tampered[tampered.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decryptJson(tampered, "alice")).isInstanceOf(CredentialCipher.DecryptionException.class);
  }

  @Test
  @DisplayName("another key cannot decrypt, and says TD_ENCRYPTION_KEY differs")
  void wrongKey() {
    byte[] blob = CredentialCipher.of(CalendarSettings.decodeKey(randomKey())).encrypt(CREDENTIALS, "alice");

    assertThatThrownBy(() -> CredentialCipher.of(CalendarSettings.decodeKey(randomKey())).decryptJson(blob, "alice"))
        .hasMessageContaining("TD_ENCRYPTION_KEY differs");
  }

  @Test
  @DisplayName("on the embedded default the key is generated once into DATA_DIR with mode 0600 and read back after a restart")
  void generatedKeyFile(@TempDir Path dataDir) throws Exception {
    CredentialCipher first = CredentialCipher.resolve(settings(null), true, dataDir);
    Path file = dataDir.resolve(CredentialCipher.KEY_FILE);

    assertThat(first.available()).isTrue();
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    byte[] blob = first.encrypt(CREDENTIALS, "alice");
    CredentialCipher second = CredentialCipher.resolve(settings(null), true, dataDir);
    assertThat(second.decryptJson(blob, "alice")).isEqualTo(CREDENTIALS);
    try (var files = Files.list(dataDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(CredentialCipher.KEY_FILE);
    }
  }

  @Test
  @DisplayName("with DATABASE_URL no key is generated: the cipher is unavailable, and config calendars make the start fail naming TD_ENCRYPTION_KEY")
  void requiredWithExternalDatabase(@TempDir Path dataDir) {
    CredentialCipher cipher = CredentialCipher.resolve(settings(null), false, dataDir);

    assertThat(cipher.available()).isFalse();
    assertThat(dataDir.resolve(CredentialCipher.KEY_FILE)).doesNotExist();
    JsonObject config = ConfigLoader.defaults().put("DATABASE_URL", "postgresql://td@db:5432/td")
        .put("calendars", new JsonArray().add(new JsonObject().put("id", "alice").put("credentials", CREDENTIALS)));
    assertThatThrownBy(() -> Settings.from(config)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TD_ENCRYPTION_KEY: is required with DATABASE_URL when calendars are connected");
  }

  @Test
  @DisplayName("a malformed key or key file is a config error naming TD_ENCRYPTION_KEY")
  void malformedKeys(@TempDir Path dataDir) throws Exception {
    assertThatThrownBy(() -> settings("not base64 !!")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("TD_ENCRYPTION_KEY: not base64");
    assertThatThrownBy(() -> settings(Base64.getEncoder().encodeToString(new byte[16])))
        .hasMessage("TD_ENCRYPTION_KEY: must be 32 bytes in base64 (AES-256), got 16 bytes");
    Files.writeString(dataDir.resolve(CredentialCipher.KEY_FILE), "short");
    assertThatThrownBy(() -> CredentialCipher.resolve(settings(null), true, dataDir)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("TD_ENCRYPTION_KEY: not set, and the key file");
  }
}
