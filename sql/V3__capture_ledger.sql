-- The capture ledger (issue 14): every meeting's outcome, why, and how much of it was heard.

-- outcome is 'pending' until the meeting is over; coverage_ratio and gaps are kept up to date while
-- it runs, over the span coverage_from .. coverage_to. assessed_at is when the ledger last judged the row: a row changed since (updated_at) is
-- judged again, so a late webhook or a backfill can still move a decided outcome.
ALTER TABLE td_meetings
    ADD COLUMN outcome        text NOT NULL DEFAULT 'pending' CHECK (outcome IN (
                                  'pending', 'captured', 'partial', 'not_admitted', 'bot_failed', 'deaf', 'empty',
                                  'missed', 'cancelled', 'skipped')),
    ADD COLUMN outcome_reason text,
    ADD COLUMN coverage_ratio double precision CHECK (coverage_ratio BETWEEN 0 AND 1),
    ADD COLUMN gaps           jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN coverage_from  timestamptz,
    ADD COLUMN coverage_to    timestamptz,
    ADD COLUMN outcome_at     timestamptz,
    ADD COLUMN assessed_at    timestamptz;

-- The ledger's sweep: meetings not decided yet whose bot was sent, and meetings changed since judged.
CREATE INDEX td_meetings_outcome_pending_idx ON td_meetings (id) WHERE outcome = 'pending' AND bot_status <> 'scheduled';
CREATE INDEX td_meetings_updated_idx ON td_meetings (updated_at);

-- While the live stream is down, what a meeting's bot hears reaches us only once it is filled in from
-- Vexa's transcript: at the reconnect, or by the session's backfill. Until then the ledger counts the
-- outage as a 'stream' gap. One row an outage a followed meeting.
CREATE TABLE td_stream_outages (
    id          bigserial PRIMARY KEY,
    meeting_id  bigint      NOT NULL REFERENCES td_meetings (id) ON DELETE CASCADE,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    filled      boolean     NOT NULL DEFAULT false
);
CREATE INDEX td_stream_outages_unfilled_idx ON td_stream_outages (meeting_id) WHERE NOT filled;

-- A skipped calendar event by its start, for the coverage report's day.
CREATE INDEX td_calendar_events_starts_idx ON td_calendar_events (starts_at) WHERE meeting_id IS NULL;
