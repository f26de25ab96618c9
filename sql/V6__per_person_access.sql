-- Per-person access (issue 17): who may read each meeting.

-- A calendar's owner: the person whose meetings it holds (its id when that is an email, or given).
ALTER TABLE td_calendars ADD COLUMN owner text;
UPDATE td_calendars SET owner = lower(id) WHERE id ~ '^[^@[:space:]]+@[^@[:space:]]+$';

-- A meeting belongs to the owners of the calendars it came from, the people on its calendar event, and
-- whoever POST /dispatch/bot names. "via" says which: 'calendar:<id>' (rewritten with each sync of that
-- calendar's event) or 'dispatch'. The read API asks "is this person's" by (owner, meeting_id).
CREATE TABLE td_meeting_owners (
    owner       text   NOT NULL,
    meeting_id  bigint NOT NULL REFERENCES td_meetings (id) ON DELETE CASCADE,
    via         text   NOT NULL,
    PRIMARY KEY (owner, meeting_id, via)
);

CREATE INDEX td_meeting_owners_meeting_idx ON td_meeting_owners (meeting_id);

-- Meetings already scheduled from calendars belong to those calendars' owners now ...
INSERT INTO td_meeting_owners (owner, meeting_id, via)
SELECT DISTINCT c.owner, e.meeting_id, 'calendar:' || c.id
FROM td_calendar_events e JOIN td_calendars c ON c.id = e.calendar_ref
WHERE e.meeting_id IS NOT NULL AND e.decision = 'scheduled' AND c.owner IS NOT NULL;

-- ... and the people on each event when the next sync rewrites it: every event is marked unread.
UPDATE td_calendar_events SET event_updated = NULL;
