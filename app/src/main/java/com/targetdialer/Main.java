package com.targetdialer;

import com.targetdialer.config.ConfigException;
import com.targetdialer.demo.Demo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.IOException;

/**
 * {@code java -jar targetdialer.jar [--cluster] [-conf file]}: the service; {@code ... demo}: the
 * service against the Google Calendar and Vexa simulators. A bad setting is one line and exit code 2.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    try {
      boolean demo = args.length > 0 && args[0].equals("demo");
      TargetDialer service = demo ? Demo.run(System.getenv()) : TargetDialer.start(Arguments.parse(args), System.getenv());
      Runtime.getRuntime().addShutdownHook(new Thread(service::stop, "td-shutdown"));
    } catch (ConfigException e) {
      System.err.println("targetdialer: cannot start: " + e.getMessage());
      System.exit(2);
    } catch (RuntimeException | IOException e) {
      LOG.error("targetdialer: cannot start", e);
      System.exit(1);
    }
  }
}
