-- The VTL0 demo kernel alone (guest/build/vtl0.elf, no secure kernel): its user
-- program's system calls, the demand-zero page faults of its heap, an injected fault
-- and a SLAT change by the script.
local VTL0 = "guest/build/vtl0.elf"
local HEAP = 0x10000000       -- the user heap, demand-zero (guest/vtl0/process.c)
local USER_CODE = 0x400000

local m = vtlemu.boot{ vtl0 = VTL0 }
local boot = m:snapshot()

test("the kernel boots into user mode and its first system call is getpid", function()
  local ev = m:run{ until_event = "syscall" }
  expect_eq(ev.nr, 39)
  expect_eq(ev.cpl, 3)
  expect_eq(ev.vtl, 0)
  expect(ev.rip >= USER_CODE and ev.rip < USER_CODE + 0x1000, "from the user program")
  expect_eq(m:disasm(0, ev.rip), "syscall")
  -- the syscall has taken effect: the kernel's entry point runs, with the return address in RCX
  expect_eq(m:cpl(), 0)
  expect_eq(m:reg(0, "rip"), m:reg(0, "lstar"))
  expect_eq(m:reg(0, "rcx"), ev.rip + 2)
  expect(m:console(0):find("vtl0: entering user mode at 0000000000400000", 1, true), "console so far")
end)

test("write(1, …) prints the user's line; a kernel pointer gets -EFAULT", function()
  local ev = m:run{ until_event = "syscall" }
  expect_eq(ev.nr, 1)
  local con = m:run{ until_event = "console" }
  expect_eq(con.text, "hello from user mode, pid 1\n")
  expect_eq(con.cpl, 0, "the kernel writes to the UART for the user")
  con = m:run{ until_event = "console" }
  expect_eq(con.text, "write from a kernel address returned -14 (want -14)\n")
end)

test("each first touch of a heap page is a #PF the kernel resolves", function()
  local faults = 0
  while true do
    local ev = m:run{ where = function(e) return e.kind == "exception" or e.kind == "syscall" end }
    if ev.kind ~= "exception" then
      expect_eq(ev.kind, "syscall")
      break
    end
    expect_eq(ev.vector, 14)
    expect_eq(ev.error_code, 4, "user-mode read of a not-present page")
    expect_eq(ev.gva, HEAP + faults * 0x1000)
    expect_eq(ev.cpl, 3)
    expect_eq(m:cpl(), 0, "delivered: the kernel's #PF handler runs")
    expect_eq(m:reg(0, "cr2"), ev.gva)
    local data, why = m:read(0, ev.gva, 8)
    expect_eq(data, nil, "not mapped yet")
    expect(why:find("page fault", 1, true), why)
    if faults > 0 then
      expect_eq(#m:read(0, ev.gva - 0x1000, 8), 8, "the previous page is mapped now")
    end
    faults = faults + 1
  end
  expect_eq(faults, 16)
  local con = m:run{ until_event = "console" }
  expect(con.text:find("checksum 910cdaa8d1f32000 (want 910cdaa8d1f32000)", 1, true), con.text)
end)

test("exit(0) ends the run with status 0 and no isolation events", function()
  local ev = m:run{}
  expect_eq(ev.kind, "exit")
  expect_eq(ev.reason, "guest")
  expect_eq(m:exit_code(), 0)
  local syscalls = {}
  for e in m:events{ kind = "syscall" } do syscalls[#syscalls + 1] = e.nr end
  expect_eq(table.concat(syscalls, ","), "39,1,1,1,1,60")
  for _, kind in ipairs{ "slat_violation", "intercept", "vtl_call", "hypercall", "cow_break" } do
    expect_eq(m:events{ kind = kind }(), nil, "no " .. kind .. " event without a secure kernel")
  end
end)

test("a bad return address from a system call is a user #PF that panics the kernel", function()
  m:restore(boot)
  m:run{ until_event = "syscall" }
  m:set_reg(0, "rcx", 0x1000)   -- sysret will go to an unmapped page
  local ev = m:run{ until_event = "exception" }
  expect_eq(ev.vector, 14)
  expect_eq(ev.error_code, 0x14, "user instruction fetch, not present")
  expect_eq(ev.gva, 0x1000)
  expect_eq(ev.rip, 0x1000)
  expect_eq(ev.cpl, 3)
  local ex = m:run{}
  expect_eq(ex.code, 3, "the VTL0 kernel's panic status")
  expect(m:console(0):find("rip 0000000000001000", 1, true), "the panic shows the faulting RIP")
end)

test("a script's SLAT change is enforced: kernel code made non-executable stops the machine", function()
  m:restore(boot)
  m:run{ until_event = "syscall" }
  -- the kernel image (GPA 0x100000 up) loses execute rights for VTL0
  expect_eq(m:protect(0, 0x100000, 0x20000, "RW--"), true)
  local ev = m:run{ until_event = "slat_violation" }
  expect_eq(ev.access, "execute")
  expect_eq(ev.rights, "RW--")
  expect(ev.gpa >= 0x100000 and ev.gpa < 0x120000, string.format("GPA 0x%x in the kernel", ev.gpa))
  expect_eq(ev.gva, ev.rip, "the fetch itself faulted")
  expect_eq(m:exit_code(), 65, "nobody handles it: the run ended in the same step")
  local ex = m:run{}
  expect_eq(ex.reason, "violation")
  expect_eq(ex.code, 65)
  expect(ex.message:find("no higher VTL handles it", 1, true), ex.message)
end)

test("without a secure kernel VTL1 does not exist", function()
  m:restore(boot)
  expect_eq(m:vtl_enabled(1), false)
  expect_eq(select(2, m:read(1, 0, 8, { space = "gpa" })), "VTL1 is not enabled")
  expect_eq(select(2, m:slat(1, 0)), "VTL1 is not enabled")
end)
