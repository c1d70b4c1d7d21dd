-- my_attack.lua: run with  build/vtlemu test my_attack.lua
local SECRET = 0x40000   -- the secure kernel's credential page (docs/secure-calls.md)

-- One machine for the whole file: the tests run in order, each going on from the last.
local m = vtlemu.boot{ vtl0 = "guest/build/vtl0.elf", vtl1 = "guest/build/sk.elf" }

test("VTL0 gets to the attack stage", function()
  local ev = m:run{ until_event = "console",
                    where = function(e) return e.text:find("stage 4", 1, true) ~= nil end }
  expect_eq(ev.kind, "console", "the demo never got to its attacks")
  expect_eq(m:vtl(), 0)
end)

local before = m:snapshot()   -- every variant below starts from here

test("VTL0 reading the secure kernel is intercepted", function()
  local ev = m:run{ until_event = "intercept", max_insns = 10000000 }
  expect_eq(ev.access, "read")
  expect_eq(ev.gpa, SECRET)
  expect_eq(m:vtl(), 1, "VTL1 handles the intercept")
  expect(m:read(0, ev.gpa, 8, { space = "gpa" }) == nil, "VTL0 view must be denied")
  expect(m:read(1, ev.gpa, 8, { space = "gpa" }) ~= nil, "VTL1 view is allowed")
end)

test("with the page opened to VTL0 the attack gets through", function()
  m:restore(before)
  m:protect(0, SECRET, 4096, "RWKU")   -- as the hypervisor would
  m:run{}
  expect_eq(m:exit_code(), 23, "the demo's status for 'attack 1 was not blocked'")
end)
