package com.targetdialer.cluster;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.targetdialer.config.ClusterSettings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;

/** Builds the Hazelcast cluster manager from {@code conf/cluster.xml} and the CLUSTER_* settings. */
public final class ClusterNode {

  private ClusterNode() {
  }

  public static HazelcastClusterManager manager(ClusterSettings settings) {
    Config config = new ClasspathXmlConfig("conf/cluster.xml");
    config.setClusterName(settings.name());
    config.getNetworkConfig().setPort(settings.port()).setPortAutoIncrement(true);
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(settings.host()));
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    return new HazelcastClusterManager(config);
  }

  /** The event bus listens on CLUSTER_HOST too, so other nodes can reach it. */
  public static EventBusOptions eventBus(ClusterSettings settings) {
    return new EventBusOptions().setHost(settings.host()).setPort(settings.eventBusPort());
  }
}
