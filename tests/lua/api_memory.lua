-- Memory as each VTL sees it (GVA, GPA, SPA), SLAT rights, protect, disassembly, DMA.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"
local SECRET = 0x40000          -- the secure kernel's credential page (docs/secure-calls.md)
local DIRECT_MAP = 0xffff800000000000

-- Fails the calling test unless f(...) raises an error whose text contains `text`.
local function raises(text, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("no error raised (want one saying '" .. text .. "')", 2) end
  if not tostring(err):find(text, 1, true) then
    error("error '" .. tostring(err) .. "' does not say '" .. text .. "'", 2)
  end
end

local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
-- VTL0's kernel runs with its own page tables (direct map of RAM) once stage 1 starts.
m:run{ until_event = "console", where = function(e) return e.text:find("stage 1", 1, true) ~= nil end }

test("the same bytes through GVA, GPA and SPA", function()
  local kernel = 0x100000      -- vtl0.elf is loaded at GPA 0x100000, its entry is the first byte
  local by_gpa = m:read(0, kernel, 64, { space = "gpa" })
  expect_eq(#by_gpa, 64)
  expect_eq(m:read(0, DIRECT_MAP + kernel, 64), by_gpa, "GVA through VTL0's direct map")
  expect_eq(m:read(0, kernel, 64, { space = "spa" }), by_gpa, "GPA = SPA for VTL0's own pages")
  expect_eq(m:read(0, DIRECT_MAP + kernel, 64, { space = "gva" }), by_gpa, "space = \"gva\" is the default")
end)

test("VTL0 cannot read the secret page, VTL1 can, and SPA is raw", function()
  local data, why = m:read(0, SECRET, 16, { space = "gpa" })
  expect_eq(data, nil)
  expect_eq(why, "SLAT of VTL0 denies read of GPA 0x40000 (rights ----)")
  data, why = m:read(0, DIRECT_MAP + SECRET, 16)
  expect_eq(data, nil, "through VTL0's page tables too")
  expect(why:find("denies read of GPA 0x40000", 1, true), why)
  local secret = m:read(1, SECRET, 16, { space = "gpa" })
  expect_eq(#secret, 16)
  expect_eq(m:read(0, SECRET, 16, { space = "spa" }), secret)
end)

test("a read that crosses into a denied page is refused as a whole", function()
  local data, why = m:read(0, SECRET - 8, 16, { space = "gpa" })
  expect_eq(data, nil)
  expect(why:find("GPA 0x40000", 1, true), why)
end)

test("unmapped GVAs and addresses past RAM give nil and a reason", function()
  local data, why = m:read(0, 0x0000700000000000, 8)
  expect_eq(data, nil)
  expect(why:find("page fault at GVA 0x700000000000", 1, true), why)
  data, why = m:read(0, 0x20000000, 8, { space = "gpa" })
  expect_eq(data, nil)
  expect(why ~= nil and #why > 0, "a reason")
  data, why = m:read(0, 0x7ffffffff000, 8, { space = "spa" })
  expect_eq(data, nil)
  expect(why:find("outside host memory", 1, true), why)
end)

test("zero-length reads and writes succeed without touching anything", function()
  expect_eq(m:read(0, SECRET, 0, { space = "gpa" }), "")
  expect_eq(m:write(0, SECRET, "", { space = "gpa" }), true)
end)

test("write then read back, in each space", function()
  local page = 0x8000000      -- a free page of VTL0 RAM (the kernel allocates from low memory)
  expect_eq(m:write(0, page, "hello", { space = "gpa" }), true)
  expect_eq(m:read(0, page, 5, { space = "gpa" }), "hello")
  expect_eq(m:write(0, DIRECT_MAP + page + 5, " world"), true)
  expect_eq(m:read(0, page, 11, { space = "spa" }), "hello world")
  expect_eq(m:write(0, page, "\0\0\0\0\0\0\0\0\0\0\0", { space = "spa" }), true)
  expect_eq(m:read(1, page, 11, { space = "gpa" }), string.rep("\0", 11), "VTL1 sees the same frame")
end)

test("VTL0 cannot write the secret page; VTL1's write changes it", function()
  local ok, why = m:write(0, SECRET, "x", { space = "gpa" })
  expect_eq(ok, nil)
  expect_eq(why, "SLAT of VTL0 denies write of GPA 0x40000 (rights ----)")
  local old = m:read(1, SECRET, 1, { space = "gpa" })
  expect_eq(m:write(1, SECRET, "x", { space = "gpa" }), true)
  expect_eq(m:read(0, SECRET, 1, { space = "spa" }), "x")
  m:write(1, SECRET, old, { space = "gpa" })
end)

test("debugger reads and writes raise no events", function()
  local n = m:event_count()
  m:read(0, SECRET, 16, { space = "gpa" })
  m:write(0, SECRET, "x", { space = "gpa" })
  m:read(0, DIRECT_MAP + SECRET, 16)
  expect_eq(m:event_count(), n)
end)

test("slat shows each VTL's rights, SPA and copy-on-write", function()
  local s0, s1 = m:slat(0, SECRET), m:slat(1, SECRET)
  expect_eq(s0.rights, "----")
  expect_eq(s1.rights, "RWKU")
  expect_eq(s0.spa, SECRET)
  expect_eq(s0.cow, false)
  expect_eq(m:slat(0, 0x100000).rights, "RWKU", "VTL0 kernel code before stage 1 makes it read-only")
  local none, why = m:slat(0, 0x40000000)
  expect_eq(none, nil)
  expect_eq(why, "GPA 0x40000000 is outside RAM")
end)

test("protect changes rights with a slat_change event marked script", function()
  local page = 0x8000000
  local n = m:event_count()
  expect_eq(m:protect(0, page, 0x2000, "R-K-"), true)
  expect_eq(m:slat(0, page).rights, "R-K-")
  expect_eq(m:slat(0, page + 0x1000).rights, "R-K-")
  expect_eq(m:slat(0, page + 0x2000).rights, "RWKU", "the page after the range")
  expect_eq(m:slat(1, page).rights, "RWKU", "VTL1's SLAT is its own")
  local ev = m:event(-1)
  expect_eq(m:event_count(), n + 1)
  expect_eq(ev.kind, "slat_change")
  expect_eq(ev.source, "script")
  expect_eq(ev.target_vtl, 0)
  expect_eq(ev.gpa, page)
  expect_eq(ev.pages, 2)
  expect_eq(ev.rights_before, "RWKU")
  expect_eq(ev.rights_after, "R-K-")
  local ok, why = m:write(0, page, "x", { space = "gpa" })
  expect_eq(ok, nil, "a write is denied now")
  expect(why:find("denies write", 1, true), why)
  expect_eq(m:protect(0, page, 0x2000, 15), true, "rights as bits")
  expect_eq(m:slat(0, page).rights, "RWKU")
end)

test("protect refuses bad arguments", function()
  raises("whole 4 KiB pages", m.protect, m, 0, 0x8000001, 4096, "RWKU")
  raises("whole 4 KiB pages", m.protect, m, 0, 0x8000000, 100, "RWKU")
  raises("whole 4 KiB pages", m.protect, m, 0, 0x8000000, 0, "RWKU")
  raises("bad rights 'RWX'", m.protect, m, 0, 0x8000000, 4096, "RWX")
  raises("bad rights 'WR--'", m.protect, m, 0, 0x8000000, 4096, "WR--")
  raises("0 to 15", m.protect, m, 0, 0x8000000, 4096, 16)
  local ok, why = m:protect(0, 0x40000000, 4096, "RWKU")
  expect_eq(ok, nil)
  expect(why:find("outside RAM", 1, true), why)
end)

test("bad read and write arguments are errors", function()
  raises("len must be", m.read, m, 0, 0, -1)
  raises("space must be", m.read, m, 0, 0, 8, { space = "hpa" })
  raises("unknown option 'sapce'", m.read, m, 0, 0, 8, { sapce = "gpa" })
  raises("bad VTL 3", m.read, m, 3, 0, 8)
  raises("string expected", m.write, m, 0, 0, {})
end)

test("disasm decodes one instruction at a GVA of a VTL", function()
  local text, len = m:disasm(1, m:event(1).entry)   -- the secure kernel's entry
  expect(type(text) == "string" and #text > 0, "some text")
  expect(len >= 1 and len <= 15, "an x86 length")
  local none, why = m:disasm(0, 0x0000700000000000)
  expect_eq(none, nil)
  expect(why:find("no instruction at GVA", 1, true), why)
end)

test("dma by dma0 (VTL0's device) copies VTL0 memory and is blocked at the secret page", function()
  local src, dst = 0x8000000, 0x8001000
  m:write(0, src, "dma payload", { space = "gpa" })
  local n = m:event_count()
  local status, copied = m:dma{ src = src, dst = dst, len = 11 }
  expect_eq(status, "done")
  expect_eq(copied, 11)
  expect_eq(m:read(0, dst, 11, { space = "gpa" }), "dma payload")
  local ev = m:event(n + 1)
  expect_eq(ev.kind, "dma")
  expect_eq(ev.requester, "00:03.0")
  expect_eq(ev.device_vtl, 0)
  expect_eq(ev.iova, src)
  expect_eq(ev.dst_iova, dst)
  expect_eq(ev.length, 11)
  expect_eq(ev.status, 1)
  expect_eq(ev.copied, 11)

  status, copied = m:dma{ src = SECRET, dst = dst, len = 16, requester = "00:03.0" }
  expect_eq(status, "blocked")
  expect_eq(copied, 0)
  expect_eq(m:read(0, dst, 11, { space = "gpa" }), "dma payload", "nothing was copied")
  local fault
  for e in m:events{ kind = "iommu_fault", since = n } do fault = e end
  expect(fault, "an iommu_fault event")
  expect_eq(fault.iova, SECRET)
  expect_eq(fault.access, "read")
end)

test("dma refuses malformed requests", function()
  raises("len is required", m.dma, m, { src = 0, dst = 0 })
  raises("bad requester", m.dma, m, { src = 0, dst = 0, len = 1, requester = "0:3" })
  raises("unknown field 'bytes'", m.dma, m, { src = 0, dst = 0, len = 1, bytes = 2 })
  raises("table expected", m.dma, m)
end)
