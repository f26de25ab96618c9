package com.targetdialer.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.UUID;

/** New names and ports for a run's meetings, inboxes and servers, so none meets an earlier one's. */
final class Fresh {

  private Fresh() {
  }

  /** Eight hex characters of a random UUID. */
  static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** A loopback port free right now (the OS picks it; the socket is closed again before it is used). */
  static int port() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
