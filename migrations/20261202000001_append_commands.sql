-- Appending a group of commands in one statement, so that a command costs
-- the database one round trip and a group of them one commit.
--
-- Each command i names its stream, the version and head hash it was decided
-- on, its command id, and how many of the event arrays' elements are its
-- events (in order, after those of commands 1 .. i-1). The hashes were
-- computed by the caller from the head it expected; when the stream's head
-- is another, nothing of that command is written. Every command is checked
-- before any of its rows is written, so a refused one never fails another
-- and the statement raises only on a fault (then the caller retries each
-- command on its own). The caller orders commands by stream, so that two
-- groups never wait for each other's stream locks in opposite order.
--
-- One row per command, in order: status 0 appended (versions first..last),
-- 1 the command id was appended before (as stream, first..last), 2 the
-- stream is not where the command expected it (last_version is its version).
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
    notify boolean
) returns table (status smallint, stream_id uuid, first_version bigint, last_version bigint)
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
begin
    for i in 1 .. coalesce(array_length(c_stream, 1), 0) loop
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
