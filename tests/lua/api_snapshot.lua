-- m:snapshot / m:restore: the whole machine rewinds (RAM, both VTLs' registers, SLAT,
-- event log, console, exit state), and runs after a restore repeat exactly.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"

local function raises(text, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("no error raised (want one saying '" .. text .. "')", 2) end
  if not tostring(err):find(text, 1, true) then
    error("error '" .. tostring(err) .. "' does not say '" .. text .. "'", 2)
  end
end

-- FNV-1a over 8-byte words of host memory (SPA) in [from, to): a RAM hash.
local function ram_hash(m, from, to)
  local h = -3750763034362895579   -- 0xcbf29ce484222325
  local chunk = 0x10000
  for a = from, to - 1, chunk do
    local bytes = assert(m:read(0, a, math.min(chunk, to - a), { space = "spa" }))
    for i = 1, #bytes, 64 do
      local w1, w2, w3, w4, w5, w6, w7, w8 = string.unpack("<i8i8i8i8i8i8i8i8", bytes, i)
      h = ((((((((h ~ w1) * 0x100000001b3 ~ w2) * 0x100000001b3 ~ w3) * 0x100000001b3 ~ w4) * 0x100000001b3
        ~ w5) * 0x100000001b3 ~ w6) * 0x100000001b3 ~ w7) * 0x100000001b3 ~ w8) * 0x100000001b3
    end
  end
  return h
end

-- What the machine looks like: hashes of the memory the demo uses, both VTLs'
-- registers, SLAT of the interesting pages, the log, console and exit code.
local function state(m)
  local s = {
    -- kernels, the secret page, VTL0's frames, the loader area. (Not the copy-on-write
    -- frame pool past RAM: a frame a restore frees keeps its bytes until reused.)
    low = ram_hash(m, 0, 0x400000), loader = ram_hash(m, 0xffd0000, 0x10000000),
    events = m:event_count(), icount = m:icount(), vtl = m:vtl(), cpl = m:cpl(),
    console0 = m:console(0), console1 = m:console(1), exit = m:exit_code() or "none",
  }
  for vtl = 0, 1 do
    for k, v in pairs(m:regs(vtl)) do s["vtl" .. vtl .. "." .. k] = v end
    for _, gpa in ipairs{ 0x40000, 0x41000, 0x101000, 0x8000000 } do
      local e = m:slat(vtl, gpa)
      s[string.format("slat%d.%x", vtl, gpa)] = e.rights .. string.format(" %x ", e.spa) .. tostring(e.cow)
    end
  end
  return s
end

local function expect_same_state(got, want, what)
  for k, v in pairs(want) do expect_eq(got[k], v, what .. ": " .. k) end
  for k in pairs(got) do expect(want[k] ~= nil, what .. ": extra " .. k) end
end

local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
m:run{ until_event = "console", where = function(e) return e.text:find("stage 2", 1, true) ~= nil end }
local snap = m:snapshot()
local at_snap = state(m)

test("restore after running to the exit gives back the exact state", function()
  local ev = m:run{}
  expect_eq(ev.kind, "exit")
  local after = state(m)
  expect(after.events > at_snap.events and after.low ~= at_snap.low, "the run changed the machine")
  expect_eq(m:restore(snap), true)
  expect_same_state(state(m), at_snap, "after restore")
end)

test("a run after restore repeats the first one exactly", function()
  local first = {}
  local ev = m:run{}
  for e in m:events{ since = at_snap.events } do first[#first + 1] = e end
  local end1 = state(m)
  m:restore(snap)
  m:run{}
  local i = 0
  for e in m:events{ since = at_snap.events } do
    i = i + 1
    expect_eq(e.kind, first[i].kind, "event " .. i)
    expect_eq(e.icount, first[i].icount, "event " .. i)
    expect_eq(e.rip, first[i].rip, "event " .. i)
  end
  expect_eq(i, #first)
  expect_same_state(state(m), end1, "second run")
  expect_eq(ev.code, 0)
  m:restore(snap)
end)

test("restore undoes debugger writes, register and SLAT changes", function()
  m:write(0, 0x8000000, "scribble", { space = "gpa" })
  m:write(1, 0x40000, "secret?", { space = "gpa" })
  m:set_reg(0, "rax", 0x1234)
  m:set_reg(1, "rip", m:event(1).entry)
  m:protect(0, 0x40000, 0x2000, "RWKU")
  m:step(1000)
  expect(state(m).low ~= at_snap.low, "changed")
  m:restore(snap)
  expect_same_state(state(m), at_snap, "after restore")
end)

test("a snapshot can be restored many times and several can coexist", function()
  m:run{ until_event = "cow_break" }
  local snap2 = m:snapshot()
  local at2 = state(m)
  m:run{}
  m:restore(snap)
  expect_same_state(state(m), at_snap, "first snapshot")
  m:restore(snap2)
  expect_same_state(state(m), at2, "second snapshot")
  m:restore(snap)
  expect_same_state(state(m), at_snap, "first snapshot again")
  snap2:free()
  raises("the snapshot was freed", m.restore, m, snap2)
end)

test("restore clears the exit", function()
  m:run{}
  expect_eq(m:exit_code(), 0)
  m:restore(snap)
  expect_eq(m:exit_code(), nil)
  local ev = m:run{ until_event = "cow_share" }
  expect_eq(ev.kind, "cow_share", "the machine runs again")
  m:restore(snap)
end)

test("a snapshot belongs to its machine", function()
  local other = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
  raises("taken of another machine", other.restore, other, snap)
  raises("vtlemu.snapshot expected", m.restore, m, {})
  other:close()
  expect_same_state(state(m), at_snap, "untouched")
end)
