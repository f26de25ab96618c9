-- Zoom, Teams and Jitsi calls get bots too (issue 16).

-- A call's passcode is a credential: sealed like calendar credentials (AES-GCM, TD_ENCRYPTION_KEY), bound
-- to the call (platform/native id). meeting_url holds the link without it, which may be shown.
ALTER TABLE td_meetings ADD COLUMN passcode_enc bytea;

-- An event's call is named by platform and native id, as meetings are.
ALTER TABLE td_calendar_events RENAME COLUMN meet_code TO native_meeting_id;
ALTER TABLE td_calendar_events ADD COLUMN platform text;
UPDATE td_calendar_events SET platform = 'google_meet' WHERE native_meeting_id IS NOT NULL;
-- 'other_platform' meant "not Google Meet"; a platform that is not enabled now says so.
UPDATE td_calendar_events SET reason = 'platform_not_enabled' WHERE reason = 'other_platform';
