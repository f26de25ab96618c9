package com.targetdialer.webhook;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The drafts each speaker key of a followed meeting had in its last Teams speaker snapshot (vexa-api.md §7):
 * a snapshot replaces the key's drafts, so a draft the previous one listed and this one neither lists
 * nor confirms was withdrawn by the bot. Kept per Vexa meeting id while it is followed; a draft left
 * behind by a node restart is dropped when the meeting ends, as every stale draft is.
 */
final class PendingSnapshots {

  private final Map<Long, Map<String, Set<String>>> pendingByMeeting = new HashMap<>();

  /** Records the snapshot; returns the drafts it withdrew. */
  Set<String> withdrawn(long vexaMeetingId, LiveFrame.Snapshot snapshot) {
    Map<String, Set<String>> bySpeaker = pendingByMeeting.computeIfAbsent(vexaMeetingId, id -> new HashMap<>());
    Set<String> before = snapshot.pendingIds().isEmpty()
        ? bySpeaker.remove(snapshot.speakerKey())
        : bySpeaker.put(snapshot.speakerKey(), Set.copyOf(snapshot.pendingIds()));
    if (bySpeaker.isEmpty()) {
      pendingByMeeting.remove(vexaMeetingId);
    }
    if (before == null) {
      return Set.of();
    }
    Set<String> gone = new HashSet<>(before);
    gone.removeAll(snapshot.pendingIds());
    gone.removeAll(snapshot.confirmedIds());
    return gone;
  }

  void forget(long vexaMeetingId) {
    pendingByMeeting.remove(vexaMeetingId);
  }
}
