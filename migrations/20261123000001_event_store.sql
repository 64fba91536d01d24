-- The event store: one row per werkplaats stream, one row per event.

create table streams (
    id uuid primary key,
    -- order in which werkplaatsen were created, for listing them
    seq bigserial not null unique,
    version bigint not null default 0,
    head_hash text,
    head_recorded_at timestamptz,
    created_at timestamptz not null default now()
);

create table events (
    position bigserial primary key,
    stream_id uuid not null references streams (id),
    version bigint not null check (version >= 1),
    event_id uuid not null unique,
    event_type text not null,
    schema_version integer not null,
    payload jsonb not null,
    -- metadata: who, which command, which conversation; never names or addresses
    actor_id uuid,
    command_id uuid not null,
    correlation_id uuid not null,
    recorded_at timestamptz not null,
    hash text not null,
    prev_hash text,
    -- the writing transaction, so cross-stream readers can stay below the
    -- oldest transaction still running (pg_snapshot_xmin)
    transaction_id xid8 not null default pg_current_xact_id(),
    constraint events_stream_version_key unique (stream_id, version)
);

create index events_stream_recorded_at on events (stream_id, recorded_at);

-- Events are never changed or removed: a correction is a new event.
create function refuse_event_change() returns trigger language plpgsql as $$
begin
    raise exception 'events are append-only: % refused', tg_op
        using errcode = 'restrict_violation';
end;
$$;

create trigger events_append_only
    before update or delete on events
    for each row execute function refuse_event_change();

create trigger events_no_truncate
    before truncate on events
    for each statement execute function refuse_event_change();

-- A command id seen once: a retried command returns the first result.
create table commands (
    command_id uuid primary key,
    stream_id uuid not null references streams (id),
    first_version bigint not null,
    last_version bigint not null,
    recorded_at timestamptz not null default now()
);

-- Personal data lives beside the stream, so it can be erased without
-- touching a single event (and the hash chain stays valid).
create table member_profiles (
    member_id uuid primary key,
    werkplaats_id uuid not null references streams (id),
    name text,
    forgotten_at timestamptz
);

create index member_profiles_werkplaats on member_profiles (werkplaats_id);

-- Bearer tokens, stored only as SHA-256 hashes.
create table tokens (
    token_hash bytea primary key,
    member_id uuid not null references member_profiles (member_id),
    werkplaats_id uuid not null references streams (id),
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);

create index tokens_member on tokens (member_id);
