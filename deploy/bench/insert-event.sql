-- pgbench script: one event row per transaction, as `bench-write`'s raw
-- INSERT path writes it: the columns of a ProblemRecorded event with a
-- 400-character description, into `bench_events` (a copy of the events
-- table with its indexes, without the foreign key and triggers). Each
-- client writes its own stream (from :client_id); versions come from one
-- sequence, so they increase within each stream and (stream, version)
-- stays unique across runs. `bench-write --write-wrk-setup PATH` creates
-- both; by hand, on a migrated database:
--
--   create table bench_events (like events including all);
--   create sequence bench_events_position owned by bench_events.position;
--   alter table bench_events alter column position set default nextval('bench_events_position');
--   create sequence bench_events_version;
--
--   pgbench -n -M prepared -f deploy/bench/insert-event.sql -c 8 -j 2 -T 10 postgres://postgres@127.0.0.1/DB

insert into bench_events (stream_id, version, event_id, event_type, schema_version,
    payload, actor_id, command_id, correlation_id, recorded_at, hash, prev_hash)
values (
    ('00000000-0000-4000-8000-' || lpad(to_hex(:client_id::int), 12, '0'))::uuid,
    nextval('bench_events_version'),
    gen_random_uuid(),
    'ProblemRecorded',
    1,
    '{"problemId": "5f0c8a4e-2b1d-4c3e-9a7f-6d5e4c3b2a19", "title": "Knelpunt 1: signalen blijven liggen", "description": "Inwoners met betalingsachterstanden melden zich pas bij de schuldhulpverlening als de deurwaarder al langs is geweest. Vroegsignalering via woningcorporatie, energieleverancier en zorgverzekeraar bereikt hen nu niet: de signalen komen binnen, maar niemand belt of gaat op huisbezoek. Wie toch belt, krijgt geen gehoor of een ander nummer. Een vaste contactpersoon per wijk zou dat spoedig doorbreken.", "perspective": "CLIENT"}',
    '8d3b6f2a-4c1e-4f5a-b7d9-0e2c4a6b8d1f',
    gen_random_uuid(),
    gen_random_uuid(),
    now(),
    '9b74c9897bac770ffc029102a200c5de9b74c9897bac770ffc029102a200c5de',
    '3c59dc048e8850243be8079a5c74d0793c59dc048e8850243be8079a5c74d079'
);
