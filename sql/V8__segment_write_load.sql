-- Segment writes at thousands of live meetings (issue 18). A 10-minute run at 10,000 meetings showed
-- Postgres reading and evicting ~5,000 pages a second once the transcript indexes outgrew shared_buffers:
-- every live meeting keeps a hot leaf in each index on (meeting_id, ...), and every confirmation of a draft
-- was a non-HOT update (the row's page was full), which adds an entry to every index again.

-- No reader needs it: reads of a meeting's segments select by meeting_id, which the merge key leads with,
-- and sort by expressions this index does not hold. One hot leaf per live meeting less.
DROP INDEX td_transcript_segments_timeline_idx;

-- Room on each page for the next version of its rows: a draft's confirmation (or rewording) is then a
-- HOT update, written on the same page with no new index entry. Applies to pages filled from now on.
ALTER TABLE td_transcript_segments SET (fillfactor = 70);

-- Every live meeting's row is updated every few seconds (counts, last_segment_at).
ALTER TABLE td_meetings SET (fillfactor = 50);
