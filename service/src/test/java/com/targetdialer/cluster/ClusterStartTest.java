package com.targetdialer.cluster;

import com.targetdialer.config.ConfigException;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.TestStores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(TestStores.class)
class ClusterStartTest {

  @Test
  @DisplayName("a node whose clustered event-bus port is taken names EVENTBUS_PORT and that port, not the Hazelcast port")
  void eventBusPortTaken() throws Exception {
    int hazelcastPort;
    try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      hazelcastPort = free.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Map<String, String> env = RunningService.env(TestStores.newDatabase(), TestStores.redis());
      env.put("CLUSTER", "true");
      env.put("CLUSTER_HOST", "127.0.0.1");
      env.put("CLUSTER_PORT", String.valueOf(hazelcastPort));
      env.put("CLUSTER_MEMBERS", "127.0.0.1:" + hazelcastPort);
      env.put("EVENTBUS_PORT", String.valueOf(taken.getLocalPort()));

      assertThatThrownBy(() -> RunningService.start(env))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("EVENTBUS_PORT")
          .hasMessageContaining("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
    }
  }
}
