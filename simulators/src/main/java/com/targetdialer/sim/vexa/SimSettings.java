package com.targetdialer.sim.vexa;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knobs tests and the demo turn from any thread while the simulator runs on its own context:
 * volatile fields and concurrent maps, read fresh on every request.
 */
final class SimSettings {

  volatile String apiKey = "sim-key";
  volatile int maxConcurrentBots = 100;
  volatile boolean legacy010;
  volatile BotScript defaultScript = BotScript.normal();
  /** Vexa's {@code VEXA_JITSI_HOSTS}: lowercased self-hosted Jitsi hostnames. */
  volatile Set<String> jitsiHosts = Set.of();
  final Map<String, List<BotScript>> scripts = new ConcurrentHashMap<>();

  /** Attempt {@code i} (0-based) of a native id uses script {@code i}; the last one repeats. */
  BotScript scriptFor(String nativeId, int attempt) {
    List<BotScript> list = scripts.get(nativeId);
    if (list == null || list.isEmpty()) {
      return defaultScript;
    }
    return list.get(Math.min(attempt, list.size() - 1));
  }
}
