package com.targetdialer.api;

import com.targetdialer.vexa.WebhookSignature;
import com.targetdialer.webhook.Inbox;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /webhook/vexa}: checks the signature, appends the raw body to the Redis inbox and
 * answers 200 only once Redis has it (503 otherwise, so Vexa retries). It does not parse the
 * payload and never waits on Postgres; WebhookVerticle does the rest.
 */
final class VexaWebhookHandler implements Handler<RoutingContext> {

  private static final String ACCEPTED = new JsonObject().put("status", "accepted").encode();

  private final Inbox inbox;
  private final PinnedRedisConnection redis;
  private final WebhookSignature signature;
  private final boolean acceptBearer;

  VexaWebhookHandler(Inbox inbox, PinnedRedisConnection redis, WebhookSignature signature, boolean acceptBearer) {
    this.inbox = inbox;
    this.redis = redis;
    this.signature = signature;
    this.acceptBearer = acceptBearer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null) {
      body = Buffer.buffer();
    }
    long now = System.currentTimeMillis();
    String problem = signature.check(ctx.request().getHeader("X-Webhook-Timestamp"), ctx.request().getHeader("X-Webhook-Signature"), body, now / 1000);
    if (problem != null && !(acceptBearer && signature.bearerMatches(ctx.request().getHeader("Authorization")))) {
      JsonErrors.send(ctx, 401, "webhook not authenticated: " + problem);
      return;
    }
    if (body.length() == 0) {
      JsonErrors.send(ctx, 400, "the webhook body is empty");
      return;
    }
    redis.send(inbox.append(body, now))
        .onSuccess(id -> ctx.response().putHeader("content-type", "application/json").end(ACCEPTED))
        .onFailure(e -> JsonErrors.send(ctx, 503, "the inbox is unavailable, retry later: " + e.getMessage()));
  }
}
