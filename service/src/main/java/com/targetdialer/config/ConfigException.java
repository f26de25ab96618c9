package com.targetdialer.config;

/** A setting that stops the start: the message names the setting and what is wrong with it. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem);
  }
}
