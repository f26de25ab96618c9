package com.targetdialer.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Layers the configuration: the defaults in {@code conf/config.json}, then the file named by
 * {@code -conf} or {@code TD_CONFIG}, then environment variables. A later layer wins. Only
 * environment variables that name a known setting are taken, so the rest of the environment
 * never leaks in.
 */
public final class ConfigLoader {

  public static final String CONFIG_FILE_ENV = "TD_CONFIG";
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {
  }

  /** The defaults shipped in the jar; every known setting has a key there. */
  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("/conf/config.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("conf/config.json missing from the classpath", e);
    }
  }

  /**
   * @param confFile the {@code -conf} argument, or null to fall back to {@code TD_CONFIG}
   * @param env      the process environment (a map, so tests can supply their own)
   */
  public static Future<JsonObject> load(Vertx vertx, String confFile, Map<String, String> env) {
    JsonObject defaults = defaults();
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setScanPeriod(0)
        .setIncludeDefaultStores(false)
        .addStore(json(defaults));
    String file = confFile != null ? confFile : env.get(CONFIG_FILE_ENV);
    if (file != null && !file.isBlank()) {
      checkReadableJson(file);
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", file)));
    }
    JsonObject fromEnv = new JsonObject();
    env.forEach((name, value) -> {
      if (defaults.containsKey(name)) {
        fromEnv.put(name, value);
      }
    });
    options.addStore(json(fromEnv));

    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .onSuccess(merged -> warnAboutUnknownKeys(merged, defaults))
        .eventually(retriever::close);
  }

  private static ConfigStoreOptions json(JsonObject config) {
    return new ConfigStoreOptions().setType("json").setConfig(config);
  }

  // Fail with a clear line before vertx-config reports a parse error deep in its stack.
  private static void checkReadableJson(String file) {
    Path path = Path.of(file);
    if (!Files.isReadable(path)) {
      throw new ConfigException(CONFIG_FILE_ENV, "config file " + path.toAbsolutePath() + " does not exist or is not readable");
    }
    try {
      new JsonObject(Files.readString(path));
    } catch (DecodeException e) {
      throw new ConfigException(CONFIG_FILE_ENV, "config file " + path + " is not a JSON object: " + firstLine(e.getMessage()));
    } catch (IOException e) {
      throw new ConfigException(CONFIG_FILE_ENV, "cannot read config file " + path + ": " + e.getMessage());
    }
  }

  private static void warnAboutUnknownKeys(JsonObject merged, JsonObject defaults) {
    merged.fieldNames().stream()
        .filter(name -> !defaults.containsKey(name))
        .forEach(name -> LOG.warn("ignoring unknown setting [name: {}] in the config file", name));
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
