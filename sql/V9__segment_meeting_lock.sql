-- The foreign key of td_transcript_segments.meeting_id checked each row written: a lookup and a lock of its
-- meeting per segment, a third of the segment merge's time (issue 18). The merge now does the same once per
-- meeting and statement: it locks the meetings it writes to (FOR KEY SHARE, the lock the check took, which a
-- delete of the meeting waits for) and writes no segment of a meeting that is gone. Deleting or truncating
-- td_meetings still takes the meetings' segments with them.
ALTER TABLE td_transcript_segments DROP CONSTRAINT td_transcript_segments_meeting_id_fkey;

CREATE FUNCTION td_delete_meeting_segments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM td_transcript_segments s USING deleted_meetings d WHERE s.meeting_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER td_meetings_delete_segments AFTER DELETE ON td_meetings
    REFERENCING OLD TABLE AS deleted_meetings
    FOR EACH STATEMENT EXECUTE FUNCTION td_delete_meeting_segments();

CREATE FUNCTION td_truncate_meeting_segments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE td_transcript_segments;
    RETURN NULL;
END
$$;

CREATE TRIGGER td_meetings_truncate_segments AFTER TRUNCATE ON td_meetings
    FOR EACH STATEMENT EXECUTE FUNCTION td_truncate_meeting_segments();
