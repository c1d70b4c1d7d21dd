-- The two-VTL Credential Guard demo (docs/secure-calls.md): the secure kernel holds
-- lsass's credential in a page VTL0 can never touch; VTL0's compromised kernel attacks
-- it. Then, from a snapshot taken just before the attack, the script tries variants of
-- its own.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"
local SECRET = 0x40000            -- the credential page: first page of the secure kernel
local DIRECT_MAP = 0xffff800000000000

local function console_line(text)
  return function(e) return e.kind == "console" and e.text:find(text, 1, true) ~= nil end
end

local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }

test("the secure kernel boots first and closes its image to VTL0", function()
  local ret = m:run{ until_event = "vtl_return" }
  expect_eq(ret.to_vtl, 0)
  expect_eq(m:vtl(), 0, "VTL0 runs now")
  local closed = false
  for e in m:events{ kind = "slat_change" } do
    if e.source == "hypercall" and e.target_vtl == 0 and e.gpa == SECRET then
      expect_eq(e.rights_before, "RWKU")
      expect_eq(e.rights_after, "----")
      expect(e.pages >= 2, "the whole image, not just the secret page")
      closed = true
    end
  end
  expect(closed, "no slat_change closed GPA 0x40000 to VTL0")
  expect_eq(m:slat(0, SECRET).rights, "----")
  expect_eq(m:slat(1, SECRET).rights, "RWKU")
  expect(m:console(1):find("is no-access for VTL0", 1, true), "the secure kernel's line")
end)

test("lsass proves the password through VTL1: right accepted, wrong refused", function()
  local ev = m:run{ where = console_line("stage 4") }
  expect(ev, "the demo never reached its attack stage")
  local c0, c1 = m:console(0), m:console(1)
  expect(c0:find("lsass: logon of 'alice' with the right password: .* VTL1 says ACCEPTED"), "accepted line")
  expect(c0:find("lsass: logon of 'alice' with a wrong password: .* VTL1 says REFUSED"), "refused line")
  expect(c1:find("response correct", 1, true) and c1:find("WRONG response", 1, true), "VTL1's side")
  -- lsass asked through its own system calls: challenge (500) and verify (501), from user mode
  local nrs = {}
  for e in m:events{ kind = "syscall" } do
    expect_eq(e.cpl, 3)
    nrs[e.nr] = (nrs[e.nr] or 0) + 1
  end
  expect_eq(nrs[500], 2, "two challenges")
  expect_eq(nrs[501], 2, "two verifications")
  -- each verification is a secure call: a VtlCall answered by a VtlReturn
  local calls = 0
  for _ in m:events{ kind = "vtl_call" } do calls = calls + 1 end
  expect(calls >= 2, "secure calls")
end)

local before_attack = m:snapshot()
local secret = m:read(1, SECRET, 16, { space = "gpa" })

test("attack 1: a VTL0 read of the secret is a violation, then an intercept into VTL1", function()
  local icpt = m:run{ until_event = "intercept" }
  expect_eq(icpt.from_vtl, 0)
  expect_eq(icpt.to_vtl, 1)
  expect_eq(icpt.gpa, SECRET)
  expect_eq(icpt.gva, DIRECT_MAP + SECRET)
  expect_eq(icpt.access, "read")
  -- the access itself is the slat_violation just before, in VTL0, in the same step
  local viol = m:event(-2)
  expect_eq(viol.kind, "slat_violation")
  expect_eq(viol.icount, icpt.icount)
  expect_eq(viol.vtl, 0)
  expect_eq(viol.cpl, 0)
  expect_eq(viol.access, "read")
  expect_eq(viol.gpa, SECRET)
  expect_eq(viol.gva, icpt.gva)
  expect_eq(viol.rights, "----")
  expect_eq(m:vtl(), 1, "VTL1 handles it now")
  -- while VTL1 runs, VTL0's view is still closed and VTL1's open
  expect_eq(m:read(0, SECRET, 16, { space = "gpa" }), nil)
  expect_eq(m:read(1, SECRET, 16, { space = "gpa" }), secret)
  expect_eq(m:reg(0, "rip"), viol.rip, "VTL0 waits at the faulting instruction")
  -- policy skip: VTL1 moves VTL0 past the instruction and returns
  local _, len = m:disasm(0, viol.rip)
  local ret = m:run{ until_event = "vtl_return" }
  expect_eq(ret.to_vtl, 0)
  expect_eq(m:reg(0, "rip"), viol.rip + len, "the load was skipped")
  expect(m:console(1):find(string.format("blocked VTL0 read of GPA 0x40000 (GVA 0x%x)", viol.gva), 1, true),
         "VTL1 logged the attempt")
end)

test("attacks 1-6 are blocked, each with exactly one intercept", function()
  m:restore(before_attack)
  local verdicts, count, per_attack = {}, 0, {}
  while #verdicts < 6 do
    local ev = m:run{ where = function(e)
      return e.kind == "intercept" or (e.kind == "console" and e.text:find("attacker:   -> ", 1, true) ~= nil)
    end }
    expect(ev and ev.kind ~= "exit", "the run ended before six verdicts")
    if ev.kind == "intercept" then
      count = count + 1
      per_attack[#verdicts + 1] = ev
    else
      verdicts[#verdicts + 1] = ev.text
      expect_eq(count, 1, "intercepts for attack " .. #verdicts)
      count = 0
    end
  end
  for i, text in ipairs(verdicts) do
    expect(text:find("-> BLOCKED (1 intercept by VTL1)", 1, true), "attack " .. i .. ": " .. text)
  end
  local want = { { "read", SECRET }, { "read", SECRET }, { "read", SECRET }, { "write", SECRET }, { "execute" }, { "write" } }
  for i, w in ipairs(want) do
    expect_eq(per_attack[i].access, w[1], "attack " .. i)
    if w[2] then expect_eq(per_attack[i].gpa, w[2], "attack " .. i) end
  end
  expect_eq(m:slat(0, per_attack[5].gpa).rights, "----", "attack 5 went for the secure kernel's code")
  expect_eq(m:slat(0, per_attack[6].gpa).rights, "R-KU", "attack 6 went for VTL0's own read-only code")
end)

test("attack 7 (scan) finds nothing, and neither does the script: the secret is nowhere VTL0 can read", function()
  local ev = m:run{ where = console_line("attacker:   -> ") }
  expect(ev.text:find("NOTHING FOUND", 1, true), ev.text)
  expect_eq(m:read(1, SECRET, 16, { space = "gpa" }), secret, "the secret survived the write attempt")
  -- VTL0's view of all RAM, 1 MiB at a time, page by page where a chunk is refused
  local ram, chunk, denied = 256 << 20, 1 << 20, 0
  local function check(bytes, gpa)
    local at = bytes:find(secret, 1, true)
    expect(not at, string.format("the secret is readable by VTL0 at GPA 0x%x", gpa + (at or 1) - 1))
  end
  for base = 0, ram - 1, chunk do
    local bytes = m:read(0, base, chunk, { space = "gpa" })
    if bytes then
      check(bytes, base)
    else
      for page = base, base + chunk - 1, 4096 do
        local p = m:read(0, page, 4096, { space = "gpa" })
        if p then check(p, page) else
          denied = denied + 1
          expect(not m:slat(0, page).rights:find("R"), string.format("GPA 0x%x readable by SLAT yet refused", page))
        end
      end
    end
  end
  expect(denied > 0, "VTL0 could read every page")
  -- and the same scan as VTL1 finds it, exactly where it lives
  expect_eq(m:read(1, 0, 0x100000, { space = "gpa" }):find(secret, 1, true), SECRET + 1)
end)

test("after the attacks lsass still logs on and every check of the demo passes", function()
  local ev = m:run{}
  expect_eq(ev.kind, "exit")
  expect_eq(m:exit_code(), 0, "the demo's status: " .. m:console(0):sub(-400))
  local c0 = m:console(0)
  local after = c0:find("stage 4", 1, true)
  expect(c0:find("VTL1 says ACCEPTED", after, true), "a logon accepted after the attacks")
end)

-- Variants of the attack, each from the snapshot taken before it.

test("variant: the hypervisor opens the secret page to VTL0, and attack 1 gets through", function()
  m:restore(before_attack)
  local n = m:event_count()
  expect_eq(m:protect(0, SECRET, 4096, "RWKU"), true)
  expect_eq(m:read(0, SECRET, 16, { space = "gpa" }), secret, "the script's own VTL0 view is open too")
  local ev = m:run{ where = console_line("attacker:   -> ") }
  expect(ev.text:find("NOT BLOCKED (0 intercepts by VTL1)", 1, true), ev.text)
  for e in m:events{ kind = "intercept", since = n } do
    expect(e.gpa ~= SECRET, "an intercept on the opened page")
  end
  m:run{}
  expect_eq(m:exit_code(), 23, "the demo reports attack 1 not blocked")
end)

test("variant: read-only is enough to leak, writes stay blocked", function()
  m:restore(before_attack)
  m:protect(0, SECRET, 4096, "R---")
  local n = m:event_count()
  local ev
  repeat ev = m:run{ where = console_line("attacker: 5.") } until ev.kind ~= "console" or ev.text:find("attacker: 5.", 1, true)
  local reads, writes = 0, 0
  for e in m:events{ kind = "intercept", since = n } do
    if e.gpa == SECRET and e.access == "read" then reads = reads + 1 end
    if e.gpa == SECRET and e.access == "write" then writes = writes + 1 end
  end
  expect_eq(reads, 0, "reads of the secret intercepted")
  expect_eq(writes, 1, "the write attack")
  expect_eq(m:read(1, SECRET, 16, { space = "gpa" }), secret, "the secret is unchanged")
end)

test("variant: tampering with the credential in VTL1's own view breaks lsass's next logon", function()
  m:restore(before_attack)
  local bad = string.rep("\0", 16)
  expect_eq(m:write(1, SECRET, bad, { space = "gpa" }), true)
  expect_eq(m:read(0, SECRET, 16, { space = "spa" }), bad)
  m:run{}
  expect_eq(m:exit_code(), 12, "the right password refused after the attacks")
end)

test("variant: the attacker's DMA at the secret page is stopped by the device's SLAT", function()
  m:restore(before_attack)
  local n = m:event_count()
  local buf = 0x8000000
  m:write(0, buf, string.rep("\xaa", 16), { space = "gpa" })
  local status, copied = m:dma{ src = SECRET, dst = buf, len = 16 }
  expect_eq(status, "blocked")
  expect_eq(copied, 0)
  expect_eq(m:read(0, buf, 16, { space = "gpa" }), string.rep("\xaa", 16))
  status = m:dma{ src = buf, dst = SECRET, len = 16 }
  expect_eq(status, "blocked", "DMA into the secret page")
  expect_eq(m:read(1, SECRET, 16, { space = "gpa" }), secret)
  local faults = 0
  for e in m:events{ kind = "iommu_fault", since = n } do
    faults = faults + 1
    expect_eq(e.device_vtl, 0)
    expect_eq(e.requester, "00:03.0")
  end
  expect_eq(faults, 2)
end)

test("variant: the same attack replayed from the snapshot gives the same events", function()
  m:restore(before_attack)
  local n = m:event_count()
  local first = m:run{ until_event = "intercept" }
  m:restore(before_attack)
  expect_eq(m:event_count(), n)
  local again = m:run{ until_event = "intercept" }
  expect_eq(again.icount, first.icount)
  expect_eq(again.rip, first.rip)
  expect_eq(again.gva, first.gva)
end)
