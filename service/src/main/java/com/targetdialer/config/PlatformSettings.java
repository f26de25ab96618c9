package com.targetdialer.config;

import com.targetdialer.platform.MeetingLinks;
import com.targetdialer.platform.Platform;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which calls get a bot.
 *
 * @param enabled    ENABLED_PLATFORMS: the platforms bots are sent to; a calendar event on another is skipped with that reason
 * @param jitsiHosts JITSI_HOSTS: self-hosted Jitsi deployments whose rooms count as calls (meet.jit.si always does)
 */
public record PlatformSettings(Set<Platform> enabled, List<String> jitsiHosts) {

  public PlatformSettings {
    enabled = Set.copyOf(enabled);
    jitsiHosts = List.copyOf(jitsiHosts);
  }

  static PlatformSettings read(SettingReader read) {
    Set<Platform> enabled = EnumSet.noneOf(Platform.class);
    for (String name : read.string("ENABLED_PLATFORMS").split(",")) {
      if (name.isBlank()) {
        continue;
      }
      Platform platform = Platform.of(name);
      if (platform == null) {
        throw new ConfigException("ENABLED_PLATFORMS", "'" + name.trim() + "' is not one of " + Platform.names());
      }
      enabled.add(platform);
    }
    if (enabled.isEmpty()) {
      throw new ConfigException("ENABLED_PLATFORMS", "names no platform: give at least one of " + Platform.names());
    }
    String hosts = read.optionalString("JITSI_HOSTS");
    List<String> jitsiHosts = hosts == null ? List.of()
        : Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
    for (String host : jitsiHosts) {
      if (!host.matches("(?i)[a-z0-9-]+(\\.[a-z0-9-]+)+")) {
        throw new ConfigException("JITSI_HOSTS", "'" + host + "' is not a host name (give names like jitsi.example.com, comma-separated)");
      }
    }
    return new PlatformSettings(enabled, jitsiHosts);
  }

  public boolean enabled(Platform platform) {
    return enabled.contains(platform);
  }

  public MeetingLinks links() {
    return new MeetingLinks(jitsiHosts);
  }
}
