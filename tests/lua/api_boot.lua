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
  raises("not supported", vtlemu.boot, { vtl0 = VTL0, modules = { "x.bin" } })
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
