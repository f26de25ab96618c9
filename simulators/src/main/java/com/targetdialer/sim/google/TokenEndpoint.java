package com.targetdialer.sim.google;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /token}: Google's OAuth token endpoint, enough for google-auth-library's refresh and JWT-bearer flows. */
final class TokenEndpoint {

  static final String PATH = "/token";
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

  private final SimState state;
  private final Supplier<String> tokenUri;

  TokenEndpoint(SimState state, Supplier<String> tokenUri) {
    this.state = state;
    this.tokenUri = tokenUri;
  }

  void mount(Router router) {
    router.post(PATH).handler(this::token);
  }

  private void token(RoutingContext ctx) {
    Accounts.TokenResponse response;
    synchronized (state) {
      state.tokenCalls++;
      Faults.Fault fault = state.faults.take("token", ctx.request().path(), ctx.request().path());
      if (fault != null) {
        LOG.info("scripted failure [kind: token, status: {}, reason: {}]", fault.status(), fault.reason());
        response = scripted(fault);
      } else {
        response = state.accounts.grant(ctx.request().formAttributes(), tokenUri.get(), state.now());
      }
    }
    if (response.status() != 200) {
      LOG.info("token refused [status: {}, error: {}, grant_type: {}]", response.status(), response.body().getString("error"),
          ctx.request().getFormAttribute("grant_type"));
    }
    ctx.response().setStatusCode(response.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
        .putHeader("Pragma", "no-cache")
        .end(response.body().encode());
  }

  private static Accounts.TokenResponse scripted(Faults.Fault fault) {
    String error = fault.reason() != null ? fault.reason() : switch (fault.status()) {
      case 400 -> "invalid_grant";
      case 401 -> "unauthorized_client";
      case 429 -> "rate_limit_exceeded";
      default -> "internal_failure";
    };
    String description = switch (error) {
      case "invalid_grant" -> "Token has been expired or revoked.";
      case "unauthorized_client" -> "Client is unauthorized to retrieve access tokens using this method, or client not "
          + "authorized for any of the scopes requested.";
      case "invalid_client" -> "The OAuth client was not found.";
      default -> "Backend Error";
    };
    return Accounts.TokenResponse.error(fault.status(), error, description);
  }
}
