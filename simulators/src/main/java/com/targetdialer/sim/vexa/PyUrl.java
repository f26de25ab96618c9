package com.targetdialer.sim.vexa;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pieces of Python 3.12's {@code urllib.parse} and {@code ipaddress} that Vexa's link handling
 * stands on, ported so the simulator accepts, refuses and splits a URL exactly as Vexa does.
 * {@link java.net.URI} is stricter: it rejects the raw braces and quotes of a decoded Teams link,
 * bad escapes and {@code HTTPS://}, all of which Python parses.
 */
final class PyUrl {

  private static final String SCHEME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";
  private static final Set<String> USES_PARAMS = Set.of("", "ftp", "hdl", "prospero", "http", "imap", "https",
      "shttp", "rtsp", "rtsps", "rtspu", "sip", "sips", "mms", "sftp", "tel");
  /** Python's '.' stops only at a newline; Java's, without UNIX_LINES, also at CR, U+0085 and U+2028/9. */
  private static final Pattern IPV_FUTURE = Pattern.compile("v[a-fA-F0-9]+\\..+", Pattern.UNIX_LINES);
  private static final String HEX = "0123456789abcdefABCDEF";

  final String scheme;
  final String netloc;
  final String path;
  final String query;

  private PyUrl(String scheme, String netloc, String path, String query) {
    this.scheme = scheme;
    this.netloc = netloc;
    this.path = path;
    this.query = query;
  }

  /** {@code urlparse(url)}; {@link IllegalArgumentException} where Python raises ValueError. */
  static PyUrl parse(String url) {
    int from = 0;
    while (from < url.length() && url.charAt(from) <= ' ') {
      from++;
    }
    String rest = url.substring(from).replace("\t", "").replace("\r", "").replace("\n", "");
    String scheme = "";
    int colon = rest.indexOf(':');
    if (colon > 0 && isAsciiLetter(rest.charAt(0)) && allSchemeChars(rest.substring(0, colon))) {
      scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
      rest = rest.substring(colon + 1);
    }
    String netloc = "";
    if (rest.startsWith("//")) {
      int end = rest.length();
      for (char delimiter : new char[] {'/', '?', '#'}) {
        int at = rest.indexOf(delimiter, 2);
        end = at >= 0 ? Math.min(end, at) : end;
      }
      netloc = rest.substring(2, end);
      rest = rest.substring(end);
      checkBrackets(netloc);
    }
    rest = before(rest, '#');
    String query = "";
    int mark = rest.indexOf('?');
    if (mark >= 0) {
      query = rest.substring(mark + 1);
      rest = rest.substring(0, mark);
    }
    checkNfkc(netloc);
    if (USES_PARAMS.contains(scheme) && rest.indexOf(';') >= 0) {
      rest = withoutParams(rest);
    }
    return new PyUrl(scheme, netloc, rest, query);
  }

  /** {@code .hostname}: lowercased (a zone id keeps its case), brackets dropped, or null when empty. */
  String hostname() {
    String host = hostAndPort(netloc)[0];
    if (host.isEmpty()) {
      return null;
    }
    int zone = host.indexOf('%');
    return zone < 0 ? host.toLowerCase(Locale.ROOT) : host.substring(0, zone).toLowerCase(Locale.ROOT) + host.substring(zone);
  }

  /** {@code parse_qs(query)[name][0]}: the first non-blank value, decoded, or null. */
  static String firstValue(String query, String name) {
    for (String field : query.split("&")) {
      int eq = field.indexOf('=');
      if (eq >= 0 && eq < field.length() - 1 && unquote(field.substring(0, eq).replace('+', ' ')).equals(name)) {
        return unquote(field.substring(eq + 1).replace('+', ' '));
      }
    }
    return null;
  }

  /** {@code unquote}: %XX escapes decoded as UTF-8 (bad bytes become U+FFFD), malformed escapes kept. */
  static String unquote(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x7f) {
        // Python decodes each ASCII run on its own and passes other characters through.
        out.append(run.toString(StandardCharsets.UTF_8)).append(c);
        run.reset();
      } else if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        run.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        run.write(c);
      }
    }
    return out.append(run.toString(StandardCharsets.UTF_8)).toString();
  }

  /** {@code ipaddress.ip_address(host)} succeeds: the host is an IP literal, not a name. */
  static boolean isIpAddress(String host) {
    return ipv4(host) != null || ipv6(host);
  }

  // ---- urlsplit's checks ----

  /** Unbalanced brackets, text around them, or a bracketed host that is no IPv6/IPvFuture address. */
  private static void checkBrackets(String netloc) {
    boolean open = netloc.indexOf('[') >= 0;
    boolean close = netloc.indexOf(']') >= 0;
    if (open != close) {
      throw new IllegalArgumentException("Invalid IPv6 URL");
    }
    if (!open) {
      return;
    }
    String hostinfo = netloc.substring(netloc.lastIndexOf('@') + 1);
    int bracket = hostinfo.indexOf('[');
    if (bracket > 0) {
      throw new IllegalArgumentException("Invalid IPv6 URL");
    }
    String[] hostPort = hostAndPort(netloc);
    if (bracket == 0 && !hostPort[1].isEmpty() && !hostPort[1].startsWith(":")) {
      throw new IllegalArgumentException("Invalid IPv6 URL");
    }
    String host = hostPort[0];
    boolean valid = host.startsWith("v") ? IPV_FUTURE.matcher(host).matches() : ipv6(host);
    if (!valid) {
      throw new IllegalArgumentException("Invalid bracketed host");
    }
  }

  /** {@code _checknetloc}: a non-ASCII netloc must not turn into a URL separator under NFKC. */
  private static void checkNfkc(String netloc) {
    if (netloc.chars().allMatch(c -> c < 0x80)) {
      return;
    }
    String plain = netloc.replace("@", "").replace(":", "").replace("#", "").replace("?", "");
    String normalized = Normalizer.normalize(plain, Normalizer.Form.NFKC);
    if (!normalized.equals(plain) && normalized.chars().anyMatch(c -> "/?#@:".indexOf(c) >= 0)) {
      throw new IllegalArgumentException("netloc contains invalid characters under NFKC normalization");
    }
  }

  /** {host, the text after the closing bracket} for a bracketed host, else {host, port}. */
  private static String[] hostAndPort(String netloc) {
    String hostinfo = netloc.substring(netloc.lastIndexOf('@') + 1);
    int open = hostinfo.indexOf('[');
    if (open >= 0) {
      String bracketed = hostinfo.substring(open + 1);
      int close = bracketed.indexOf(']');
      return close < 0 ? new String[] {bracketed, ""} : new String[] {bracketed.substring(0, close), bracketed.substring(close + 1)};
    }
    int colon = hostinfo.indexOf(':');
    return colon < 0 ? new String[] {hostinfo, ""} : new String[] {hostinfo.substring(0, colon), hostinfo.substring(colon + 1)};
  }

  /** {@code _splitparams}: drops {@code ;params} from the last segment (or the first ';' if no '/'). */
  private static String withoutParams(String path) {
    int slash = path.lastIndexOf('/');
    int semicolon = slash >= 0 ? path.indexOf(';', slash) : path.indexOf(';');
    return semicolon < 0 ? path : path.substring(0, semicolon);
  }

  // ---- ipaddress ----

  /** {@code IPv4Address}: four decimal octets, no leading zeros; the 32-bit value, or null. */
  private static Long ipv4(String s) {
    String[] octets = s.split("\\.", -1);
    if (octets.length != 4) {
      return null;
    }
    long value = 0;
    for (String octet : octets) {
      if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
          || (octet.length() > 1 && octet.charAt(0) == '0') || Integer.parseInt(octet) > 255) {
        return null;
      }
      value = value << 8 | Integer.parseInt(octet);
    }
    return value;
  }

  /** {@code IPv6Address}: up to eight hextets, one '::', an optional dotted tail and %zone. */
  private static boolean ipv6(String s) {
    int percent = s.indexOf('%');
    if (percent >= 0 && (percent == s.length() - 1 || s.indexOf('%', percent + 1) >= 0)) {
      return false;
    }
    String[] parts = (percent < 0 ? s : s.substring(0, percent)).split(":", -1);
    if (parts.length < 3) {
      return false;
    }
    if (parts[parts.length - 1].indexOf('.') >= 0) {
      Long v4 = ipv4(parts[parts.length - 1]);
      if (v4 == null) {
        return false;
      }
      String[] widened = Arrays.copyOf(parts, parts.length + 1);
      widened[parts.length - 1] = Long.toHexString(v4 >> 16);
      widened[parts.length] = Long.toHexString(v4 & 0xffff);
      parts = widened;
    }
    return parts.length <= 9 && hextetsValid(parts);
  }

  private static boolean hextetsValid(String[] parts) {
    int skip = -1;
    for (int i = 1; i < parts.length - 1; i++) {
      if (parts[i].isEmpty()) {
        if (skip >= 0) {
          return false;
        }
        skip = i;
      }
    }
    int hi = parts.length;
    int lo = 0;
    if (skip >= 0) {
      // '::' stands for at least one zero hextet; a leading or trailing ':' only as part of it.
      hi = parts[0].isEmpty() ? skip - 1 : skip;
      lo = parts[parts.length - 1].isEmpty() ? parts.length - skip - 2 : parts.length - skip - 1;
      boolean strayColon = parts[0].isEmpty() && hi != 0 || parts[parts.length - 1].isEmpty() && lo != 0;
      if (strayColon || hi + lo > 7) {
        return false;
      }
    } else if (parts.length != 8) {
      return false;
    }
    for (int i = 0; i < parts.length; i++) {
      boolean used = i < hi || i >= parts.length - lo;
      String h = parts[i];
      if (used && (h.isEmpty() || h.length() > 4 || !h.chars().allMatch(c -> HEX.indexOf(c) >= 0))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return c < 0x80 && Character.isLetter(c);
  }

  private static boolean allSchemeChars(String s) {
    return s.chars().allMatch(c -> SCHEME_CHARS.indexOf(c) >= 0);
  }

  private static boolean isHex(char c) {
    return HEX.indexOf(c) >= 0;
  }

  private static String before(String s, char c) {
    int at = s.indexOf(c);
    return at < 0 ? s : s.substring(0, at);
  }
}
