package com.targetdialer.calendar;

import com.targetdialer.access.Owners;
import io.vertx.core.json.JsonObject;

import static com.targetdialer.http.JsonFields.text;

import java.util.regex.Pattern;

/**
 * A calendar to connect, from {@code POST /calendars} or the {@code calendars} array of the config file:
 * {@code {"id": "...", "calendar_id": "primary", "credentials": {...}}}, where {@code credentials} is
 * google-auth's own JSON: {@code authorized_user} (client id, client secret, refresh token) or
 * {@code service_account} plus {@code "subject"} (the impersonated user, for domain-wide delegation;
 * it may also sit next to {@code credentials}). Validated without any network call.
 *
 * @param credentials the credentials JSON, with {@code subject} folded in for service accounts
 * @param owner       whose meetings the calendar holds: {@code owner} when given, else the id when it is an email, else null
 */
public record CalendarRequest(String id, String calendarId, String credentialsType, JsonObject credentials, String owner) {

  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@+:-]{0,127}$");

  public static CalendarRequest fromJson(JsonObject body) {
    String id = text(body, "id");
    if (id == null) {
      throw new IllegalArgumentException("id is required: your reference for this calendar, e.g. the user's email");
    }
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 1-128 characters of letters, digits and . _ @ + : - (starting with a letter or digit)");
    }
    String calendarId = text(body, "calendar_id");
    if (calendarId == null) {
      calendarId = "primary";
    }
    if (calendarId.length() > 1024) {
      throw new IllegalArgumentException("calendar_id is longer than 1024 characters");
    }
    Object raw = body.getValue("credentials");
    if (!(raw instanceof JsonObject given)) {
      throw new IllegalArgumentException(raw == null ? "credentials is required: google-auth JSON of type authorized_user or service_account"
          : "credentials must be a JSON object");
    }
    JsonObject credentials = given.copy();
    String type = text(credentials, "type");
    if (type == null) {
      throw new IllegalArgumentException("credentials.type is required: authorized_user or service_account");
    }
    String subject = text(body, "subject");
    if (subject != null) {
      credentials.put("subject", subject);
    }
    CalendarCredentials.validate(type, credentials);
    String owner = text(body, "owner");
    if (owner != null && !Owners.isEmail(owner)) {
      throw new IllegalArgumentException("owner must be the email of the person whose calendar this is");
    }
    if (owner == null) {
      owner = Owners.isEmail(id) ? id : Owners.isEmail(calendarId) ? calendarId : null;
    }
    return new CalendarRequest(id, calendarId, type, credentials, owner == null ? null : Owners.key(owner));
  }

  /** The event-bus form; it carries the credentials, so it never leaves the process's own event bus in logs. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("calendar_id", calendarId).put("credentials_type", credentialsType)
        .put("credentials", credentials).put("owner", owner);
  }

  public static CalendarRequest fromBus(JsonObject json) {
    return new CalendarRequest(json.getString("id"), json.getString("calendar_id"), json.getString("credentials_type"),
        json.getJsonObject("credentials"), json.getString("owner"));
  }

  @Override
  public String toString() {
    return "CalendarRequest[id=" + id + ", calendar_id=" + calendarId + ", type=" + credentialsType + "]";
  }
}
