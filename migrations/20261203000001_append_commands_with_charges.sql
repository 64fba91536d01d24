-- The rate limit's take moves into the append: a command that is the
-- whole of its request is charged to its caller's bucket in the same
-- statement and transaction that appends it, instead of in a statement
-- and a round trip of its own before it (see `src/app/rate_limit.rs`).
--
-- Command i may name a caller, the cost of its request and the bucket's
-- capacity (null caller: nothing to charge; empty arrays: nothing in the
-- group is charged). Before any stream is touched,
-- the charges are taken in caller order, each with the GCRA of
-- `src/store/limits.rs`, so groups of several instances, and the
-- stand-alone takes, lock buckets before streams and in one order. A
-- charge that does not fit takes nothing, and its command writes nothing:
-- status 3, with `wait_micros` until it would fit. The arguments and rows
-- are otherwise the first version's. That version stays, for instances of
-- the previous release during a rolling upgrade.
create function append_commands(
    c_stream uuid[],
    c_expected bigint[],
    c_head text[],
    c_command uuid[],
    c_correlation uuid[],
    c_actor uuid[],
    c_recorded timestamptz[],
    c_events integer[],
    e_id uuid[],
    e_type text[],
    e_schema integer[],
    e_payload jsonb[],
    e_hash text[],
    notify boolean,
    c_caller uuid[],
    c_cost interval[],
    c_capacity interval[]
) returns table (status smallint, stream_id uuid, first_version bigint, last_version bigint,
    wait_micros bigint)
language plpgsql as $$
declare
    i integer;
    k integer;
    j integer := 0;
    head_version bigint;
    head_hash text;
    prev text;
    prior_stream uuid;
    prior_first bigint;
    prior_last bigint;
    n integer := coalesce(array_length(c_stream, 1), 0);
    -- Empty charge arrays: nothing in the group is charged.
    charged boolean := coalesce(array_length(c_caller, 1), 0) > 0;
    passed boolean[];
    waits bigint[];
    ok boolean;
    at timestamptz;
begin
    if charged then
        passed := array_fill(true, array[n]);
        waits := array_fill(0::bigint, array[n]);
        for i in select u.n from unnest(c_caller) with ordinality as u (caller, n)
                where u.caller is not null order by u.caller, u.n loop
            insert into rate_buckets as bucket (caller, full_at, passed)
                values (c_caller[i], now() + c_cost[i], true)
                on conflict (caller) do update set
                    passed = greatest(bucket.full_at, now()) + c_cost[i]
                        <= now() + c_capacity[i],
                    full_at = case
                        when greatest(bucket.full_at, now()) + c_cost[i] <= now() + c_capacity[i]
                        then greatest(bucket.full_at, now()) + c_cost[i]
                        else bucket.full_at end
                returning bucket.passed, bucket.full_at into ok, at;
            passed[i] := ok;
            if not ok then
                waits[i] := ceil(extract(epoch from at + c_cost[i] - c_capacity[i] - now())
                    * 1000000);
            end if;
        end loop;
    end if;
    for i in 1 .. n loop
        wait_micros := null;
        if charged and not passed[i] then
            status := 3;
            stream_id := c_stream[i];
            first_version := null;
            last_version := 0;
            wait_micros := greatest(waits[i], 1);
            j := j + c_events[i];
            return next;
            continue;
        end if;
        if c_expected[i] = 0 then
            insert into streams (id) values (c_stream[i]) on conflict (id) do nothing;
        end if;
        -- The row lock makes check-and-append atomic per stream; the
        -- command id is looked up in the same statement.
        select s.version, s.head_hash, c.stream_id, c.first_version, c.last_version
            into head_version, head_hash, prior_stream, prior_first, prior_last
            from streams s left join commands c on c.command_id = c_command[i]
            where s.id = c_stream[i] for update of s;
        if prior_stream is null and (head_version is distinct from c_expected[i]
            or head_hash is distinct from c_head[i]) then
            -- A twin of this command that held the lock may have moved the
            -- stream on: a new statement sees what it committed.
            select c.stream_id, c.first_version, c.last_version
                into prior_stream, prior_first, prior_last
                from commands c where c.command_id = c_command[i];
        end if;
        if prior_stream is not null then
            status := 1;
            stream_id := prior_stream;
            first_version := prior_first;
            last_version := prior_last;
        elsif head_version is distinct from c_expected[i]
            or head_hash is distinct from c_head[i] then
            status := 2;
            stream_id := c_stream[i];
            first_version := null;
            last_version := coalesce(head_version, 0);
        else
            prev := head_hash;
            for k in 1 .. c_events[i] loop
                insert into events (stream_id, version, event_id, event_type, schema_version,
                    payload, actor_id, command_id, correlation_id, recorded_at, hash, prev_hash)
                values (c_stream[i], c_expected[i] + k, e_id[j + k], e_type[j + k],
                    e_schema[j + k], e_payload[j + k], c_actor[i], c_command[i],
                    c_correlation[i], c_recorded[i], e_hash[j + k], prev);
                prev := e_hash[j + k];
            end loop;
            with moved as (
                update streams s set version = c_expected[i] + c_events[i], head_hash = prev,
                    head_recorded_at = c_recorded[i]
                    where s.id = c_stream[i]
            )
            insert into commands (command_id, stream_id, first_version, last_version)
                values (c_command[i], c_stream[i], c_expected[i] + 1,
                    c_expected[i] + c_events[i]);
            if notify then
                perform pg_notify('werkplaats_events',
                    c_stream[i] || ':' || (c_expected[i] + c_events[i]));
            end if;
            status := 0;
            stream_id := c_stream[i];
            first_version := c_expected[i] + 1;
            last_version := c_expected[i] + c_events[i];
        end if;
        j := j + c_events[i];
        return next;
    end loop;
end;
$$;
