package com.targetdialer.store;

import com.targetdialer.config.RedisUrl;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Redis server run by the service itself when no REDIS_URL is given, with append-only
 * persistence in its data directory (fsync every second), listening on loopback only.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

  private final RedisServer redis;
  private final int port;

  private EmbeddedRedisServer(RedisServer redis, int port) {
    this.redis = redis;
    this.port = port;
  }

  public static EmbeddedRedisServer start(Path dataDir, int port) throws IOException {
    Path dir = Files.createDirectories(dataDir).toAbsolutePath();
    Path pidFile = dir.resolve("redis.pid");
    StaleProcess.stopIfRunning(pidFile, "redis-server");
    int chosenPort = port > 0 ? port : freePort();
    RedisServer redis = RedisServer.newRedisServer()
        .port(chosenPort)
        .bind("127.0.0.1")
        .setting("dir " + dir)
        .setting("pidfile " + pidFile)
        .setting("appendonly yes")
        .setting("appendfsync everysec")
        .setting("save \"\"")
        .build();
    redis.start();
    return new EmbeddedRedisServer(redis, chosenPort);
  }

  public RedisUrl url() {
    return RedisUrl.local(port);
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    redis.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
