-- wrk script for bench/load.py: PUT /api/sentences/{id}/annotation/ as one reviewer after
-- another, each request with its reviewer's token, a sentence and the version that reviewer
-- last saw of their label there (0: none), so that no save is stale.
--
-- wrk -s bench/load.lua <url> -- REVIEWERS_FILE SENTENCES_FILE
-- REVIEWERS_FILE: "token username" a line; SENTENCES_FILE: a sentence id a line.
-- wrk thread i takes the reviewers i, i + threads, ...: no two threads write the same label.
-- Each thread goes through every (reviewer, sentence) pair of its own in a shuffled order
-- (the same in every run): neighbouring requests are different reviewers on different
-- sentences, as when many people label at once, and a pair comes round again only after
-- every other pair of the thread, long after its previous answer.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local function lines(path)
  local result = {}
  for line in io.lines(path) do
    if line ~= "" then
      table.insert(result, line)
    end
  end
  return result
end

local labels = {"verified", "disputed", "unclear"}
local reviewers, sentences, versions, order = {}, {}, {}, {}
local next_request = 0

function init(args)
  local all = lines(args[1])
  local step = tonumber(args[3] or "1")
  for i, line in ipairs(all) do
    if (i - 1) % step == id - 1 then
      local token, name = line:match("^(%S+)%s+(%S+)$")
      table.insert(reviewers, {token = token, name = name})
    end
  end
  for _, line in ipairs(lines(args[2])) do
    table.insert(sentences, tonumber(line))
  end
  for i = 1, #reviewers * #sentences do
    order[i] = i - 1
  end
  math.randomseed(id)
  for i = #order, 2, -1 do  -- Fisher-Yates
    local j = math.random(i)
    order[i], order[j] = order[j], order[i]
  end
end

function request()
  local pair = order[next_request % #order + 1]
  local r = reviewers[pair % #reviewers + 1]
  local s = sentences[math.floor(pair / #reviewers) + 1]
  next_request = next_request + 1
  local version = versions[r.name .. ":" .. s] or 0
  local body = string.format(
    '{"label": "%s", "note": "checked against the source", "version": %d}',
    labels[next_request % 3 + 1], version)
  return wrk.format("PUT", "/api/sentences/" .. s .. "/annotation/", {
    ["Authorization"] = "Token " .. r.token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  -- A 409 names what is stored ("current"): the next request for that label sends it.
  if status == 200 or status == 201 or status == 409 then
    local sentence = body:match('"sentence":%s*(%d+)')
    local name = body:match('"reviewer":%s*"([^"]+)"')
    local version = body:match('"version":%s*(%d+)')
    if sentence and name and version then
      versions[name .. ":" .. sentence] = tonumber(version)
    end
  end
end

-- The summary line bench/load.py reads: healthz.lua's done(), from the same folder.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "healthz.lua")
