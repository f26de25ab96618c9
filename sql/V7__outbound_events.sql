-- Outbound events for the systems downstream (issue 19): a transactional outbox, numbered, delivered
-- to subscribers with Standard Webhooks signatures, replayable by seq.

-- The outbox. A row is inserted in the transaction of the change it describes, without a seq: writers
-- never wait on each other. One sequencer at a time (the counter row's lock) numbers the committed rows in
-- insertion order, so seq has no gaps (a rolled-back insert never got one) and a reader never sees a
-- seq before the ones below it.
CREATE TABLE td_outbound_events (
    pk           bigserial   PRIMARY KEY,
    seq          bigint      UNIQUE,
    id           text        NOT NULL UNIQUE,
    type         text        NOT NULL,
    meeting_id   bigint,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    data         jsonb       NOT NULL
);

CREATE INDEX td_outbound_events_unsequenced_idx ON td_outbound_events (pk) WHERE seq IS NULL;
CREATE INDEX td_outbound_events_occurred_idx ON td_outbound_events (occurred_at);

-- The last seq given out: the sequencer's counter (max(seq) would restart after a full prune).
CREATE TABLE td_event_seq (
    id        smallint PRIMARY KEY CHECK (id = 1),
    last_seq  bigint   NOT NULL
);
INSERT INTO td_event_seq (id, last_seq) VALUES (1, 0);

-- Subscribers. delivered_seq: every matching event up to it was accepted (2xx). failures counts the
-- attempts at the next event since the last success; next_attempt_at is when it is tried again.
-- lease_owner/lease_until: the node delivering to it now (one node per subscription in a cluster).
CREATE TABLE td_subscriptions (
    id               text        PRIMARY KEY,
    url              text        NOT NULL,
    types            text[]      NOT NULL,
    secret           text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_seq    bigint      NOT NULL,
    delivered_at     timestamptz,
    failures         integer     NOT NULL DEFAULT 0,
    failing          boolean     NOT NULL DEFAULT false,
    last_error       text,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_until      timestamptz
);
