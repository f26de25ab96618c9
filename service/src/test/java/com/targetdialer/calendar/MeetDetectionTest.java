package com.targetdialer.calendar;

import com.targetdialer.calendar.MeetDetection.Detection;
import com.targetdialer.config.PlatformSettings;
import com.targetdialer.platform.Platform;
import com.targetdialer.sim.google.MeetEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MeetDetectionTest {

  private static final Instant NOW = Instant.parse("2030-03-18T08:00:00Z");
  private static final Instant START = Instant.parse("2030-03-18T09:00:00Z");
  private static final Instant END = START.plusSeconds(1800);

  /** The shipped default: ENABLED_PLATFORMS = google_meet,zoom,teams. */
  static final MeetDetection DEFAULT = new MeetDetection(
      new PlatformSettings(EnumSet.of(Platform.GOOGLE_MEET, Platform.ZOOM, Platform.TEAMS), List.of()));

  private static Detection detect(JsonObject event) {
    return DEFAULT.detect(event, NOW);
  }

  private static JsonObject plain() {
    return MeetEvent.timed(START, END).summary("Planning").json();
  }

  @Test
  @DisplayName("who can admit the bot: the organizer first, then the attendees who accepted, rooms left out, each once")
  void admitters() {
    JsonObject event = MeetEvent.meet("abc-defg-hij", START, END).organizer("Alice@Example.com")
        .attendee("bob@example.com", "accepted").attendee("carol@example.com", "declined").attendee("dan@example.com", "needsAction")
        .attendee("alice@example.com", "accepted").json();
    event.getJsonArray("attendees").add(new JsonObject().put("email", "room-4@resource.calendar.google.com").put("resource", true)
        .put("responseStatus", "accepted"));

    assertThat(detect(event).admitters()).containsExactly("alice@example.com", "bob@example.com");
    assertThat(detect(event).people()).as("whose meeting it is: everyone invited, whatever they answered")
        .containsExactly("alice@example.com", "bob@example.com", "carol@example.com", "dan@example.com");
    assertThat(detect(MeetEvent.meet("abc-defg-hij", START, END).json()).admitters()).isEmpty();
  }

  @Test
  @DisplayName("the code comes from a hangoutsMeet conferenceData first, with times and title")
  void conferenceData() {
    Detection d = detect(MeetEvent.meet("abc-defg-hij", START, END).summary("Standup").selfStatus("accepted").json());

    assertThat(d.decision()).isEqualTo(MeetDetection.SCHEDULED);
    assertThat(d.reason()).isEqualTo(MeetDetection.FROM_CONFERENCE_DATA);
    assertThat(d.link().nativeId()).isEqualTo("abc-defg-hij");
    assertThat(d.start()).isEqualTo(START);
    assertThat(d.end()).isEqualTo(END);
    assertThat(d.title()).isEqualTo("Standup");
  }

  @Test
  @DisplayName("a conferenceData without conferenceId is read from its video entry point")
  void videoEntryPoint() {
    JsonObject event = MeetEvent.meet("abc-defg-hij", START, END).json();
    event.getJsonObject("conferenceData").remove("conferenceId");
    event.remove("hangoutLink");

    Detection d = detect(event);

    assertThat(d.link().nativeId()).isEqualTo("abc-defg-hij");
    assertThat(d.reason()).isEqualTo(MeetDetection.FROM_CONFERENCE_DATA);
  }

  @Test
  @DisplayName("hangoutLink, then location (without scheme, any case), then an HTML description with a redirect-wrapped link")
  void fallbacks() {
    assertThat(detect(plain().put("hangoutLink", "https://meet.google.com/bcd-efgh-ijk")).link().nativeId()).isEqualTo("bcd-efgh-ijk");
    assertThat(detect(plain().put("hangoutLink", "https://meet.google.com/bcd-efgh-ijk")).reason()).isEqualTo(MeetDetection.FROM_HANGOUT_LINK);

    Detection location = detect(plain().put("location", "Room 4 / Meet.Google.com/CDE-FGHI-JKL?pli=1"));
    assertThat(location.link().nativeId()).isEqualTo("cde-fghi-jkl");
    assertThat(location.reason()).isEqualTo(MeetDetection.FROM_LOCATION);

    String html = "<p>Join: <a href=\"https://www.google.com/url?q=https%3A%2F%2Fmeet.google.com%2Fdef-ghij-klm&amp;sa=D\">here</a></p>";
    Detection description = detect(plain().put("description", html));
    assertThat(description.link().nativeId()).isEqualTo("def-ghij-klm");
    assertThat(description.reason()).isEqualTo(MeetDetection.FROM_DESCRIPTION);
  }

  @Test
  @DisplayName("codes must be exactly xxx-xxxx-xxx with a boundary; meet.google.com/new and lookalikes are no link")
  void strictCodes() {
    assertThat(detect(plain().put("location", "https://meet.google.com/new")).reason()).isEqualTo(MeetDetection.NO_MEET_LINK);
    assertThat(detect(plain().put("location", "https://meet.google.com/abc-defg-hijk")).reason()).isEqualTo(MeetDetection.NO_MEET_LINK);
    assertThat(detect(plain().put("description", "notmeet.google.com.evil/abc")).reason()).isEqualTo(MeetDetection.NO_MEET_LINK);
  }

  @Test
  @DisplayName("skip reasons: cancelled, all_day, declined, no_meet_link, platform_not_enabled, unsupported_platform, not_a_meeting, ended")
  void skipReasons() {
    assertThat(detect(new JsonObject().put("id", "gone1").put("status", "cancelled")).reason()).isEqualTo(MeetDetection.CANCELLED);
    assertThat(detect(MeetEvent.meet("abc-defg-hij", START, END).status("cancelled").json()).reason()).isEqualTo(MeetDetection.CANCELLED);

    JsonObject allDay = MeetEvent.allDay(LocalDate.parse("2030-03-18"), LocalDate.parse("2030-03-19")).meetCode("abc-defg-hij").json();
    assertThat(detect(allDay).reason()).isEqualTo(MeetDetection.ALL_DAY);

    Detection declined = detect(MeetEvent.meet("abc-defg-hij", START, END).selfStatus("declined").json());
    assertThat(declined.decision()).isEqualTo(MeetDetection.SKIPPED);
    assertThat(declined.reason()).isEqualTo(MeetDetection.DECLINED);
    assertThat(detect(MeetEvent.meet("abc-defg-hij", START, END).selfStatus("tentative").json()).scheduled()).isTrue();
    assertThat(detect(MeetEvent.meet("abc-defg-hij", START, END).attendee("bob@example.com", "declined").json()).scheduled())
        .as("someone else declining changes nothing").isTrue();

    assertThat(detect(plain()).reason()).isEqualTo(MeetDetection.NO_MEET_LINK);
    MeetDetection meetOnly = new MeetDetection(new PlatformSettings(EnumSet.of(Platform.GOOGLE_MEET), List.of()));
    Detection zoomNotEnabled = meetOnly.detect(plain().put("location", "https://us02web.zoom.us/j/8123456789?pwd=x"), NOW);
    assertThat(zoomNotEnabled.reason()).isEqualTo(MeetDetection.PLATFORM_NOT_ENABLED);
    assertThat(zoomNotEnabled.link().platform()).as("the API can say which platform").isEqualTo(Platform.ZOOM);
    JsonObject webex = plain().put("conferenceData", new JsonObject()
        .put("conferenceSolution", new JsonObject().put("key", new JsonObject().put("type", "addOn")))
        .put("entryPoints", new JsonArray().add(new JsonObject().put("entryPointType", "video").put("uri", "https://acme.webex.com/meet/bob"))));
    assertThat(detect(webex.copy()).reason()).as("an add-on's own call no bot joins, and nothing else").isEqualTo(MeetDetection.UNSUPPORTED_PLATFORM);
    assertThat(detect(webex.put("description", "or https://meet.google.com/abc-defg-hij")).link().key())
        .as("a call linked elsewhere on the event is still found").isEqualTo("google_meet/abc-defg-hij");
    assertThat(detect(plain().put("location", "https://zoom.us/my/jane.doe")).reason()).isEqualTo(MeetDetection.ZOOM_PERSONAL_LINK);
    assertThat(detect(MeetEvent.meet("abc-defg-hij", START, END).with("eventType", "focusTime").json()).reason())
        .isEqualTo(MeetDetection.NOT_A_MEETING);
    assertThat(detect(MeetEvent.meet("abc-defg-hij", NOW.minusSeconds(3600), NOW).json()).reason()).isEqualTo(MeetDetection.ENDED);
  }

  @Test
  @DisplayName("a meeting in progress is still scheduled; times in another zone and without offset are read right")
  void timesAndZones() {
    assertThat(detect(MeetEvent.meet("abc-defg-hij", NOW.minusSeconds(600), NOW.plusSeconds(600)).json()).scheduled()).isTrue();

    Detection berlin = detect(MeetEvent.meet("abc-defg-hij", START, END).timeZone("Europe/Berlin").json());
    assertThat(berlin.start()).isEqualTo(START);

    JsonObject noOffset = MeetEvent.meet("abc-defg-hij", START, END).json()
        .put("start", new JsonObject().put("dateTime", "2030-03-18T10:00:00").put("timeZone", "Europe/Berlin"))
        .put("end", new JsonObject().put("dateTime", "2030-03-18T10:30:00").put("timeZone", "Europe/Berlin"));
    assertThat(detect(noOffset).start()).isEqualTo(START);
  }

  @Test
  @DisplayName("a Zoom add-on's conferenceData: the Zoom call with its passcode token, found where a Meet code would be")
  void zoomAddOn() {
    Detection d = detect(MeetEvent.zoom("85512345678", "s3cret", START, END).summary("Pricing").json());

    assertThat(d.scheduled()).isTrue();
    assertThat(d.reason()).isEqualTo(MeetDetection.FROM_CONFERENCE_DATA);
    assertThat(d.link().key()).isEqualTo("zoom/85512345678");
    assertThat(d.link().passcode()).isEqualTo(MeetEvent.zoomPwd("85512345678", "s3cret"));
    assertThat(d.link().url()).isEqualTo("https://us02web.zoom.us/j/85512345678");
  }

  @Test
  @DisplayName("an Outlook Teams invitation: the meetup-join link in the HTML description, also behind SafeLinks; a channel link is no call")
  void teamsFromOutlook() {
    String token = "ZGVtby10ZWFtcy1zeW5j";
    Detection plainLink = detect(MeetEvent.teams(MeetEvent.teamsJoinUrl(token), START, END).json());
    Detection safeLinks = detect(MeetEvent.teams(MeetEvent.teamsJoinUrl(token), START, END)
        .description(MeetEvent.teamsDescription(MeetEvent.teamsJoinUrl(token), true)).json());

    assertThat(plainLink.reason()).isEqualTo(MeetDetection.FROM_DESCRIPTION);
    assertThat(plainLink.link().key()).isEqualTo("teams/" + MeetEvent.teamsThreadId(token));
    assertThat(safeLinks.link().key()).isEqualTo(plainLink.link().key());
    assertThat(safeLinks.link().url()).startsWith("https://teams.microsoft.com/l/meetup-join/").contains("context=");
    assertThat(detect(plain().put("description", "Files: https://teams.microsoft.com/l/channel/19%3a4a95f7d8%40thread.tacv2/General")).reason())
        .isEqualTo(MeetDetection.NO_MEET_LINK);
  }

  @Test
  @DisplayName("Jitsi: skipped as not enabled by default, scheduled once ENABLED_PLATFORMS names it; other hosts only from JITSI_HOSTS")
  void jitsi() {
    MeetDetection withJitsi = new MeetDetection(new PlatformSettings(EnumSet.allOf(Platform.class), List.of("video.acme.io")));

    assertThat(detect(MeetEvent.jitsi("SalesStandup", START, END).json()).reason()).isEqualTo(MeetDetection.PLATFORM_NOT_ENABLED);
    assertThat(withJitsi.detect(MeetEvent.jitsi("SalesStandup", START, END).json(), NOW).link().key()).isEqualTo("jitsi/SalesStandup");
    assertThat(withJitsi.detect(plain().put("location", "https://video.acme.io/standup"), NOW).link().key())
        .isEqualTo("jitsi/standup@video.acme.io");
    assertThat(withJitsi.detect(plain().put("location", "https://video.other.io/standup"), NOW).reason()).isEqualTo(MeetDetection.NO_MEET_LINK);
  }

  @Test
  @DisplayName("a passcode in the title is read from it, and the title is kept without it")
  void titleWithPasscode() {
    Detection d = detect(plain().put("summary", "Pricing https://zoom.us/j/85512345678?pwd=TitlePw9"));

    assertThat(d.link().passcode()).isEqualTo("TitlePw9");
    assertThat(d.title()).isEqualTo("Pricing https://zoom.us/j/85512345678?pwd=***");
  }

  @Test
  @DisplayName("precedence: the add-on's call beats a link in the text; location beats description; the first link of a text wins")
  void precedence() {
    Detection addOnFirst = detect(MeetEvent.zoom("85512345678", null, START, END).location("https://meet.google.com/abc-defg-hij").json());
    Detection locationFirst = detect(plain().put("location", "https://teams.live.com/meet/9384756102938")
        .put("description", "https://meet.google.com/abc-defg-hij"));
    Detection firstInText = detect(plain().put("description", "Zoom: https://zoom.us/j/9876543210 or Meet: https://meet.google.com/abc-defg-hij"));

    assertThat(addOnFirst.link().platform()).isEqualTo(Platform.ZOOM);
    assertThat(locationFirst.link().platform()).isEqualTo(Platform.TEAMS);
    assertThat(locationFirst.reason()).isEqualTo(MeetDetection.FROM_LOCATION);
    assertThat(firstInText.link().key()).isEqualTo("zoom/9876543210");
  }
}
