-- wrk script: recordProblem mutations with a 400-character description,
-- each wrk thread on its own werkplaats, as `bench-write` writes them.
--
-- WERKPLAATS_TOKENS names a file of "<werkplaats id> <facilitator token>"
-- lines (`bench-write --write-wrk-setup PATH` writes one). Thread n takes
-- line n (round robin when there are fewer lines): run with as many
-- threads as connections (-t N -c N) to give every connection its own
-- werkplaats, e.g.
--
--   WERKPLAATS_TOKENS=/tmp/tokens wrk -t 8 -c 8 -d 10s --latency \
--     -s deploy/bench/record-problem.lua http://127.0.0.1:PORT/graphql

local description = "Inwoners met betalingsachterstanden melden zich pas bij de "
  .. "schuldhulpverlening als de deurwaarder al langs is geweest. Vroegsignalering via "
  .. "woningcorporatie, energieleverancier en zorgverzekeraar bereikt hen nu niet: de signalen "
  .. "komen binnen, maar niemand belt of gaat op huisbezoek. Wie toch belt, krijgt geen gehoor "
  .. "of een ander nummer. Een vaste contactpersoon per wijk zou dat spoedig doorbreken."

local threads = {}
local next_index = 0

-- In the main Lua state, once per thread: number the threads.
function setup(thread)
  thread:set("index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

-- In each thread's own Lua state: pick its werkplaats, build its request.
function init(args)
  local path = os.getenv("WERKPLAATS_TOKENS")
  assert(path, "set WERKPLAATS_TOKENS to the file of werkplaats ids and tokens")
  local lines = {}
  for line in io.lines(path) do
    if line:match("%S") then
      table.insert(lines, line)
    end
  end
  assert(#lines > 0, "no werkplaatsen in " .. path)
  local id, token = lines[index % #lines + 1]:match("^(%S+)%s+(%S+)")
  local body = '{"query":"mutation($input: RecordProblemInput!) '
    .. '{ recordProblem(input: $input) { version } }",'
    .. '"variables":{"input":{"werkplaatsId":"' .. id .. '",'
    .. '"title":"Knelpunt via wrk: signalen blijven liggen",'
    .. '"description":"' .. description .. '","perspective":"CLIENT"}}}'
  prepared = wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
  failed = 0
end

function request()
  return prepared
end

-- Every answer must be a 200 without GraphQL errors.
function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failed")
  end
  io.write(string.format("%d requests, %d with errors; %.0f requests/s\n",
    summary.requests, total, summary.requests / (summary.duration / 1e6)))
end
