package com.targetdialer.platform;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds the call a link leads to, for every platform Vexa joins, the way Vexa's own parser does
 * ({@code collector/meeting_link.py}) so that our identity of a call is Vexa's:
 * <ul>
 *   <li>Google Meet: {@code meet.google.com/abc-defg-hij}, the code lowercased;</li>
 *   <li>Zoom: {@code zoom.us}, {@code zoom.com}, {@code zoomgov.com} and their subdomains, {@code /j/} and
 *       {@code /w/} with the 9-11 digit meeting id, or a personal {@code /my/<name>} link; passcode {@code ?pwd=};</li>
 *   <li>Teams: {@code teams.microsoft.com/l/meetup-join/<19:meeting_...@thread.v2>} (the thread id) and
 *       {@code teams.live.com/meet/<id>} or {@code teams.microsoft.com/meet/<id>} (the short id); passcode {@code ?p=};</li>
 *   <li>Jitsi: {@code meet.jit.si/<room>} (the room) and rooms on the hosts of JITSI_HOSTS ({@code room@host}).</li>
 * </ul>
 * Look-alikes are not calls: a host named in a sentence, a Teams channel link, a Zoom page that is no meeting.
 */
public final class MeetingLinks {

  private static final Pattern MEET_PATH = Pattern.compile("/(?:_meet/)?([a-z]{3}-[a-z]{4}-[a-z]{3})/?", Pattern.CASE_INSENSITIVE);
  private static final Pattern ZOOM_MEETING = Pattern.compile("/(?:j|w)/(\\d{9,11})(?:/.*)?");
  /** A personal link (/my/name) names no meeting id: Vexa cannot derive one, and its bot cannot join one on zoom.us. */
  private static final Pattern ZOOM_PERSONAL = Pattern.compile(
      "(?i)(?:https?://)?(?:[a-z0-9-]+\\.)*(?:zoom\\.us|zoom\\.com|zoomgov\\.com)/my/[a-z0-9._-]+");
  private static final Pattern ZOOM_HOST = Pattern.compile("(?:[a-z0-9-]+\\.)*(?:zoom\\.us|zoom\\.com|zoomgov\\.com)");
  private static final Pattern TEAMS_THREAD = Pattern.compile("19:meeting_[^@%\\s/]+@thread\\.v2", Pattern.CASE_INSENSITIVE);
  private static final Pattern TEAMS_SHORT = Pattern.compile("/meet/([^/?#\\s]+)/?", Pattern.CASE_INSENSITIVE);
  private static final Pattern TEAMS_CONTEXT = Pattern.compile("[?&]context=(\\{[^{}\\s]{1,500}\\})");
  private static final Pattern JITSI_ROOM = Pattern.compile("[^/?#\\s@]{1,200}");
  /** Something that looks like a link: an optional scheme, a dotted host, an optional path and query. */
  private static final Pattern LINKISH = Pattern.compile(
      "(?i)(?:https?://)?(?:[a-z0-9-]+\\.)+[a-z]{2,}(?::\\d{1,5})?(?:[/?][^\\s<>\"'\\[\\]]*)?");
  private static final String TRAILING_PUNCTUATION = ").,;:!?";
  /** How far past a Teams link its {@code context} may run (it holds quotes, which end what looks like a link). */
  private static final int CONTEXT_CHARS = 1_000;

  private final Set<String> jitsiHosts;

  /** @param jitsiHosts self-hosted Jitsi deployments whose rooms are calls too (meet.jit.si always is) */
  public MeetingLinks(Collection<String> jitsiHosts) {
    this.jitsiHosts = jitsiHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  /** The first call linked from a text (already HTML-free and decoded), or null. */
  public MeetingLink find(String text) {
    if (text == null) {
      return null;
    }
    Matcher matcher = LINKISH.matcher(text);
    String lower = text.toLowerCase(Locale.ROOT);
    int from = 0;
    while (from < text.length() && matcher.find(from)) {
      String candidate = trimTrailing(matcher.group());
      MeetingLink link = parseDecoded(candidate, text.substring(matcher.start(), Math.min(text.length(), matcher.start() + CONTEXT_CHARS)));
      if (link != null) {
        return link;
      }
      // A wrapper (Google's or Outlook's redirect) holds the real link inside its own.
      int inner = lower.indexOf("http", matcher.start() + 1);
      from = inner > 0 && inner < matcher.end() ? inner : matcher.end();
    }
    return null;
  }

  /** Whether the text has a personal Zoom link ({@code /my/name}): a call no bot can be sent to, which deserves saying so. */
  public static boolean hasPersonalZoomLink(String text) {
    return text != null && ZOOM_PERSONAL.matcher(text).find();
  }

  /** One link given on purpose (a dispatch request): percent-encoding undone, then read like text. */
  public MeetingLink parse(String url) {
    return url == null ? null : find(decoded(url.trim()));
  }

  /** Percent-encoding undone up to three times (links wrapped in redirects are encoded once per wrapper). */
  public static String decoded(String text) {
    String out = text;
    for (int i = 0; i < 3 && out.indexOf('%') >= 0; i++) {
      String next;
      try {
        next = URLDecoder.decode(out.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        break;
      }
      if (next.equals(out)) {
        break;
      }
      out = next;
    }
    return out;
  }

  /** @param rest the text from the candidate on (a bounded stretch): a Teams link's context can run past what looks like a link */
  private MeetingLink parseDecoded(String candidate, String rest) {
    String withoutScheme = candidate.replaceFirst("(?i)^https?://", "");
    int pathAt = indexOfAny(withoutScheme, "/?#");
    String authority = pathAt < 0 ? withoutScheme : withoutScheme.substring(0, pathAt);
    String host = authority.replaceFirst("^.*@", "").replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
    String tail = pathAt < 0 ? "" : withoutScheme.substring(pathAt);
    // A link unwrapped from a redirect ends at the wrapper's next parameter: "&" ends its path too.
    int queryAt = indexOfAny(tail, "?#&");
    String path = queryAt < 0 ? tail : tail.substring(0, queryAt);
    String query = queryAt < 0 || tail.charAt(queryAt) == '#' ? "" : tail.substring(queryAt + 1).replaceFirst("#.*$", "");
    if (host.equals("meet.google.com")) {
      return meet(path);
    }
    if (ZOOM_HOST.matcher(host).matches()) {
      return zoom(host, path, query);
    }
    if (host.equals("teams.microsoft.com") || host.equals("teams.live.com")) {
      return teams(host, path, query, rest);
    }
    if (host.equals("meet.jit.si") || jitsiHosts.contains(host)) {
      return jitsi(host, path);
    }
    return null;
  }

  private static MeetingLink meet(String path) {
    Matcher meet = MEET_PATH.matcher(path);
    if (!meet.matches()) {
      return null;
    }
    String code = meet.group(1).toLowerCase(Locale.ROOT);
    return new MeetingLink(Platform.GOOGLE_MEET, code, "https://meet.google.com/" + code, null);
  }

  private static MeetingLink zoom(String host, String path, String query) {
    Matcher meeting = ZOOM_MEETING.matcher(path);
    if (!meeting.matches()) {
      return null;
    }
    // Vexa's bot turns a zoom.us link into the web client's by its /j/<id>: a webinar's /w/ is joined the same way.
    return new MeetingLink(Platform.ZOOM, meeting.group(1), "https://" + host + "/j/" + meeting.group(1), parameter(query, "pwd"));
  }

  private static MeetingLink teams(String host, String path, String query, String rest) {
    if (path.toLowerCase(Locale.ROOT).startsWith("/l/meetup-join/")) {
      Matcher thread = TEAMS_THREAD.matcher(path);
      if (!thread.find()) {
        return null;
      }
      String id = thread.group();
      String url = "https://teams.microsoft.com/l/meetup-join/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/0";
      Matcher context = TEAMS_CONTEXT.matcher(rest);
      if (context.find()) {
        url += "?context=" + URLEncoder.encode(context.group(1), StandardCharsets.UTF_8);
      }
      return new MeetingLink(Platform.TEAMS, id, url, parameter(query, "p"));
    }
    Matcher shortLink = TEAMS_SHORT.matcher(path);
    if (shortLink.matches()) {
      String id = shortLink.group(1);
      return new MeetingLink(Platform.TEAMS, id, "https://" + host + "/meet/" + id, parameter(query, "p"));
    }
    return null; // a channel, a chat, a file: not a call
  }

  private static MeetingLink jitsi(String host, String path) {
    String room = path.replaceAll("^/+|/+$", "");
    if (!JITSI_ROOM.matcher(room).matches()) {
      return null;
    }
    // As a link carries it (percent-encoded), which is how Vexa keeps it; the text was decoded to find the link.
    String encoded = URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20");
    // A room name is the deployment's own: off meet.jit.si the host is part of the identity, as in Vexa.
    String id = host.equals("meet.jit.si") ? encoded : encoded + "@" + host;
    return new MeetingLink(Platform.JITSI, id, "https://" + host + "/" + encoded, null);
  }

  private static String parameter(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name) && eq < pair.length() - 1) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }

  private static String trimTrailing(String candidate) {
    int end = candidate.length();
    while (end > 0 && TRAILING_PUNCTUATION.indexOf(candidate.charAt(end - 1)) >= 0) {
      end--;
    }
    return candidate.substring(0, end);
  }

  private static int indexOfAny(String text, String chars) {
    for (int i = 0; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
