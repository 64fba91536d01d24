-- The library (wat werkt): the lessons of every werkplaats that shares
-- them, one row per concluded action, the first read model that spans
-- werkplaatsen. Rows are written in the transaction that appends the events
-- that change them, so the library is up to date when a mutation answers,
-- on every instance; `werkplaats rebuild library` recomputes it from the
-- events.
create table lessons (
    action_id uuid primary key,
    werkplaats_id uuid not null references streams (id),
    -- The werkplaats version the row was computed at.
    version bigint not null,
    concluded_at timestamptz not null,
    outcome text not null,
    methodology text not null,
    capitals text[] not null,
    -- Title, goal, findings, rationale and the solution's title and
    -- description, for Dutch full-text search with stemming.
    document text not null,
    search tsvector generated always as (to_tsvector('dutch', document)) stored,
    -- The lesson as served.
    lesson jsonb not null
);

create index lessons_search on lessons using gin (search);
create index lessons_newest on lessons (concluded_at desc, action_id);
create index lessons_werkplaats on lessons (werkplaats_id);
