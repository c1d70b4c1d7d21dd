-- vtlemu.boot: the machine it makes, and every way it refuses.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"

-- An error raised by f, as text.
-- Fails the calling test unless f(...) raises an error whose text contains `text`.
local function raises(text, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("no error raised (want one saying '" .. text .. "')", 2) end
  if not tostring(err):find(text, 1, true) then
    error("error '" .. tostring(err) .. "' does not say '" .. text .. "'", 2)
  end
end

-- The entry point in an ELF64 file's header.
local function elf_entry(path)
  local f = assert(io.open(path, "rb"))
  local header = f:read(64)
  f:close()
  return (string.unpack("<I8", header, 25))
end

test("boot of a VTL0 kernel alone gives a machine at its entry in VTL0 CPL0", function()
  local m = vtlemu.boot{ vtl0 = VTL0 }
  expect_eq(m:vtl(), 0)
  expect_eq(m:cpl(), 0)
  expect_eq(m:icount(), 0)
  expect_eq(m:reg(0, "rip"), elf_entry(VTL0), "entry point of vtl0.elf")
  expect_eq(m:vtl_enabled(0), true)
  expect_eq(m:vtl_enabled(1), false)
  expect_eq(m:exit_code(), nil)
  m:close()
end)

test("boot with a secure kernel starts in VTL1 at the secure kernel's entry", function()
  local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
  expect_eq(m:vtl(), 1)
  expect_eq(m:vtl_enabled(1), true)
  expect_eq(m:reg(1, "rip"), elf_entry(SK), "entry point of sk.elf")
  expect_eq(m:reg(0, "rip"), elf_entry(VTL0), "VTL0 waits at its own entry")
  m:close()
end)

test("mem takes a size string or a byte count and reaches the guest", function()
  local m = vtlemu.boot{ vtl0 = VTL0, mem = "64M" }
  local ev = m:run{ until_event = "console", where = function(e) return e.text:find("ram ", 1, true) ~= nil end }
  expect(ev.text:find("ram 64 MiB", 1, true), "console: " .. ev.text)
  m:close()
  m = vtlemu.boot{ vtl0 = VTL0, mem = 32 * 1024 * 1024 }
  expect_eq(m:slat(0, 32 * 1024 * 1024 - 4096).rights, "RWKU", "last page of 32 MiB of RAM")
  expect_eq(m:slat(0, 32 * 1024 * 1024), nil, "first page past RAM")
  m:close()
end)

test("append is the VTL0 kernel's command line", function()
  local m = vtlemu.boot{ vtl0 = VTL0, append = "hello=world quiet" }
  m:run{}
  expect(m:console(0):find('vtl0: cmdline "hello=world quiet"', 1, true), "cmdline line missing")
  m:close()
end)

test("an empty modules list is accepted", function()
  local m = vtlemu.boot{ vtl0 = VTL0, modules = {} }
  expect_eq(m:vtl(), 0)
  m:close()
end)

-- u64 at a GPA of a VTL (little endian)
local function u64(m, vtl, gpa)
  return string.unpack("<I8", assert(m:read(vtl, gpa, 8, { space = "gpa" })))
end

test("modules reach the kernel's boot-info module table byte for byte", function()
  local m = vtlemu.boot{ vtl0 = VTL0, modules = { "README.md", "Makefile" } }
  local info = m:reg(0, "rdi")                  -- the boot-info page, at entry
  expect_eq(u64(m, 0, info + 0x50), 2, "module_count")
  local table_gpa = u64(m, 0, info + 0x58)
  for i, path in ipairs({ "README.md", "Makefile" }) do
    local f = assert(io.open(path, "rb"))
    local want = f:read("a")
    f:close()
    local gpa, size = u64(m, 0, table_gpa + (i - 1) * 16), u64(m, 0, table_gpa + (i - 1) * 16 + 8)
    expect_eq(size, #want, path .. " size")
    expect_eq(m:read(0, gpa, size, { space = "gpa" }), want, path .. " bytes")
  end
  m:close()
end)

test("with a secure kernel the modules are its, not VTL0's", function()
  local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK, modules = { "Makefile" } }
  -- RDI is shared: it holds the boot-info page of whichever VTL is about to start.
  expect_eq(u64(m, 1, m:reg(1, "rdi") + 0x50), 1, "VTL1 module_count")
  m:run{ until_event = "vtl_return" }             -- VTL0 starts at its entry now
  expect_eq(u64(m, 0, m:reg(0, "rdi") + 0x50), 0, "VTL0 module_count")
  m:close()
end)

test("a machine budget ends the run like --max-insns: exit 66", function()
  local m = vtlemu.boot{ vtl0 = VTL0, max_insns = 12345 }
  local ev = m:run{}
  expect_eq(ev.kind, "exit")
  expect_eq(ev.reason, "budget")
  expect_eq(ev.icount, 12345)
  expect_eq(m:exit_code(), 66)
  m:close()
end)

test("a missing image raises the loader's message", function()
  raises("guest/build/no-such.elf: cannot open", vtlemu.boot, { vtl0 = "guest/build/no-such.elf" })
end)

test("a missing secure kernel raises the loader's message", function()
  raises("guest/build/no-sk.elf: cannot open", vtlemu.boot, { vtl0 = VTL0, vtl1 = "guest/build/no-sk.elf" })
end)

test("a file that is not an ELF image is refused", function()
  raises("not an ELF file", vtlemu.boot, { vtl0 = "README.md" })
end)

test("vtl0 is required", function()
  raises("vtl0 (the VTL0 kernel image) is required", vtlemu.boot, { vtl1 = SK })
end)

test("unknown fields, wrong types and bad sizes are refused", function()
  raises("unknown field 'vtl2'", vtlemu.boot, { vtl0 = VTL0, vtl2 = "x" })
  raises("vtl0 must be a string", vtlemu.boot, { vtl0 = 42 })
  raises("bad memory size '12Q'", vtlemu.boot, { vtl0 = VTL0, mem = "12Q" })
  raises("memory size must be", vtlemu.boot, { vtl0 = VTL0, mem = "8M" })
  raises("mem must be a positive", vtlemu.boot, { vtl0 = VTL0, mem = -1 })
  raises("x.bin: cannot open", vtlemu.boot, { vtl0 = VTL0, modules = { "x.bin" } })
  raises("modules[1] is not a path", vtlemu.boot, { vtl0 = VTL0, modules = { 7 } })
  raises("max_insns must be a positive integer", vtlemu.boot, { vtl0 = VTL0, max_insns = 0 })
  raises("table expected", vtlemu.boot, "guest/build/vtl0.elf")
end)

test("a closed machine refuses every call", function()
  local m = vtlemu.boot{ vtl0 = VTL0 }
  m:close()
  m:close()   -- twice is fine
  raises("the machine is closed", m.run, m, {})
  raises("the machine is closed", m.vtl, m)
  expect_eq(tostring(m), "vtlemu machine (closed)")
end)

test("vtlemu has its version and default budget", function()
  expect(type(vtlemu.version) == "string" and vtlemu.version:match("^%d+%.%d+%.%d+$"), "version")
  expect_eq(vtlemu.default_max_insns, 200000000)
end)
