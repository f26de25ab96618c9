-- Rescue before the meeting is lost (issue 15).

-- Who can let the bot in from the lobby: the calendar event's organizer first, then the attendees who
-- accepted, by email (empty for a meeting dispatched without a calendar event).
ALTER TABLE td_meetings ADD COLUMN admitters jsonb NOT NULL DEFAULT '[]';

-- Why each bot was sent ('dispatch', 'restart' after a deaf bot, 're_knock' after a closed lobby), and
-- what Vexa said its transcription produced (meeting.completed's service_provenance.transcription_outcome).
ALTER TABLE td_bot_sessions ADD COLUMN start_reason text NOT NULL DEFAULT 'dispatch';
ALTER TABLE td_bot_sessions ADD COLUMN transcription_outcome text;

-- Since when a calendar's credentials have stopped working (cleared when it is reconnected).
ALTER TABLE td_calendars ADD COLUMN needs_reauth_since timestamptz;

-- Early warnings, at most one a calendar a day: credentials getting old (Google expires unused and
-- testing-mode refresh tokens), or syncs failing for a while.
ALTER TABLE td_calendars ADD COLUMN credentials_since timestamptz NOT NULL DEFAULT now();
ALTER TABLE td_calendars ADD COLUMN failing_since timestamptz;
ALTER TABLE td_calendars ADD COLUMN warned_at timestamptz;
