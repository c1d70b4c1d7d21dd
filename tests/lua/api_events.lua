-- The event log as Lua tables: m:events, m:event, m:event_count, the fields of each
-- kind (the same as the JSON trace of `vtlemu run`), console text and the exit code.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"

local function raises(text, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("no error raised (want one saying '" .. text .. "')", 2) end
  if not tostring(err):find(text, 1, true) then
    error("error '" .. tostring(err) .. "' does not say '" .. text .. "'", 2)
  end
end

-- The vtlemu running this script, to compare with `vtlemu run --trace`.
local function vtlemu_binary()
  local exe = os.getenv("VTLEMU")
  if exe then return exe end
  local p = io.popen("readlink /proc/$PPID/exe")
  exe = p:read("l")
  p:close()
  return exe
end

-- One JSON Lines object of the trace (flat: strings, integers) as a Lua table; hex
-- strings "0x…" become integers, as the Lua events have them.
local function parse_json_line(line)
  local t, pos = {}, 2
  local function str()
    local out, i = {}, pos + 1
    while true do
      local c = line:sub(i, i)
      if c == '"' then pos = i + 1; return table.concat(out) end
      if c == "\\" then
        local e = line:sub(i + 1, i + 1)
        if e == "u" then out[#out + 1] = string.char(tonumber(line:sub(i + 2, i + 5), 16)); i = i + 6
        else out[#out + 1] = ({ n = "\n", r = "\r", t = "\t" })[e] or e; i = i + 2 end
      else out[#out + 1] = c; i = i + 1 end
    end
  end
  while line:sub(pos, pos) ~= "}" do
    if line:sub(pos, pos) == "," then pos = pos + 1 end
    local key = str()
    pos = pos + 1   -- ':'
    local v
    if line:sub(pos, pos) == '"' then
      v = str()
      if v:match("^0x%x+$") then v = math.tointeger(tonumber(v:sub(3), 16)) end
    else
      local num = line:match("^%-?%d+", pos)
      pos = pos + #num
      v = math.tointeger(tonumber(num))
    end
    t[key] = v
  end
  return t
end

local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
m:run{}

test("the log starts with the boot events of both images", function()
  local e1, e2 = m:event(1), m:event(2)
  expect_eq(e1.kind, "boot")
  expect_eq(e1.vtl, 1)
  expect_eq(e1.image, SK)
  expect_eq(e1.entry, e1.rip, "the boot event is at the entry")
  expect_eq(e2.kind, "boot")
  expect_eq(e2.image, VTL0)
  expect_eq(e2.entry, 0x100000)
  expect_eq(m:event(3).kind, "vtl_enable")
  expect_eq(m:event(3).target_vtl, 1)
end)

test("m:event counts from the end with negative indices and is nil outside the log", function()
  local n = m:event_count()
  expect_eq(m:event(-1).kind, "exit")
  expect_eq(m:event(-1).icount, m:event(n).icount)
  expect_eq(m:event(0), nil)
  expect_eq(m:event(n + 1), nil)
  expect_eq(m:event(-n - 1), nil)
end)

test("events iterates over the whole log in order, kind filters it", function()
  local n, last_icount, kinds = 0, 0, {}
  for ev in m:events() do
    n = n + 1
    expect(ev.icount >= last_icount, "icount never goes back")
    last_icount = ev.icount
    kinds[ev.kind] = (kinds[ev.kind] or 0) + 1
  end
  expect_eq(n, m:event_count())
  local intercepts = 0
  for ev in m:events{ kind = "intercept" } do
    intercepts = intercepts + 1
    expect_eq(ev.kind, "intercept")
  end
  expect_eq(intercepts, kinds.intercept)
  local c = 0
  for _ in m:events("intercept") do c = c + 1 end
  expect_eq(c, intercepts, "a kind name alone works too")
  expect(intercepts > 0, "the demo has intercepts")
end)

test("since skips the events already seen", function()
  local n = m:event_count()
  local c = 0
  for ev in m:events{ since = n - 2 } do c = c + 1 end
  expect_eq(c, 2)
  c = 0
  for _ in m:events{ since = n } do c = c + 1 end
  expect_eq(c, 0)
  raises("unknown event kind 'nope'", m.events, m, { kind = "nope" })
  raises("unknown option 'knid'", m.events, m, { knid = "exit" })
  raises("since must be", m.events, m, { since = -1 })
end)

test("every kind has the fields of the JSON trace, with integers for addresses", function()
  local want = {
    boot = { "image", "entry" }, console = { "text" }, vtl_enable = { "target_vtl" },
    vtl_call = { "from_vtl", "to_vtl" }, vtl_return = { "from_vtl", "to_vtl" },
    hypercall = { "code", "name", "status" },
    slat_change = { "target_vtl", "gpa", "pages", "rights_before", "rights_after", "source" },
    slat_violation = { "gva", "gpa", "access", "rights" },
    intercept = { "from_vtl", "to_vtl", "gva", "gpa", "access" },
    cow_share = { "target_vtl", "gpa", "spa" }, cow_break = { "gpa", "spa", "new_spa" },
    syscall = { "nr" }, exit = { "code", "reason" },
    dma = { "requester", "device_vtl", "iova", "dst_iova", "length", "status", "copied" },
    iommu_fault = { "requester", "device_vtl", "iova", "access", "reason" },
    device_denied = { "requester", "device_vtl", "port", "access" },
  }
  local seen = {}
  for ev in m:events() do
    for _, f in ipairs{ "kind", "icount", "vtl", "cpl", "rip" } do
      expect(ev[f] ~= nil, ev.kind .. " lacks " .. f)
    end
    for _, f in ipairs(want[ev.kind] or {}) do
      expect(ev[f] ~= nil, ev.kind .. " lacks " .. f)
    end
    seen[ev.kind] = true
  end
  for kind in pairs(want) do expect(seen[kind], "the demo raised no " .. kind .. " event") end
  local v = m:event(-1)
  expect_eq(math.type(v.rip), "integer")
end)

test("the Lua events are the JSON trace of vtlemu run, field for field", function()
  local exe = vtlemu_binary()
  local trace = os.tmpname()
  local ok = os.execute(string.format("'%s' run --quiet --trace '%s' --vtl1 %s %s >/dev/null", exe, trace, SK, VTL0))
  expect(ok, "vtlemu run failed")
  local i = 0
  for line in io.lines(trace) do
    i = i + 1
    local j, ev = parse_json_line(line), m:event(i)
    expect(ev, "the trace has more events than the log: line " .. i)
    for k, v in pairs(j) do expect_eq(ev[k], v, "event " .. i .. " (" .. j.kind .. ") field " .. k) end
    for k in pairs(ev) do expect(j[k] ~= nil, "event " .. i .. " has field " .. k .. " the trace lacks") end
  end
  os.remove(trace)
  expect_eq(i, m:event_count())
end)

test("running event by event gives the same events as one run", function()
  local v = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
  local i = 0
  while true do
    local ev = v:run{ where = function() return true end }
    i = i + 1
    local want = m:event(i)
    -- several events of one step come together: compare all new ones
    while want and want.icount < ev.icount do i = i + 1; want = m:event(i) end
    expect_eq(ev.kind, want.kind, "event " .. i)
    expect_eq(ev.icount, want.icount, "event " .. i .. " " .. ev.kind)
    if ev.kind == "exit" then break end
  end
  expect_eq(v:event_count(), m:event_count())
  for k = 1, m:event_count() do
    expect_eq(v:event(k).kind, m:event(k).kind, "event " .. k)
    expect_eq(v:event(k).icount, m:event(k).icount, "event " .. k)
    expect_eq(v:event(k).rip, m:event(k).rip, "event " .. k)
  end
  v:close()
end)

test("console holds each VTL's output, the same as its console events", function()
  local texts = { [0] = {}, [1] = {} }
  for ev in m:events{ kind = "console" } do table.insert(texts[ev.vtl], ev.text) end
  expect_eq(m:console(0), table.concat(texts[0]))
  expect_eq(m:console(1), table.concat(texts[1]))
  expect_eq(m:console(), m:console(0), "VTL0 by default")
  expect(m:console(1):find("sk: ready", 1, true), "the secure kernel's line")
  raises("bad VTL 2", m.console, m, 2)
end)

test("exit_code is nil until the guest exits, then its status", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  expect_eq(v:exit_code(), nil)
  v:run{ until_event = "syscall" }
  expect_eq(v:exit_code(), nil)
  local ev = v:run{}
  expect_eq(v:exit_code(), 0)
  expect_eq(ev.code, 0)
  v:close()
  v = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK, append = "sk.policy=stop" }
  ev = v:run{}
  expect_eq(ev.kind, "exit")
  expect_eq(v:exit_code(), 40, "the secure kernel stopped the run at the first intercept")
  v:close()
end)
