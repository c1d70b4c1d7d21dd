-- m:run and m:step: where they stop, what they return, budgets and errors.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"

-- Fails the calling test unless f(...) raises an error whose text contains `text`.
local function raises(text, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("no error raised (want one saying '" .. text .. "')", 2) end
  if not tostring(err):find(text, 1, true) then
    error("error '" .. tostring(err) .. "' does not say '" .. text .. "'", 2)
  end
end

-- One machine for the tests below, as a script would use it: each test goes on from
-- where the previous one stopped.
local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }

test("until_event stops at the first event of that kind", function()
  local ev = m:run{ until_event = "vtl_return" }
  expect_eq(ev.kind, "vtl_return")
  expect_eq(ev.from_vtl, 1)
  expect_eq(ev.to_vtl, 0)
  expect_eq(ev.icount, m:icount(), "the machine stopped at the event")
end)

test("after vtl_return the lower VTL is running (the step has taken effect)", function()
  expect_eq(m:vtl(), 0)
  expect_eq(m:reg(0, "rip"), 0x100000, "VTL0 is at its entry")
end)

test("where selects among all events when no kind is given", function()
  local ev = m:run{ where = function(e) return e.kind == "console" and e.vtl == 0 end }
  expect_eq(ev.kind, "console")
  expect_eq(ev.vtl, 0)
  expect_eq(ev.text, "vtl0: vtlemu demo kernel\n")
end)

test("until_event and where together need both", function()
  local seen = 0
  local ev = m:run{ until_event = "hypercall", where = function(e)
    seen = seen + 1
    return e.name == "HvCallVtlReturn"
  end }
  expect_eq(ev.kind, "hypercall")
  expect_eq(ev.name, "HvCallVtlReturn")
  expect_eq(ev.vtl, 1)
  expect(seen >= 2, "where saw only hypercalls, and more than one: " .. seen)
end)

test("after vtl_call the higher VTL is running", function()
  local ev = m:run{ until_event = "vtl_call" }
  expect_eq(ev.to_vtl, 1)
  expect_eq(m:vtl(), 1)
  expect_eq(ev.vtl, 1, "the event's vtl is the VTL now running")
  expect_eq(m:reg(1, "rip"), ev.rip)
end)

test("where may look at the machine", function()
  local rips = {}
  local ev = m:run{ until_event = "hypercall", where = function(e)
    rips[#rips + 1] = m:reg(e.vtl, "rip")
    return #rips == 2
  end }
  expect_eq(#rips, 2)
  expect_eq(ev.kind, "hypercall")
end)

test("max_insns runs out: nil, \"budget\" after exactly that many instructions", function()
  local before = m:icount()
  local ev, why = m:run{ until_event = "exit", max_insns = 1000 }
  expect_eq(ev, nil)
  expect_eq(why, "budget")
  expect_eq(m:icount() - before, 1000)
end)

test("a guest that never raises the event ends the run at the budget", function()
  local before = m:icount()
  local ev, why = m:run{ until_event = "dma", max_insns = 50000 }
  expect_eq(why, "budget")
  expect_eq(ev, nil)
  expect_eq(m:icount() - before, 50000)
end)

test("step(n) retires exactly n instructions", function()
  local before = m:icount()
  m:step(7)
  expect_eq(m:icount() - before, 7)
  m:step()
  expect_eq(m:icount() - before, 8, "step() is one instruction")
end)

test("step returns the last event its instructions raised, or nil", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  local first = v:run{ until_event = "syscall" }   -- the user program's first syscall
  local n = first.icount
  -- The next syscall is at a known distance: step to just before it, then over it.
  local second = v:run{ until_event = "syscall" }
  v:close()
  v = vtlemu.boot{ vtl0 = VTL0 }
  v:run{ until_event = "syscall" }
  expect_eq(v:icount(), n)
  local gap = second.icount - n
  expect_eq(v:step(gap - 1), nil, "no event in the instructions before the syscall")
  local ev = v:step(1)
  expect(ev ~= nil, "the syscall instruction raised an event")
  expect_eq(ev.kind, "syscall")
  expect_eq(ev.nr, second.nr)
  expect_eq(ev.icount, second.icount)
  v:close()
end)

test("run without options goes to the exit and returns the exit event", function()
  local ev = m:run{}
  expect_eq(ev.kind, "exit")
  expect_eq(ev.reason, "guest")
  expect_eq(ev.code, 0)
  expect_eq(m:exit_code(), 0)
end)

test("after the exit, run returns the exit event again and step does nothing", function()
  local n = m:icount()
  local ev = m:run{ until_event = "syscall" }
  expect_eq(ev.kind, "exit")
  expect_eq(m:step(10), nil)
  expect_eq(m:icount(), n)
end)

test("bad options are errors", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  raises("unknown event kind 'nonsense'", v.run, v, { until_event = "nonsense" })
  raises("an event kind is a string", v.run, v, { until_event = 3 })
  raises("max_insns must be a positive", v.run, v, { max_insns = 0 })
  raises("max_insns must be a positive", v.run, v, { max_insns = -5 })
  raises("max_insns must be a positive", v.run, v, { max_insns = 1.5 })
  raises("where to be a function", v.run, v, { where = "x" })
  raises("unknown option 'untill_event'", v.run, v, { untill_event = "exit" })
  raises("must be a positive", v.step, v, 0)
  expect_eq(v:icount(), 0, "nothing ran")
  v:close()
end)

test("an error in where ends the run and is raised by m:run with its own position", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  local line = debug.getinfo(1, "l").currentline + 1
  local ok, err = pcall(v.run, v, { where = function(e) if e.kind == "syscall" then error("boom") end end })
  expect(not ok, "m:run raised")
  expect(tostring(err):find("boom", 1, true), tostring(err))
  expect(tostring(err):find("api_run.lua:" .. line, 1, true), "position of the error(): " .. tostring(err))
  expect_eq(v:event(-1).kind, "syscall", "the machine stopped at the event where failed on")
  v:close()
end)

test("where cannot run or change the machine", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  local calls = {
    function() v:run{} end, function() v:step(1) end, function() v:set_reg(0, "rax", 1) end,
    function() v:write(0, 0x1000, "x", { space = "gpa" }) end, function() v:protect(0, 0, 4096, "RWKU") end,
    function() v:snapshot() end, function() v:close() end,
  }
  for i, call in ipairs(calls) do
    local ok, err = pcall(v.run, v, { until_event = "console", where = function() call() end })
    expect(not ok, "call " .. i .. " was allowed inside where")
    expect(tostring(err):find("cannot be called from a where function", 1, true), tostring(err))
  end
  v:close()
end)
