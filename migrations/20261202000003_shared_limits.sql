-- Per-token limits that hold across every instance on this database: the
-- mutation rate (one GCRA bucket per caller) and the websockets a token
-- holds open. The instances share nothing else, and this is state that may
-- be lost: a token's bucket starting full again, or the open websockets
-- being counted afresh, costs at most one more burst. So the tables are
-- unlogged: no WAL per mutation, not replicated, emptied after a crash or a
-- failover (the instances then register their open websockets again, see
-- `src/api/limits.rs`).
--
-- The caller is a member id, or the nil UUID for the admin.

-- Per caller: when their bucket is full again (the GCRA's "theoretical
-- arrival time"), and whether the last request that came to it passed (so
-- that one upsert can say so). Buckets already full mean nothing and are
-- deleted now and then.
create unlogged table rate_buckets (
    caller uuid primary key,
    full_at timestamptz not null,
    passed boolean not null
);

-- The instances that count websockets, and when each last said it lives.
-- One not seen within the TTL is taken for dead: its websockets stop
-- counting, and the next heartbeat of any instance deletes it.
create unlogged table limit_instances (
    instance_id uuid primary key,
    last_seen timestamptz not null
);

-- One row per open websocket that has a caller. No foreign key to
-- limit_instances: an instance that finds itself deleted (it was paused
-- past the TTL, or the database failed over) writes its rows again.
create unlogged table open_websockets (
    instance_id uuid not null,
    connection_id bigint not null,
    caller uuid not null,
    primary key (instance_id, connection_id)
);

create index open_websockets_caller on open_websockets (caller);
