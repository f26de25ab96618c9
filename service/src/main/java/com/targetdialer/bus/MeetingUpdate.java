package com.targetdialer.bus;

import com.targetdialer.meeting.BotStatus;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * A change to a meeting, published on {@code meetings.updates} (the page, every node): its id and
 * the fields that changed, {@code {"id", "bot_status"?, "restart_count"?, "segment_count"?,
 * "failure_reason"?, "outcome"?, "outcome_reason"?, "coverage_ratio"?, "gaps"?}}; fields that did not
 * change are left out. Alerts go on the same address in their own shape ({@code "type": "alert"}).
 *
 * @param capture the capture ledger's verdict ({@code outcome}, {@code outcome_reason},
 *                {@code coverage_ratio}, {@code gaps}) when it changed
 */
public record MeetingUpdate(long id, BotStatus botStatus, Integer restartCount, Integer segmentCount, String failureReason,
                            JsonObject capture) {

  public static MeetingUpdate status(long id, BotStatus status) {
    return new MeetingUpdate(id, status, null, null, null, null);
  }

  public static MeetingUpdate segmentCount(long id, int count) {
    return new MeetingUpdate(id, null, null, count, null, null);
  }

  public static MeetingUpdate capture(long id, JsonObject verdict) {
    return new MeetingUpdate(id, null, null, null, null, verdict);
  }

  public MeetingUpdate withRestartCount(Integer count) {
    return new MeetingUpdate(id, botStatus, count, segmentCount, failureReason, capture);
  }

  public MeetingUpdate withSegmentCount(Integer count) {
    return new MeetingUpdate(id, botStatus, restartCount, count, failureReason, capture);
  }

  public MeetingUpdate withFailureReason(String reason) {
    return new MeetingUpdate(id, botStatus, restartCount, segmentCount, reason, capture);
  }

  public void publish(EventBus bus) {
    bus.publish(Addresses.MEETINGS_UPDATES, toJson());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id);
    if (botStatus != null) {
      json.put("bot_status", botStatus.value());
    }
    if (restartCount != null) {
      json.put("restart_count", restartCount);
    }
    if (segmentCount != null) {
      json.put("segment_count", segmentCount);
    }
    if (failureReason != null) {
      json.put("failure_reason", failureReason);
    }
    if (capture != null) {
      json.mergeIn(capture);
    }
    return json;
  }
}
