-- Stage 2 of the two-VTL demo: VTL1 shares a library page copy-on-write with VTL0.
-- VTL0 runs VTL1's very frame until its first write, which gives it a private copy.
local VTL0 = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"

local m = vtlemu.boot{ vtl0 = VTL0, vtl1 = SK }
local share, original, at_share

test("the share maps VTL1's frame into VTL0 with full rights, copy-on-write", function()
  share = m:run{ until_event = "cow_share" }
  at_share = m:snapshot()
  expect_eq(share.target_vtl, 0)
  expect_eq(share.vtl, 1, "VTL1 asked for it")
  local s0, s1 = m:slat(0, share.gpa), m:slat(1, share.gpa)
  expect_eq(s0.spa, share.spa)
  expect_eq(s1.spa, share.spa, "one frame for both VTLs")
  expect_eq(s0.cow, true)
  expect_eq(s0.rights, "RWKU")
  original = m:read(1, share.gpa, 4096, { space = "gpa" })
  expect_eq(m:read(0, share.gpa, 4096, { space = "gpa" }), original, "VTL0 reads VTL1's bytes")
  -- the same step (VTL1's hypercall) changed VTL0's rights on the page
  local chg
  for e in m:events{ kind = "slat_change", since = m:event_count() - 4 } do chg = e end
  expect(chg, "a slat_change with the share")
  expect_eq(chg.icount, share.icount)
  expect_eq(chg.target_vtl, 0)
  expect_eq(chg.gpa, share.gpa)
  expect_eq(chg.rights_before, "----")
  expect_eq(chg.rights_after, "RWKU")
end)

test("VTL0 runs the shared code unchanged", function()
  local ev = m:run{ until_event = "console", where = function(e) return e.text:find("shlib:", 1, true) ~= nil end }
  expect_eq(ev.vtl, 0)
  expect_eq(ev.text, "shlib: running the original library code\n")
end)

test("VTL0's first write breaks the share: a private copy, VTL1's frame untouched", function()
  local brk = m:run{ until_event = "cow_break" }
  expect_eq(brk.vtl, 0)
  expect_eq(brk.gpa, share.gpa)
  expect_eq(brk.spa, share.spa)
  expect(brk.new_spa ~= brk.spa, "a new frame")
  local s0, s1 = m:slat(0, share.gpa), m:slat(1, share.gpa)
  expect_eq(s0.spa, brk.new_spa)
  expect_eq(s0.cow, false)
  expect_eq(s1.spa, share.spa)
  expect_eq(m:read(0, share.gpa, 4096, { space = "gpa" }), original, "the copy starts as the original")
  -- VTL0 goes on patching its copy
  m:run{ until_event = "console", where = function(e) return e.text:find("patched the library", 1, true) ~= nil end }
  expect_eq(m:read(1, share.gpa, 4096, { space = "gpa" }), original, "VTL1's bytes are the same")
  expect(m:read(0, share.gpa, 4096, { space = "gpa" }) ~= original, "VTL0 sees its patch")
  expect_eq(m:read(0, brk.new_spa, 4096, { space = "spa" }), m:read(0, share.gpa, 4096, { space = "gpa" }))
  local intercepts = 0
  for _ in m:events{ kind = "intercept" } do intercepts = intercepts + 1 end
  expect_eq(intercepts, 0, "a copy-on-write break is not a violation")
end)

test("each VTL then runs its own copy", function()
  local ev = m:run{ until_event = "console", where = function(e) return e.text:find("shlib:", 1, true) ~= nil end }
  expect_eq(ev.vtl, 0)
  expect_eq(ev.text, "shlib: running VTL0's patched copy\n")
  ev = m:run{ until_event = "console", where = function(e) return e.text:find("shlib:", 1, true) ~= nil end }
  expect_eq(ev.vtl, 1)
  expect_eq(ev.text, "shlib: running the original library code\n")
  ev = m:run{ until_event = "console", where = function(e) return e.vtl == 1 end }
  expect(ev.text:find("library function returned 42 in VTL1", 1, true), ev.text)
end)

test("a debugger write to the shared page writes the shared frame, with no break", function()
  m:restore(at_share)
  local n = m:event_count()
  expect_eq(m:write(0, share.gpa + 4000, "debugger", { space = "gpa" }), true)
  expect_eq(m:read(1, share.gpa + 4000, 8, { space = "gpa" }), "debugger", "VTL1 sees it: one frame")
  expect_eq(m:slat(0, share.gpa).cow, true, "still shared")
  expect_eq(m:event_count(), n, "no event")
end)
