package com.targetdialer.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's settings table, the shipped defaults and the names the service reads say the same. */
class SettingsDocsTest {

  /** Read before any config exists: the config file's own name, and the log level logback reads. */
  private static final Set<String> OUTSIDE_THE_CONFIG = Set.of("TD_CONFIG", "TD_LOG_LEVEL");
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z_]+)` \\| ([^|]+) \\|");

  @Test
  @DisplayName("every setting is in conf/config.json, read by Settings and documented in the README with the same default")
  void sameNamesEverywhere() throws IOException {
    JsonObject defaults = ConfigLoader.defaults();
    Set<String> read = new TreeSet<>();
    Settings.from(new JsonObject(defaults.getMap()) {
      @Override
      public Object getValue(String key) {
        read.add(key);
        return super.getValue(key);
      }
    });
    Map<String, String> documented = readmeTable();

    assertThat(read).as("names Settings reads").isEqualTo(new TreeSet<>(defaults.fieldNames()));
    Set<String> documentedConfig = new HashSet<>(documented.keySet());
    documentedConfig.removeAll(OUTSIDE_THE_CONFIG);
    assertThat(new TreeSet<>(documentedConfig)).as("names in the README's table").isEqualTo(new TreeSet<>(defaults.fieldNames()));
    defaults.forEach(entry -> {
      if (entry.getValue() != null) {
        String shipped = entry.getValue() instanceof JsonArray array ? array.encode() : String.valueOf(entry.getValue());
        assertThat(documented.get(entry.getKey())).as("README default of " + entry.getKey()).isEqualTo("`" + shipped + "`");
      }
    });
  }

  private static Map<String, String> readmeTable() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(Path.of("../README.md"))) {
      if (line.startsWith("| setting | default | meaning |")) {
        inTable = true;
      } else if (inTable && !line.startsWith("|")) {
        break;
      } else if (inTable) {
        Matcher row = ROW.matcher(line);
        if (row.find()) {
          rows.put(row.group(1), row.group(2).trim());
        }
      }
    }
    return rows;
  }
}
