package com.targetdialer.access;

import java.util.Locale;
import java.util.regex.Pattern;

/** How a person is written in td_meeting_owners: an email, trimmed and lowercased, so every source matches. */
public final class Owners {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,200}@[^@\\s]{1,200}$");

  private Owners() {
  }

  public static boolean isEmail(String text) {
    return text != null && EMAIL.matcher(text.trim()).matches();
  }

  /** The person as owners are kept: trimmed, lowercased. */
  public static String key(String person) {
    return person.trim().toLowerCase(Locale.ROOT);
  }
}
