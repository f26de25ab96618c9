package com.targetdialer.vexa;

import com.targetdialer.TargetDialer;
import com.targetdialer.testing.LogCapture;
import com.targetdialer.testing.RunningService;
import com.targetdialer.testing.TestStores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(TestStores.class)
class WebhookReachabilityTest {

  private static final String CLOUD = "https://api.cloud.vexa.ai";

  /** Answers like DNS would, without a network: one public name, one private name, nothing else. */
  private static InetAddress[] resolve(String host) throws UnknownHostException {
    return switch (host) {
      case "hooks.example.com" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34})};
      case "office.internal" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 35}),
          InetAddress.getByAddress(host, new byte[] {(byte) 192, (byte) 168, 1, 20})};
      default -> throw new UnknownHostException(host);
    };
  }

  @Test
  @DisplayName("Vexa's SSRF guard: loopback, private, link-local, localhost, its own service names and unresolvable names are refused")
  void refusedAddresses() {
    assertThat(WebhookReachability.problem("https://hooks.example.com/td", CLOUD, WebhookReachabilityTest::resolve)).isNull();
    assertThat(WebhookReachability.problem("http://127.0.0.1:8080", CLOUD, WebhookReachabilityTest::resolve)).contains("127.0.0.1");
    assertThat(WebhookReachability.problem("http://10.1.2.3", CLOUD, WebhookReachabilityTest::resolve)).contains("private");
    assertThat(WebhookReachability.problem("http://172.20.0.5", CLOUD, WebhookReachabilityTest::resolve)).contains("172.20.0.5");
    assertThat(WebhookReachability.problem("http://169.254.169.254", CLOUD, WebhookReachabilityTest::resolve)).contains("link-local");
    assertThat(WebhookReachability.problem("http://[::1]:8080", CLOUD, WebhookReachabilityTest::resolve)).contains("loopback");
    assertThat(WebhookReachability.problem("http://localhost:8080", CLOUD, WebhookReachabilityTest::resolve)).contains("localhost");
    assertThat(WebhookReachability.problem("http://api.localhost", CLOUD, WebhookReachabilityTest::resolve)).contains("localhost");
    assertThat(WebhookReachability.problem("http://meeting-api:8080", CLOUD, WebhookReachabilityTest::resolve)).contains("Vexa service");
    assertThat(WebhookReachability.problem("https://office.internal", CLOUD, WebhookReachabilityTest::resolve))
        .as("every address counts").contains("192.168.1.20");
    assertThat(WebhookReachability.problem("https://nowhere.invalid", CLOUD, WebhookReachabilityTest::resolve)).contains("does not resolve");
  }

  @Test
  @DisplayName("a Vexa on this machine or network may call back to a local address: no warning")
  void localVexa() {
    assertThat(WebhookReachability.problem("http://127.0.0.1:8080", "http://localhost:18056", WebhookReachabilityTest::resolve)).isNull();
    assertThat(WebhookReachability.problem("http://127.0.0.1:8080", "http://10.0.0.7:18056", WebhookReachabilityTest::resolve)).isNull();
    assertThat(WebhookReachability.problem(null, CLOUD, WebhookReachabilityTest::resolve)).isNull();
  }

  @Test
  @DisplayName("the service says so at start, in one WARN line naming PUBLIC_API_URL and why")
  void warnsAtStart() {
    Map<String, String> env = RunningService.env(TestStores.newDatabase(), TestStores.redis());
    env.put("VEXA_API_URL", "https://vexa.invalid");
    env.put("VEXA_API_KEY", "vxa_test");
    env.put("VEXA_MAX_ATTEMPTS", "1");
    env.put("PUBLIC_API_URL", "http://127.0.0.1:8080");
    try (LogCapture log = new LogCapture("com.targetdialer.TargetDialer")) {
      TargetDialer service = RunningService.start(env);
      service.stop();

      assertThat(log.linesContaining("PUBLIC_API_URL")).singleElement().satisfies(line ->
          assertThat(line).startsWith("WARN PUBLIC_API_URL http://127.0.0.1:8080 cannot receive Vexa's webhooks").contains("loopback"));
    }
  }
}
