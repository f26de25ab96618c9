package com.targetdialer;

import com.targetdialer.config.ConfigException;

/** The command line: {@code [-conf <file>]}. */
public record Arguments(String configFile) {

  public static Arguments parse(String... args) {
    String configFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-conf", "--conf" -> {
          if (i + 1 >= args.length) {
            throw new ConfigException("-conf", "needs a file name");
          }
          configFile = args[++i];
        }
        default -> throw new ConfigException("arguments", "unknown argument '" + args[i] + "' (usage: java -jar targetdialer.jar [-conf <file>])");
      }
    }
    return new Arguments(configFile);
  }
}
