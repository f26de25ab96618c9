package com.targetdialer.platform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.targetdialer.sim.vexa.VexaSimulator;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every link shape of every platform, and the look-alikes that are no call. */
class MeetingLinksTest {

  private static final MeetingLinks LINKS = new MeetingLinks(List.of("jitsi.acme.io"));

  @ParameterizedTest(name = "{0} -> {1}/{2}")
  @DisplayName("a call's identity is (platform, native id) as Vexa derives it; the link is kept without its passcode")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      https://meet.google.com/abc-defg-hij                                   | google_meet | abc-defg-hij   | https://meet.google.com/abc-defg-hij           | -
      Meet.Google.com/ABC-DEFG-HIJ?authuser=1                                | google_meet | abc-defg-hij   | https://meet.google.com/abc-defg-hij           | -
      https://meet.google.com/_meet/abc-defg-hij?ijlm=1                      | google_meet | abc-defg-hij   | https://meet.google.com/abc-defg-hij           | -
      https://us02web.zoom.us/j/85512345678?pwd=aBcD1234.1                   | zoom        | 85512345678    | https://us02web.zoom.us/j/85512345678          | aBcD1234.1
      https://zoom.us/j/855123456                                            | zoom        | 855123456      | https://zoom.us/j/855123456                    | -
      https://acme.zoom.com/w/8551234567?tk=x&pwd=s3cret                     | zoom        | 8551234567     | https://acme.zoom.com/j/8551234567             | s3cret
      https://acme.zoomgov.com/j/1601234567                                  | zoom        | 1601234567     | https://acme.zoomgov.com/j/1601234567          | -
      https://teams.live.com/meet/9384756102938?p=Xk2Lm9                     | teams       | 9384756102938  | https://teams.live.com/meet/9384756102938      | Xk2Lm9
      https://teams.microsoft.com/meet/2345678901234?p=hJ8s                  | teams       | 2345678901234  | https://teams.microsoft.com/meet/2345678901234 | hJ8s
      https://meet.jit.si/DailyStandupAcme                                   | jitsi       | DailyStandupAcme | https://meet.jit.si/DailyStandupAcme         | -
      https://jitsi.acme.io/sales-sync                                       | jitsi       | sales-sync@jitsi.acme.io | https://jitsi.acme.io/sales-sync     | -
      https://meet.jit.si/caf%C3%A9-sync                                     | jitsi       | caf%C3%A9-sync | https://meet.jit.si/caf%C3%A9-sync             | -
      """)
  void shapes(String text, String platform, String nativeId, String url, String passcode) {
    MeetingLink link = LINKS.parse(text);
    String[] vexas = VexaSimulator.deriveLikeVexa(text.startsWith("http") ? text : "https://" + text, Set.of("jitsi.acme.io"));

    assertThat(link).as(text).isNotNull();
    assertThat(link.platform().wire()).isEqualTo(platform);
    assertThat(link.nativeId()).isEqualTo(nativeId);
    assertThat(link.url()).isEqualTo(url);
    assertThat(link.passcode()).isEqualTo(passcode);
    assertThat(vexas).as("Vexa's own parser (ported in the simulator) names the same call").containsExactly(platform, nativeId);
    assertThat(VexaSimulator.deriveLikeVexa(link.joinUrl(), Set.of("jitsi.acme.io"))).as("and so does the link we send")
        .containsExactly(platform, nativeId);
  }

  @Test
  @DisplayName("a Teams meetup-join link: the thread id (percent-encoded or not), and a link that still has its context")
  void teamsMeetupJoin() {
    String encoded = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjM5YTk4ZDItZjE3Ny00%40thread.v2/0"
        + "?context=%7b%22Tid%22%3a%2272f988bf-86f1%22%2c%22Oid%22%3a%22a1b2%22%7d";

    MeetingLink link = LINKS.parse(encoded);

    assertThat(link.platform()).isEqualTo(Platform.TEAMS);
    assertThat(link.nativeId()).isEqualTo("19:meeting_NjM5YTk4ZDItZjE3Ny00@thread.v2");
    assertThat(link.url()).startsWith("https://teams.microsoft.com/l/meetup-join/19%3Ameeting_NjM5YTk4ZDItZjE3Ny00%40thread.v2/0?context=")
        .contains("72f988bf-86f1");
    assertThat(LINKS.find("Join: https://teams.microsoft.com/l/meetup-join/19:meeting_NjM5YTk4ZDItZjE3Ny00@thread.v2/0 now").nativeId())
        .as("the same call, written out").isEqualTo(link.nativeId());
  }

  @Test
  @DisplayName("the same call through two links is one identity: a Zoom link with and without its passcode, on two hosts")
  void sameCall() {
    MeetingLink withPasscode = LINKS.parse("https://us02web.zoom.us/j/85512345678?pwd=aBcD1234.1");
    MeetingLink without = LINKS.parse("https://zoom.us/j/85512345678");
    MeetingLink teamsLive = LINKS.parse("https://teams.live.com/meet/9384756102938?p=Xk2Lm9");
    MeetingLink teamsWork = LINKS.parse("https://teams.microsoft.com/meet/9384756102938");

    assertThat(withPasscode.key()).isEqualTo(without.key()).isEqualTo("zoom/85512345678");
    assertThat(teamsLive.key()).isEqualTo(teamsWork.key()).isEqualTo("teams/9384756102938");
  }

  @Test
  @DisplayName("in text: the first call, found inside Google's and Outlook's redirect wrappers")
  void inText() {
    String outlook = "Microsoft Teams meeting Join: https://nam12.safelinks.protection.outlook.com/?url="
        + "https://teams.microsoft.com/l/meetup-join/19:meeting_OTk5@thread.v2/0?context={\"Tid\":\"t1\",\"Oid\":\"o1\"}&data=05|01 Meeting ID: 1";
    String google = "See https://www.google.com/url?q=https://us06web.zoom.us/j/81234567890?pwd=Zm9v&sa=D&ust=1 and https://meet.google.com/abc-defg-hij";

    assertThat(LINKS.find(outlook).key()).isEqualTo("teams/19:meeting_OTk5@thread.v2");
    assertThat(LINKS.find(outlook).url()).contains("context=");
    MeetingLink zoom = LINKS.find(google);
    assertThat(zoom.key()).isEqualTo("zoom/81234567890");
    assertThat(zoom.passcode()).isEqualTo("Zm9v");
    assertThat(LINKS.find("Dial in or join at https://zoom.us/j/9876543210.")).extracting(MeetingLink::nativeId).isEqualTo("9876543210");
  }

  @ParameterizedTest(name = "{0}")
  @DisplayName("look-alikes are no call")
  @ValueSource(strings = {
      "we moved the demo to zoom.us, see you there",
      "https://zoom.us/pricing",
      "https://zoom.us/j/12345",
      "https://zoom.us.evil.com/j/85512345678",
      "https://teams.microsoft.com/l/channel/19%3a4a95f7d8db4c4e7fae857bcebe0623e6%40thread.tacv2/General?groupId=1",
      "https://teams.microsoft.com/l/chat/0/0?users=a@b.com",
      "https://meet.jit.si/",
      "https://jitsi.other.org/room",
      "https://jitsi.github.io/handbook/docs/intro",
      "https://meet.google.com/new",
      "https://zoom.us/my/jane.doe",
      "https://meet.google.com/abc-defg-hijk",
      "notmeet.google.com.evil/abc-defg-hij",
      "https://calendar.google.com/calendar/event?eid=abc"})
  void lookAlikes(String text) {
    assertThat(LINKS.find(text)).isNull();
  }

  @Test
  @DisplayName("a personal Zoom link names no meeting: it is no call, and is recognised so the reason can say so")
  void personalZoomLinks() {
    assertThat(LINKS.parse("https://zoom.us/my/jane.doe?pwd=xyz")).isNull();
    assertThat(MeetingLinks.hasPersonalZoomLink("Join me at https://acme.zoom.us/my/jane.doe")).isTrue();
    assertThat(MeetingLinks.hasPersonalZoomLink("https://zoom.us/j/85512345678")).isFalse();
  }

  @Test
  @DisplayName("a link stored with its passcode (before passcodes were kept apart) gives it up: the bot never gets two")
  void storedLinks() {
    MeetingLink legacy = MeetingLink.stored(Platform.ZOOM, "85512345678", "https://zoom.us/j/85512345678?pwd=old1&uname=x", null);
    MeetingLink sealed = MeetingLink.stored(Platform.ZOOM, "85512345678", "https://zoom.us/j/85512345678?pwd=old1", "new2");

    assertThat(legacy.url()).isEqualTo("https://zoom.us/j/85512345678?uname=x");
    assertThat(legacy.passcode()).isEqualTo("old1");
    assertThat(sealed.joinUrl()).isEqualTo("https://zoom.us/j/85512345678?pwd=new2");
  }

  @Test
  @DisplayName("the join link puts the passcode back where each platform carries it; toString and redact never show it")
  void passcodes() {
    MeetingLink zoom = LINKS.parse("https://us02web.zoom.us/j/85512345678?pwd=aBcD1234.1");
    MeetingLink teams = LINKS.parse("https://teams.live.com/meet/9384756102938?p=Xk2Lm9");

    assertThat(zoom.joinUrl()).isEqualTo("https://us02web.zoom.us/j/85512345678?pwd=aBcD1234.1");
    assertThat(teams.joinUrl()).isEqualTo("https://teams.live.com/meet/9384756102938?p=Xk2Lm9");
    assertThat(zoom.toString()).doesNotContain("aBcD1234").contains("zoom/85512345678");
    assertThat(zoom.redact("422: could not join https://us02web.zoom.us/j/85512345678?pwd=aBcD1234.1 (aBcD1234.1)"))
        .doesNotContain("aBcD1234").contains("pwd=***");
    assertThat(MeetingLink.withoutPasscodes("{\"passcode\": \"hunter2\", \"url\": \"https://t/meet/1?p=abc&x=1\"}"))
        .doesNotContain("hunter2").doesNotContain("p=abc").contains("x=1");
    assertThat(MeetingLink.withoutPasscodes("{'passcode': 'hunter3'} q=https%3A%2F%2Fzoom.us%2Fj%2F1%3Fpwd%3Dhunter4"))
        .as("Python's repr, percent-encoded links").doesNotContain("hunter3").doesNotContain("hunter4");
  }
}
