package com.targetdialer.platform;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The meeting platforms Vexa 0.12 sends bots to, by the names its API uses. */
public enum Platform {
  GOOGLE_MEET("google_meet", "Google Meet"),
  ZOOM("zoom", "Zoom"),
  TEAMS("teams", "Microsoft Teams"),
  JITSI("jitsi", "Jitsi");

  private final String wire;
  private final String displayName;

  Platform(String wire, String displayName) {
    this.wire = wire;
    this.displayName = displayName;
  }

  /** For people: "Zoom", "Microsoft Teams". */
  public String displayName() {
    return displayName;
  }

  /** The name in Vexa's API, our database and our JSON. */
  public String wire() {
    return wire;
  }

  /** The platform of a Vexa name, or null for anything else. */
  public static Platform of(String wire) {
    if (wire == null) {
      return null;
    }
    String name = wire.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(p -> p.wire.equals(name)).findFirst().orElse(null);
  }

  /** "google_meet, zoom, teams, jitsi": for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(Platform::wire).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return wire;
  }
}
