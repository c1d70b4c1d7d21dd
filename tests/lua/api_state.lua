-- Registers by name per VTL, the running VTL and CPL.
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

local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
local boot_cr3 = m:reg(0, "cr3")
m:run{ until_event = "console", where = function(e) return e.text:find("stage 1", 1, true) ~= nil end }

test("reg reads the current state of a VTL", function()
  expect_eq(m:vtl(), 0)
  expect_eq(m:cpl(), 0)
  expect_eq(m:reg(0, "cs") & 3, 0, "CPL0 code segment")
  expect(m:reg(0, "cr3") ~= boot_cr3, "VTL0's kernel runs on its own page tables")
  expect_eq(m:reg(0, "cr3") & 0xfff, 0, "a page-aligned table")
  expect(m:reg(0, "cr0") & 0x80000001 == 0x80000001, "paging and protection on")
  expect(m:reg(0, "efer") & 0x500 == 0x500, "long mode active")
  expect(m:reg(0, "rip") < 0, "higher-half kernel: the address as a negative Lua integer")
  expect(math.ult(0xffffffff80000000, m:reg(0, "rip")), "math.ult compares addresses unsigned")
end)

test("private registers differ between VTLs, shared ones are the same", function()
  expect(m:reg(0, "cr3") ~= m:reg(1, "cr3"), "cr3 is private")
  expect(m:reg(0, "rip") ~= m:reg(1, "rip"), "rip is private")
  expect(m:reg(0, "rsp") ~= m:reg(1, "rsp"), "rsp is private")
  for _, r in ipairs{ "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r15", "cr2" } do
    expect_eq(m:reg(0, r), m:reg(1, r), r .. " is shared")
  end
end)

test("regs lists every register of a VTL", function()
  local r0 = m:regs(0)
  for _, name in ipairs{ "rax", "r15", "rip", "rflags", "cr0", "cr3", "cr4", "efer", "cs", "ss", "fs_base",
                         "gs_base", "kernel_gs_base", "star", "lstar", "cstar", "sfmask", "gdtr_base",
                         "gdtr_limit", "idtr_base", "idtr_limit", "tr", "dr7" } do
    expect(math.type(r0[name]) == "integer", name .. " missing from m:regs")
    expect_eq(r0[name], m:reg(0, name), name)
  end
end)

test("set_reg of a shared register is seen from both VTLs", function()
  local old = m:reg(0, "r12")
  expect_eq(m:set_reg(0, "r12", 0x1122334455667788), true)
  expect_eq(m:reg(1, "r12"), 0x1122334455667788)
  expect_eq(m:set_reg(1, "r12", old), true)
  expect_eq(m:reg(0, "r12"), old)
end)

test("set_reg of a private register changes only that VTL", function()
  local r0, r1 = m:reg(0, "dr7"), m:reg(1, "dr7")
  expect_eq(m:set_reg(1, "dr7", 0x400), true)
  expect_eq(m:reg(1, "dr7"), 0x400)
  expect_eq(m:reg(0, "dr7"), r0)
  m:set_reg(1, "dr7", r1)
end)

test("a changed register takes effect when the guest runs", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  local sys = v:run{ until_event = "syscall" }          -- getpid (39)
  expect_eq(sys.nr, 39)
  -- the next syscall is write(1, ...): make it exit(5) instead (rax = 60, rdi = 5)
  v:run{ until_event = "syscall", where = function(e) return e.nr == 1 end }
  -- at the stop the kernel's entry is running: the syscall instruction has taken effect
  expect_eq(v:cpl(), 0)
  expect_eq(v:reg(0, "rip"), v:reg(0, "lstar"), "at the syscall entry point")
  expect_eq(v:set_reg(0, "rax", 60), true)
  expect_eq(v:set_reg(0, "rdi", 5), true)
  local ev = v:run{}
  expect_eq(ev.kind, "exit")
  expect(v:console(0):find("user exited with 5", 1, true), "the kernel saw exit(5): " .. v:console(0))
  v:close()
end)

test("unknown registers are errors; a VTL that is not enabled is nil, reason", function()
  raises("unknown register 'xmm0'", m.reg, m, 0, "xmm0")
  raises("unknown register 'RAX'", m.set_reg, m, 0, "RAX", 1)
  raises("bad VTL 2", m.reg, m, 2, "rax")
  raises("string expected", m.reg, m, 0)
  local v = vtlemu.boot{ vtl0 = VTL0 }
  local val, why = v:reg(1, "rip")
  expect_eq(val, nil)
  expect_eq(why, "VTL1 is not enabled")
  local ok, why2 = v:set_reg(1, "rax", 1)
  expect_eq(ok, nil)
  expect_eq(why2, "VTL1 is not enabled")
  expect_eq(select(2, v:regs(1)), "VTL1 is not enabled")
  v:close()
end)

test("cpl follows the guest into user mode", function()
  local v = vtlemu.boot{ vtl0 = VTL0 }
  local ev = v:run{ until_event = "syscall" }
  expect_eq(ev.cpl, 3, "the syscall came from user mode")
  expect_eq(v:cpl(), 0, "and the kernel runs now")
  local st = v:step(1)
  expect_eq(st, nil)
  v:close()
end)
