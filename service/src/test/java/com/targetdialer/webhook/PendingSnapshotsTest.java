package com.targetdialer.webhook;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Teams speaker snapshots (vexa-api.md §7): each replaces its speaker key's drafts; the collector's bundles do not. */
class PendingSnapshotsTest {

  private static LiveFrame.Transcript frame(String json) {
    return (LiveFrame.Transcript) LiveFrame.of(json);
  }

  @Test
  @DisplayName("the bot's frame (speaker key, confirmed, pending, no ts) is a snapshot; the collector's (with ts) and single segments are not")
  void whichFramesAreSnapshots() {
    LiveFrame.Transcript bot = frame("""
        {"type":"transcript","meeting":{"id":42},"speaker":"csrc:7","confirmed":[{"segment_id":"t-1","text":"Hello"}],
         "pending":[{"segment_id":"t-2","text":"and th"},{"segment_id":"t-3","text":"so"}]}""");
    LiveFrame.Transcript collector = frame("""
        {"type":"transcript","meeting":{"id":42,"native_id":"9384756102938","platform":"teams"},"speaker":"Jane",
         "confirmed":[],"pending":[{"segment_id":"t-2","text":"and th"}],"ts":"2026-08-20T10:00:16.100Z"}""");
    LiveFrame.Transcript single = frame("""
        {"type":"transcript","meeting":{"id":42},"segment":{"segment_id":"t-9","text":"hi","completed":false}}""");

    assertThat(bot.snapshot()).isEqualTo(new LiveFrame.Snapshot("csrc:7", Set.of("t-2", "t-3"), Set.of("t-1")));
    assertThat(collector.snapshot()).as("change-only: withdraws nothing").isNull();
    assertThat(single.snapshot()).isNull();
  }

  @Test
  @DisplayName("a snapshot withdraws the key's drafts it no longer lists, keeps those it confirms, and leaves other keys and meetings alone")
  void withdrawals() {
    PendingSnapshots snapshots = new PendingSnapshots();

    assertThat(snapshots.withdrawn(42, new LiveFrame.Snapshot("a", Set.of("a-1", "a-2"), Set.of()))).isEmpty();
    assertThat(snapshots.withdrawn(42, new LiveFrame.Snapshot("b", Set.of("b-1"), Set.of()))).isEmpty();
    assertThat(snapshots.withdrawn(43, new LiveFrame.Snapshot("a", Set.of("x-1"), Set.of()))).isEmpty();

    assertThat(snapshots.withdrawn(42, new LiveFrame.Snapshot("a", Set.of("a-3"), Set.of("a-1"))))
        .as("a-1 confirmed, a-2 superseded by a-3").containsExactly("a-2");
    assertThat(snapshots.withdrawn(42, new LiveFrame.Snapshot("a", Set.of(), Set.of())))
        .as("an empty snapshot withdraws all of the key's drafts").containsExactly("a-3");
    assertThat(snapshots.withdrawn(42, new LiveFrame.Snapshot("b", Set.of("b-1", "b-2"), Set.of()))).isEmpty();

    snapshots.forget(43);
    assertThat(snapshots.withdrawn(43, new LiveFrame.Snapshot("a", Set.of(), Set.of()))).as("forgotten with its meeting").isEmpty();
  }
}
