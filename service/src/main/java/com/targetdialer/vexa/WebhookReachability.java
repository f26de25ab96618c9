package com.targetdialer.vexa;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Whether Vexa will deliver webhooks to PUBLIC_API_URL. Vexa's SSRF guard ({@code webhooks/ssrf.py})
 * silently refuses loopback, private, link-local and multicast addresses, {@code localhost}, cloud
 * metadata and its own service names, and names that do not resolve. A Vexa on this machine or
 * network is the one case where such a URL is fine for us to use in development, so it is not judged.
 * Resolves names: call it off the event loop.
 */
public final class WebhookReachability {

  private static final Set<String> BLOCKED_HOSTNAMES = Set.of("localhost", "metadata.google.internal", "metadata.amazonaws.com",
      "metadata", "api-gateway", "admin-api", "meeting-api", "runtime-api", "transcription-collector", "redis", "postgres", "mcp");

  /** Looks a host name up; tests pass their own. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private WebhookReachability() {
  }

  /** @return why Vexa at {@code vexaApiUrl} will not deliver to {@code publicApiUrl}, or null when it can (or Vexa is local) */
  public static String problem(String publicApiUrl, String vexaApiUrl, Resolver resolver) {
    if (publicApiUrl == null || vexaApiUrl == null || isLocalName(host(vexaApiUrl)) || isBlockedLiteral(host(vexaApiUrl))) {
      return null;
    }
    String host = host(publicApiUrl);
    if (host == null) {
      return "it has no host";
    }
    if (isLocalName(host) || BLOCKED_HOSTNAMES.contains(host)) {
      return "its host " + host + " is a name Vexa refuses (localhost, metadata or a Vexa service)";
    }
    try {
      InetAddress[] addresses = isIpLiteral(host) ? new InetAddress[] {InetAddress.getByName(host)} : resolver.resolve(host);
      for (InetAddress address : addresses) {
        if (blocked(address)) {
          return "its host " + host + " is " + address.getHostAddress() + ", a loopback, private, link-local or multicast address";
        }
      }
      return null;
    } catch (UnknownHostException e) {
      return "its host " + host + " does not resolve here, and Vexa refuses names it cannot resolve";
    }
  }

  private static String host(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? null : host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isLocalName(String host) {
    return host != null && (host.equals("localhost") || host.endsWith(".localhost"));
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
  }

  /** An IP literal in a blocked range; a name is not resolved here. */
  private static boolean isBlockedLiteral(String host) {
    if (host == null || !isIpLiteral(host)) {
      return false;
    }
    try {
      return blocked(InetAddress.getByName(host));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean blocked(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first == 0 || first == 10 || first == 127 || (first == 169 && second == 254) || (first == 172 && second >= 16 && second <= 31)
          || (first == 192 && second == 168) || (first >= 224 && first <= 239);
    }
    int first = bytes[0] & 0xff;
    return address.isLoopbackAddress() || (first & 0xfe) == 0xfc || (first == 0xfe && (bytes[1] & 0xc0) == 0x80) || first == 0xff;
  }
}
