package com.targetdialer.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Hands a JsonObject to a consumer on the same node without the deep copy the default codec makes.
 * For the batches sent to PersistVerticle (segments, status changes) and its answers to them; the
 * sender must not touch the object after sending it (none of ours do: each is built for the one send).
 */
public final class LocalJson implements MessageCodec<JsonObject, JsonObject> {

  public static final String NAME = "td-local-json";

  /** Delivery options for a send that stays on this node and skips the copy (new each time: options are mutable). */
  public static DeliveryOptions noCopy() {
    return new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);
  }

  /** Registers the codec on this event bus unless it already has it. */
  public static void register(EventBus eventBus) {
    synchronized (LocalJson.class) {
      try {
        eventBus.registerCodec(new LocalJson());
      } catch (IllegalStateException alreadyRegistered) {
        // another verticle or the launcher did it first
      }
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length()).appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int position, Buffer buffer) {
    int length = buffer.getInt(position);
    return buffer.getBuffer(position + 4, position + 4 + length).toJsonObject();
  }

  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
