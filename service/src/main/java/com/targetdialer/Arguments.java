package com.targetdialer;

import com.targetdialer.config.ConfigException;

/** The command line: {@code [-conf <file>] [--cluster]}. */
public record Arguments(String configFile, boolean cluster) {

  public static Arguments parse(String... args) {
    String configFile = null;
    boolean cluster = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-cluster", "--cluster" -> cluster = true;
        case "-conf", "--conf" -> {
          if (i + 1 >= args.length) {
            throw new ConfigException("-conf", "needs a file name");
          }
          configFile = args[++i];
        }
        default -> throw new ConfigException("arguments", "unknown argument '" + args[i] + "' (usage: java -jar targetdialer.jar [-conf <file>] [--cluster])");
      }
    }
    return new Arguments(configFile, cluster);
  }
}
