package com.targetdialer.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** Which node this is and which nodes are in the cluster (one, when not clustered). */
public final class Membership {

  private final String nodeId;
  private final boolean clustered;
  private final Supplier<List<String>> members;

  private Membership(String nodeId, boolean clustered, Supplier<List<String>> members) {
    this.nodeId = nodeId;
    this.clustered = clustered;
    this.members = members;
  }

  public static Membership single() {
    String id = UUID.randomUUID().toString();
    return new Membership(id, false, () -> List.of(id));
  }

  public static Membership of(HazelcastClusterManager manager) {
    return new Membership(manager.getNodeId(), true, manager::getNodes);
  }

  public String nodeId() {
    return nodeId;
  }

  public int size() {
    return Math.max(1, members.get().size());
  }

  public JsonObject toJson() {
    return new JsonObject().put("clustered", clustered).put("node_id", nodeId).put("members", new JsonArray(members.get()));
  }
}
