-- DMA and the IOMMU in the demo guests (docs/secure-calls.md, stages 5 and 6): runs the
-- two-VTL demo and the single-VTL kernel to their exits and checks the console and the
-- events: the attacker's DMA transfers blocked by the SLAT (slat_denied) and by its own
-- remapping (a VT-d reason), legitimate copies done, VTL1 taking dma0 with
-- HvCallVtlemuAssignDevice (0x8001) and VTL0 refused when it touches the device or makes
-- the same hypercall.
-- Event positions (i) are indices into the machine's log, which is the JSON trace of
-- `vtlemu run --trace` line for line; the console is checked as `vtlemu run` prints it.
local KERNEL = "guest/build/vtl0.elf"
local SK = "guest/build/sk.elf"

-- Fixed addresses of the demo (guest/sk/sk.ld, guest/lib/securecall.h, guest/vtl0/dmademo.c).
local SECRET = 0x40000              -- the credential page, secure kernel image page 0
local SKCODE = 0x42000              -- first page of secure kernel code
local IOVA_A = 0x100000000          -- buffer A in dma0's remapping
local IOVA_B = 0x100001000          -- buffer B
local IOVA_SECRET = 0x100002000     -- the attacker's IOVA onto the credential page
local IOVA_UNMAPPED = 0x100003000   -- an IOVA the remapping never maps
local AD = 0x8001                   -- HvCallVtlemuAssignDevice
local ANY = {}                      -- a field that may hold any value

for _, f in ipairs{ KERNEL, SK } do
  local h = io.open(f, "rb")
  if not h then error(f .. " is missing (make)") end
  h:close()
end

-- The console as `vtlemu run` prints it: with two VTLs each line tagged with its VTL.
-- Scripts run from the project root (the runner and `make test` both start there).
local cli_stdout = dofile("tests/lua/lib/cli_console.lua").stdout

-- Boots, runs to the exit and keeps what the checks look at.
local function run(cfg)
  local m = vtlemu.boot(cfg)
  local t0 = os.time()
  local ev, why = m:run{}
  local r = { exit = m:exit_code(), seconds = os.difftime(os.time(), t0), events = {} }
  -- Why the run ended, for messages: the exit event's own words, or the budget.
  r.why = ev and (ev.message or ev.reason) or why
  for e in m:events() do r.events[#r.events + 1] = e end
  r.stdout = cli_stdout(m, cfg.vtl1 ~= nil)
  r.lines = {}
  local text = r.stdout
  if text ~= "" and text:sub(-1) ~= "\n" then text = text .. "\n" end
  for line in text:gmatch("([^\n]*)\n") do r.lines[#r.lines + 1] = line end
  m:close()
  return r
end

local function has(r, text) return r.stdout:find(text, 1, true) ~= nil end
local function has_line(r, line)
  for _, l in ipairs(r.lines) do if l == line then return true end end
  return false
end
local function count_lines(r, pred)
  local n = 0
  for _, l in ipairs(r.lines) do if pred(l) then n = n + 1 end end
  return n
end

-- Event shapes: a predicate on one event. Each names every field of its kind, as the
-- whole-line regular expressions of the shell version did.
local function is(want, v) return want == ANY or want == v end
-- a dma event (raised in either VTL): DEVICE_VTL SRC DST LEN STATUS COPIED
local function dma(dvtl, src, dst, len, status, copied)
  return function(e)
    return e.kind == "dma" and (e.vtl == 0 or e.vtl == 1) and e.requester == "00:03.0"
       and is(dvtl, e.device_vtl) and is(src, e.iova) and is(dst, e.dst_iova)
       and is(len, e.length) and is(status, e.status) and is(copied, e.copied)
  end
end
-- an iommu_fault of VTL0's device raised in VTL0: IOVA GPA (nil: no gpa field) ACCESS REASON
local function fault(iova, gpa, access, reason)
  return function(e)
    return e.kind == "iommu_fault" and e.vtl == 0 and e.requester == "00:03.0" and e.device_vtl == 0
       and e.iova == iova and e.gpa == gpa and e.access == access and e.reason == reason
  end
end
-- HvCallVtlemuAssignDevice made in VTL with STATUS
local function hcall(vtl, status)
  return function(e)
    return e.kind == "hypercall" and e.vtl == vtl and e.code == AD
       and e.name == "HvCallVtlemuAssignDevice" and e.status == status
  end
end
-- VTL0 refused at a port of dma0 (0x500-0x51f) while VTL1 owns it
local function denied(e)
  return e.kind == "device_denied" and e.vtl == 0 and e.requester == "00:03.0" and e.device_vtl == 1
     and e.port >= 0x500 and e.port <= 0x51f and (e.access == "read" or e.access == "write")
end
local function kind(k) return function(e) return e.kind == k end end

-- Positions of the events in [from, to] (whole log by default) that pred accepts.
local function find_all(r, pred, from, to)
  local at = {}
  for i = from or 1, to or #r.events do
    if pred(r.events[i]) then at[#at + 1] = i end
  end
  return at
end
local function count(r, pred, from, to) return #find_all(r, pred, from, to) end
-- Event i for a message: its position, kind and fields.
local function line_of(r, i)
  local e, keys, parts = r.events[i], {}, {}
  for k in pairs(e) do if k ~= "kind" then keys[#keys + 1] = k end end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = e[k]
    local addr = k == "rip" or k == "port" or k:match("gva$") or k:match("gpa$") or k:match("spa$") or k:match("iova$")
    parts[#parts + 1] = k .. "=" .. (addr and string.format("0x%x", v) or tostring(v))
  end
  return string.format("event %d: %s %s", i, e.kind, table.concat(parts, " "))
end

-- A refused transfer, the fault event right after it, and the guest's own reading of
-- the fault record on the console.
local function blocked(r, con, dma_pred, fault_pred)
  local at = find_all(r, dma_pred)
  expect(#at > 0, "no dma event with status 2 and nothing copied")
  local followed = false
  for _, i in ipairs(at) do
    if r.events[i + 1] and fault_pred(r.events[i + 1]) then followed = true end
  end
  expect(followed, "the dma event is not followed by its iommu_fault")
  expect(has(r, con), "console lacks '" .. con .. "'")
end

-- ---- the two-VTL demo ----------------------------------------------------------------
local demo = run({ vtl0 = KERNEL, vtl1 = SK })

test("two_vtl_demo_with_dma_stages_exits_0", function()
  expect(demo.seconds <= 120, string.format("the run took %ds, more than 120s", demo.seconds))
  expect_eq(demo.exit, 0, "exit status (" .. tostring(demo.why) .. ")")
  expect(count_lines(demo, function(l) return l:match("^%[VTL0%] vtl0: all %d+ checks passed") ~= nil end) > 0,
         "no 'all N checks passed' line")
  local last = demo.events[#demo.events]
  expect(last.kind == "exit" and last.vtl == 0 and last.code == 0 and last.reason == "guest",
         "the last event is not a guest exit with code 0")
end)

test("summary_lists_every_dma_check_as_passed", function()
  local missing = {}
  for _, c in ipairs{ "DMA 1: read the secret page with dma0",
                      "DMA 2: overwrite secure kernel code with dma0",
                      "DMA 3: DMA to an IOVA the kernel's own remapping does not map",
                      "DMA 4: remap an IOVA onto the secret page and read it",
                      "DMA 5: a legitimate copy between the kernel's own buffers",
                      "VTL1 took dma0 and copied within its own memory with it",
                      "VTL0 cannot read or program dma0 while VTL1 owns it",
                      "VTL0 cannot take dma0 back (HvCallVtlemuAssignDevice: access denied)",
                      "VTL1 gave dma0 back: VTL0's copies work again" } do
    if not has_line(demo, "[VTL0] vtl0:   [ ok ] " .. c) then missing[#missing + 1] = "'" .. c .. "'" end
  end
  expect(#missing == 0, "not ok or missing: " .. table.concat(missing, " "))
end)

-- Stage 5: the attacker's DMA.
test("dma_read_of_the_secret_page_without_remapping_is_slat_denied", function()
  blocked(demo, "fault record 0: reason 0xf0 (slat_denied), source 00:03.0, read of page 0000000000040000",
          dma(0, SECRET, ANY, 4096, 2, 0), fault(SECRET, SECRET, "read", "slat_denied"))
end)
test("dma_write_into_secure_kernel_code_is_slat_denied", function()
  blocked(demo, "reason 0xf0 (slat_denied), source 00:03.0, write of page 0000000000042000",
          dma(0, ANY, SKCODE, 64, 2, 0), fault(SKCODE, SKCODE, "write", "slat_denied"))
end)
test("dma_to_an_iova_the_remapping_does_not_map_is_a_vt_d_fault", function()
  blocked(demo, "reason 0x5 (no_write_permission), source 00:03.0, write of page 0000000100003000",
          dma(0, IOVA_A, IOVA_UNMAPPED, 4096, 2, 0), fault(IOVA_UNMAPPED, nil, "write", "no_write_permission"))
end)
test("dma_through_a_remapping_onto_the_secret_page_is_still_slat_denied", function()
  blocked(demo, "reason 0xf0 (slat_denied), source 00:03.0, read of page 0000000100002000",
          dma(0, IOVA_SECRET, IOVA_B, 4096, 2, 0), fault(IOVA_SECRET, SECRET, "read", "slat_denied"))
end)

test("legitimate_dma_copies_through_the_remapping_are_done", function()
  expect_eq(count(demo, dma(0, IOVA_A, IOVA_B, 4096, 1, 4096)), 2,
            "dma events A -> B with status 1 and 4096 bytes copied (stage 5 and after the give-back)")
  expect_eq(count_lines(demo, function(l) return l:find("buffer B equals A, 0 faults recorded", 1, true) ~= nil end), 2,
            "console lines showing a copy arriving intact")
end)

-- Nothing a VTL0 device did moved a byte from or to the secure kernel image (0x40000-
-- 0x4ffff: a source GPA, or a destination IOVA, which is the GPA with remapping off),
-- and VTL1's own device never faulted.
test("no_vtl0_dma_moved_secure_kernel_bytes", function()
  local function in_sk(a) return a ~= nil and a >= 0x40000 and a <= 0x4ffff end
  for i in ipairs(demo.events) do
    local e = demo.events[i]
    if dma(0, ANY, ANY, ANY, ANY, ANY)(e) and (in_sk(e.gpa) or in_sk(e.dst_iova)) then
      expect(e.copied == 0, "a VTL0 transfer moved secure kernel bytes: " .. line_of(demo, i))
    end
  end
  local f1 = find_all(demo, function(e) return e.kind == "iommu_fault" and e.device_vtl == 1 end)
  expect(#f1 == 0, "a fault of VTL1's device: " .. (f1[1] and line_of(demo, f1[1]) or ""))
  expect_eq(count(demo, kind("iommu_fault")), 4, "iommu_fault events (the 4 of the attacks)")
end)

-- Stage 6: VTL1 takes dma0, VTL0 is refused, VTL1 gives it back.
local v1 = find_all(demo, hcall(1, 0))
local v0 = find_all(demo, hcall(0, 6))
local take, back = v1[1] or 0, v1[2] or v1[1] or 0   -- an empty window when a call is missing

-- Stage 5 is the IOMMU's business alone: from the first transfer to VTL1 taking the
-- device, no SLAT violation, no intercept.
test("dma_faults_never_enter_vtl1", function()
  local first = find_all(demo, kind("dma"))[1]
  expect(first and v1[1], "no dma event or no VTL1 AssignDevice call")
  local entered = find_all(demo, function(e) return e.kind == "intercept" or e.kind == "slat_violation" end,
                           first, v1[1] - 1)
  expect(#entered == 0, "VTL1 entered during the DMA attacks: " .. (entered[1] and line_of(demo, entered[1]) or ""))
  expect(has(demo, "(the IOMMU stopped these without VTL1: 0 intercepts during the DMA attacks)"),
         "VTL1 counted intercepts during the DMA attacks")
end)

test("vtl1_assigns_dma0_with_hypercall_0x8001_status_0", function()
  expect_eq(#v1, 2, "successful HvCallVtlemuAssignDevice calls from VTL1 (take, give back)")
  expect_eq(count(demo, function(e) return e.code == AD end), 3, "calls of 0x8001 in all")
end)

test("vtl0_assigning_dma0_itself_is_access_denied_status_6", function()
  expect_eq(#v0, 1, "HvCallVtlemuAssignDevice calls from VTL0 with status 6")
  expect(take < v0[1] and v0[1] < back,
         string.format("VTL0's call (event %d) is not while VTL1 owns dma0 (events %d-%d)", v0[1], take, back))
  expect(has(demo, "HvCallVtlemuAssignDevice(dma0 -> VTL0) from VTL0: status 6"), "console lacks the attacker's status 6 line")
end)

-- The events strictly between VTL1 taking dma0 and giving it back.
local owned_from, owned_to = take + 1, back - 1

test("vtl1_copies_its_own_memory_with_dma0", function()
  expect_eq(count(demo, dma(1, ANY, ANY, 4096, 1, 4096), owned_from, owned_to), 2,
            "VTL1-device copies of 4096 bytes while VTL1 owns dma0 (take, check)")
  local other = find_all(demo, function(e) return e.kind == "dma" and e.vtl ~= 1 end, owned_from, owned_to)
  expect(#other == 0, "a dma event not raised by VTL1 while VTL1 owns dma0: " .. (other[1] and line_of(demo, other[1]) or ""))
  expect_eq(count_lines(demo, function(l)
              return l:match("^%[VTL1%] sk: dma0 copied VTL1's page 0x[0-9a-f]* to 0x[0-9a-f]*: status 1, 4096 bytes, bytes match$") ~= nil
            end), 2, "the secure kernel's reports of a matching copy")
  local outside = {}
  for i, e in ipairs(demo.events) do
    if (i <= math.max(take, 1) or i >= back) and e.kind == "dma" and e.device_vtl == 1 then outside[#outside + 1] = i end
  end
  expect(#outside == 0, "dma0 acted as VTL1's outside the take/give-back window: " .. (outside[1] and line_of(demo, outside[1]) or ""))
end)

test("vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it", function()
  local nd = count(demo, denied, owned_from, owned_to)
  expect_eq(nd, 16, "device_denied events while VTL1 owns dma0 (8 register reads, then 6 writes and 2 reads of a copy)")
  expect_eq(count(demo, kind("device_denied")), nd, "device_denied events in all (none outside the time VTL1 owns dma0)")
  expect(count(demo, function(e) return denied(e) and e.access == "write" end, owned_from, owned_to) > 0, "no refused write")
  expect(has(demo, "vtl0: attacker:   8 of 8 registers read all ones; after the command: status ffffffff (all ones: no device answered), buffer B unchanged"),
         "console: VTL0 did not see all ones and an unchanged buffer")
  expect(has(demo, "[VTL1] sk: dma0's registers are as VTL1 left them: nothing VTL0 wrote got through"),
         "VTL1 did not find its registers unchanged")
end)

test("vtl0_uses_dma0_again_after_vtl1_gives_it_back", function()
  expect(count(demo, dma(0, IOVA_A, IOVA_B, 4096, 1, 4096), back + 1) > 0, "no VTL0 copy done after the give-back")
  expect(has(demo, "vtl0: asked VTL1 to give dma0 back: status 0; its registers answer again (source 00000000"),
         "console: VTL1 did not give dma0 back wiped")
end)

-- ---- the single-VTL kernel: the driver on its own -------------------------------------
local single = run({ vtl0 = KERNEL })

test("single_vtl_kernel_runs_its_dma_self_test_and_exits_0", function()
  expect(single.seconds <= 60, string.format("the run took %ds, more than 60s", single.seconds))
  expect_eq(single.exit, 0, "exit status (" .. tostring(single.why) .. ")")
  expect(has_line(single, "vtl0: dma: self-test passed"), "no 'self-test passed' line")
  expect(has(single, "vtl0: user exited with 0"), "the user program did not run to its end")
end)

test("single_vtl_dma_copies_by_gpa_and_by_iova", function()
  expect_eq(count(single, dma(0, ANY, ANY, 4096, 1, 4096)), 2, "done copies (by GPA, through the remapping)")
  expect(count(single, dma(0, IOVA_A, IOVA_B, 4096, 1, 4096)) > 0, "no copy through the remapping")
end)

test("single_vtl_unmapped_iova_is_a_vt_d_fault", function()
  blocked(single, "reason 0x5 (no_write_permission), source 00:03.0, write of page 0000000100003000",
          dma(0, IOVA_A, IOVA_UNMAPPED, 4096, 2, 0), fault(IOVA_UNMAPPED, nil, "write", "no_write_permission"))
end)

test("single_vtl_run_has_no_vtl1_dma_events", function()
  for i, e in ipairs(single.events) do
    expect(e.kind ~= "device_denied" and e.kind ~= "hypercall", "unexpected " .. line_of(single, i))
    for k, v in pairs(e) do
      expect(v ~= "slat_denied", "unexpected " .. line_of(single, i) .. " (" .. k .. " slat_denied)")
    end
  end
end)
