package com.targetdialer.config;

import java.util.Arrays;
import java.util.List;

/**
 * Running several nodes over Hazelcast (TCP-IP discovery, no multicast).
 *
 * @param host         this node's address, as the other nodes reach it (Hazelcast and the event bus)
 * @param port         Hazelcast's port (the next ones are tried if taken)
 * @param members      where to find the others: {@code host[:port]}, comma-separated
 * @param eventBusPort the clustered event bus's port; 0 picks a free one (fine on one host, not behind a firewall)
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, List<String> members, int eventBusPort) {

  static ClusterSettings read(SettingReader read) {
    String members = read.string("CLUSTER_MEMBERS");
    return new ClusterSettings(
        read.bool("CLUSTER"),
        read.string("CLUSTER_NAME"),
        read.string("CLUSTER_HOST"),
        read.integer("CLUSTER_PORT", 1, 65535),
        Arrays.stream(members.split(",")).map(String::trim).filter(member -> !member.isEmpty()).toList(),
        read.integer("EVENTBUS_PORT", 0, 65535));
  }
}
