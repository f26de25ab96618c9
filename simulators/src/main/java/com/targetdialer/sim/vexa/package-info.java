/**
 * A faithful Vexa API simulator for integration tests and the demo: the 0.12 REST surface, signed
 * webhooks, the {@code /ws} multiplex and scripted bots, on loopback (0.10 behind a flag).
 *
 * <pre>{@code
 * VexaSimulator sim = new VexaSimulator(0);
 * vertx.deployVerticle(sim).await();
 * sim.script("abc-defg-hij", BotScript.deaf(), BotScript.normal());   // attempt 1 deaf, then normal
 * sim.failNext("POST", "/bots", 503, 1, null);                       // one 503 on the next spawn
 * // point the service at sim.baseUrl() / sim.wsUrl() with X-API-Key sim.apiKey()
 * sim.deliveries();   // every webhook attempt, with status code and outcome
 * }</pre>
 *
 * <p>Facts come from {@code shared/reference/vexa-api.md}; detail texts, frame shapes and the
 * webhook envelope were checked against the Vexa-ai/vexa sources it cites.
 */
package com.targetdialer.sim.vexa;
