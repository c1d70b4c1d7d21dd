-- The small nasm guests of tests/guests (built by `make test-guests`), one test per
-- guest: each tests/guests/NAME.asm is booted as build/tests/guests/NAME.elf (with the
-- secure kernel build/tests/guests/sk/SK.elf when its header says `; vtl1: SK`), run to
-- its exit, and checked against the expectations in its header comments, with the
-- meaning they have for `vtlemu run --quiet --trace` (tests/tools/run_guests.sh, which
-- also checks the guests themselves under QEMU):
--   ; args: ARG...                --max-insns N, --mem SIZE, --append STR
--   ; vtl1: NAME                  the secure kernel build/tests/guests/sk/NAME.elf
--   ; timeout: SECONDS            the run may take at most this long (default 20)
--   ; qemu-skip: WHY              for tests/tools/run_guests.sh --qemu only
--   ; expect-exit: N              exit status (default 0)
--   ; expect-stdout: TEXT         the whole stdout, with \n escapes (empty: no output)
--   ; expect-stderr: TEXT         substring of stderr, case-insensitive
--   ; expect-event: TEXT          substring of some line of the JSON Lines trace
--   ; expect-event-after: TEXT    ... of a line after the one the previous expect-event*
--                                 matched (in file order)
--   ; expect-event-re: ERE        like expect-event, an extended regular expression
--   ; expect-event-after-re: ERE  like expect-event-after, an extended regular expression
--   ; expect-no-event: TEXT       no trace line contains TEXT
--   ; expect-no-event-re: ERE     no trace line matches ERE
--   ; expect-event-count: N TEXT  exactly N trace lines contain TEXT
--   ; expect-event-count-re: N ERE  exactly N trace lines match ERE
-- The trace is the machine's event log written as `vtlemu run --trace` writes it
-- (json_line), stdout is the console as `vtlemu run` prints it (cli_stdout: with two
-- VTLs each line tagged "[VTL0] " or "[VTL1] "), stderr the line `vtlemu run --quiet`
-- ends a non-zero status with (cli_stderr), and EREs are matched as grep -E matches a
-- line (ere). `--max-insns N` is the budget of m:run; when it runs out, the exit event
-- `vtlemu run` would write (status 66, reason budget) is made from the machine's state,
-- as the script API raises none. The first two tests check all this against grep -E and
-- against `vtlemu run` itself.
local IMAGES = "build/tests/guests"
local DEFAULT_TIMEOUT = 20

-- ---- the trace as JSON Lines ------------------------------------------------------

-- Unsigned decimal of a 64-bit integer (the trace's %PRIu64).
local function udec(v)
  if v >= 0 then return string.format("%d", v) end
  local q = (v >> 1) // 5
  return string.format("%d%d", q, v - q * 10)
end

local JSON_ESC = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }
local function json_string(s)
  return '"' .. s:gsub('[%z\1-\31"\\\127-\255]', function(c)
    return JSON_ESC[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- The fields after kind, icount, vtl, cpl, rip, in the trace's order (README, "The
-- trace"). How each is written: u unsigned, d signed, x hex string, q string as it is,
-- s escaped string; a trailing ? when the field may be absent.
local F = {
  boot = { "image s", "entry x" },
  console = { "text s" },
  exception = { "vector u", "error_code u?", "gva x?" },
  syscall = { "nr u" },
  slat_violation = { "gva x", "gpa x", "access q", "rights q" },
  intercept = { "from_vtl u", "to_vtl u", "gva x", "gpa x", "access q" },
  vtl_enable = { "target_vtl u" },
  vtl_call = { "from_vtl u", "to_vtl u" },
  vtl_return = { "from_vtl u", "to_vtl u" },
  hypercall = { "code u", "name q", "status u" },
  slat_change = { "target_vtl u", "gpa x", "pages u", "rights_before q", "rights_after q", "source q" },
  cow_share = { "target_vtl u", "gpa x", "spa x" },
  cow_break = { "gpa x", "spa x", "new_spa x" },
  dma = { "requester q", "device_vtl u", "iova x", "dst_iova x", "gpa x?", "length u", "status u", "copied u" },
  iommu_fault = { "requester q", "device_vtl u", "iova x", "gpa x?", "access q", "reason q" },
  device_denied = { "requester q", "device_vtl u", "port x", "access q" },
  exit = { "code d", "reason q", "message s?" },
}
local FIELDS = {}
for kind, list in pairs(F) do
  FIELDS[kind] = {}
  for i, spec in ipairs(list) do
    local name, how, opt = spec:match("^(%S+) (%a)(%??)$")
    FIELDS[kind][i] = { name = name, how = how, optional = opt == "?" }
  end
end
local COMMON = { kind = true, icount = true, vtl = true, cpl = true, rip = true }

-- One event as the line `vtlemu run --trace` writes for it. An event with a kind or a
-- field this does not know is an error, not a silently different line.
local function json_line(ev)
  local fields = FIELDS[ev.kind]
  if not fields then error("json_line: unknown event kind '" .. tostring(ev.kind) .. "'", 2) end
  local known = {}
  for _, f in ipairs(fields) do known[f.name] = true end
  for k in pairs(ev) do
    if not COMMON[k] and not known[k] then error("json_line: unknown field '" .. k .. "' of a " .. ev.kind .. " event", 2) end
  end
  local out = { string.format('{"kind":"%s","icount":%s,"vtl":%s,"cpl":%s,"rip":"0x%x"',
                              ev.kind, udec(ev.icount), udec(ev.vtl), udec(ev.cpl), ev.rip) }
  for _, f in ipairs(fields) do
    local v = ev[f.name]
    if v == nil then
      if not f.optional then error("json_line: a " .. ev.kind .. " event without " .. f.name, 2) end
    else
      local s
      if f.how == "u" then s = udec(v)
      elseif f.how == "d" then s = string.format("%d", v)
      elseif f.how == "x" then s = string.format('"0x%x"', v)
      elseif f.how == "q" then s = '"' .. v .. '"'
      else s = json_string(v) end
      out[#out + 1] = ',"' .. f.name .. '":' .. s
    end
  end
  out[#out + 1] = "}"
  return table.concat(out)
end

-- ---- POSIX extended regular expressions, as grep -E matches a line -----------------
-- Alternation, groups, back-references \1-\9, bracket expressions (ranges, [:class:]),
-- . * + ? {m,n}, ^ $, \ before a punctuation character. Anything else is an error.

local CLASSES = {
  alpha = "%a", digit = "%d", alnum = "%w", upper = "%u", lower = "%l", space = "%s",
  xdigit = "%x", punct = "%p", cntrl = "%c", print = "[\32-\126]", graph = "[\33-\126]", blank = "[ \t]",
}

local function ere_compile(p)
  local i, ngroups = 1, 0
  local function fail(why) error(string.format("ERE /%s/: %s at offset %d", p, why, i - 1), 0) end
  local function peek() return p:sub(i, i) end
  local parse_alt

  local function bracket()
    i = i + 1   -- '['
    local set, neg, first = {}, false, true
    if peek() == "^" then neg = true; i = i + 1 end
    while true do
      local c = peek()
      if c == "" then fail("unterminated bracket expression") end
      if c == "]" and not first then i = i + 1; break end
      first = false
      if c == "[" and p:sub(i + 1, i + 1) == ":" then
        local name = p:match("^%[:(%a+):%]", i)
        if not name or not CLASSES[name] then fail("unknown character class") end
        for b = 0, 255 do
          if string.char(b):find("^" .. CLASSES[name] .. "$") then set[b] = true end
        end
        i = i + #name + 4
      elseif c == "[" and (p:sub(i + 1, i + 1) == "." or p:sub(i + 1, i + 1) == "=") then
        fail("collating elements are not supported")
      else
        local lo = c:byte()
        i = i + 1
        if peek() == "-" and p:sub(i + 1, i + 1) ~= "]" and p:sub(i + 1, i + 1) ~= "" then
          local hi = p:byte(i + 1)
          if hi < lo then fail("invalid range") end
          for b = lo, hi do set[b] = true end
          i = i + 2
        else
          set[lo] = true
        end
      end
    end
    if neg then
      local inv = {}
      for b = 0, 255 do inv[b] = not set[b] and b ~= 10 or nil end
      set = inv
    end
    return { t = "set", set = set }
  end

  local function atom()
    local c = peek()
    if c == "(" then
      i = i + 1
      ngroups = ngroups + 1
      local n = ngroups
      local inner = parse_alt()
      if peek() ~= ")" then fail("unmatched (") end
      i = i + 1
      return { t = "group", n = n, node = inner }
    elseif c == "." then
      i = i + 1
      local set = {}
      for b = 0, 255 do set[b] = b ~= 10 or nil end
      return { t = "set", set = set }
    elseif c == "[" then
      return bracket()
    elseif c == "^" then
      i = i + 1
      return { t = "bol" }
    elseif c == "$" then
      i = i + 1
      return { t = "eol" }
    elseif c == "\\" then
      local d = p:sub(i + 1, i + 1)
      if d == "" then fail("trailing backslash") end
      i = i + 2
      if d:match("^[1-9]$") then
        if tonumber(d) > ngroups then fail("back-reference to a group not yet closed") end
        return { t = "bref", n = tonumber(d) }
      end
      if d:match("^%w$") then fail("\\" .. d .. " is not supported") end
      return { t = "lit", s = d }
    elseif c == "*" or c == "+" or c == "?" or c == ")" then
      fail("'" .. c .. "' with nothing before it")
    elseif c == "{" and p:match("^{%d+,?%d*}", i) then
      fail("an interval with nothing before it")
    end
    i = i + 1
    return { t = "lit", s = c }   -- any other character, '{' and '}' included
  end

  local function seq()
    local list = {}
    while i <= #p and peek() ~= "|" and peek() ~= ")" do
      local a = atom()
      while true do
        local q = peek()
        local lo, hi
        if q == "*" then lo, hi = 0, nil; i = i + 1
        elseif q == "+" then lo, hi = 1, nil; i = i + 1
        elseif q == "?" then lo, hi = 0, 1; i = i + 1
        elseif q == "{" and p:match("^{%d+,?%d*}", i) then
          local m1, comma, m2 = p:match("^{(%d+)(,?)(%d*)}", i)
          lo = tonumber(m1)
          hi = comma == "" and lo or (m2 ~= "" and tonumber(m2) or nil)
          if hi and hi < lo then fail("invalid interval") end
          i = i + #m1 + #comma + #m2 + 2
        else
          break
        end
        a = { t = "rep", node = a, min = lo, max = hi }
      end
      local prev = list[#list]
      if a.t == "lit" and prev and prev.t == "lit" then
        prev.s = prev.s .. a.s
      else
        list[#list + 1] = a
      end
    end
    return { t = "seq", list = list }
  end

  function parse_alt()
    local alts = { seq() }
    while peek() == "|" do
      i = i + 1
      alts[#alts + 1] = seq()
    end
    return #alts == 1 and alts[1] or { t = "alt", list = alts }
  end

  local root = parse_alt()
  if i <= #p then fail("unmatched )") end
  return root
end

-- Does node match s at i, with k accepting where it ends? caps[2n-1], caps[2n]: group n.
local function ere_match(node, s, i, caps, k)
  local t = node.t
  if t == "lit" then
    local n = #node.s
    if s:sub(i, i + n - 1) == node.s then return k(i + n) end
    return false
  elseif t == "set" then
    local b = s:byte(i)
    if b and node.set[b] then return k(i + 1) end
    return false
  elseif t == "seq" then
    local list = node.list
    local function step(j, idx)
      if idx > #list then return k(j) end
      return ere_match(list[idx], s, j, caps, function(j2) return step(j2, idx + 1) end)
    end
    return step(i, 1)
  elseif t == "alt" then
    for _, a in ipairs(node.list) do
      if ere_match(a, s, i, caps, k) then return true end
    end
    return false
  elseif t == "group" then
    local n = node.n
    return ere_match(node.node, s, i, caps, function(j)
      local os, oe = caps[2 * n - 1], caps[2 * n]
      caps[2 * n - 1], caps[2 * n] = i, j
      if k(j) then return true end
      caps[2 * n - 1], caps[2 * n] = os, oe
      return false
    end)
  elseif t == "bref" then
    local cs, ce = caps[2 * node.n - 1], caps[2 * node.n]
    if not cs then return false end
    local sub = s:sub(cs, ce - 1)
    if s:sub(i, i + #sub - 1) == sub then return k(i + #sub) end
    return false
  elseif t == "bol" then
    return i == 1 and k(i)
  elseif t == "eol" then
    return i == #s + 1 and k(i)
  elseif t == "rep" then
    local function more(j, count)
      if not node.max or count < node.max then
        local found = ere_match(node.node, s, j, caps, function(j2)
          -- An empty iteration can repeat as often as the minimum wants: stop here.
          if j2 == j then return k(j2) end
          return more(j2, count + 1)
        end)
        if found then return true end
      end
      return count >= node.min and k(j)
    end
    return more(i, 0)
  end
  error("ere_match: bad node " .. tostring(t))
end

local function accept() return true end

-- A compiled ERE: m:find(line) says whether some part of the line matches (grep -E).
local function ere(p)
  local root = ere_compile(p)
  -- A literal every match contains: lines without it are skipped.
  local must
  if root.t == "seq" then
    for _, n in ipairs(root.list) do
      if n.t == "lit" and (not must or #n.s > #must) then must = n.s end
    end
  end
  local first = root.t == "seq" and root.list[1]
  return {
    find = function(_, s)
      if must and not s:find(must, 1, true) then return false end
      if first and first.t == "bol" then return ere_match(root, s, 1, {}, accept) and true or false end
      if first and first.t == "lit" then
        local at = s:find(first.s, 1, true)
        while at do
          if ere_match(root, s, at, {}, accept) then return true end
          at = s:find(first.s, at + 1, true)
        end
        return false
      end
      for at = 1, #s + 1 do
        if ere_match(root, s, at, {}, accept) then return true end
      end
      return false
    end,
  }
end

-- ---- guest headers -----------------------------------------------------------------

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("a")
  f:close()
  return s
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- The header lines of a guest, in file order: { {key=, val=}, ... }.
local function header(asm)
  local text = assert(read_file(asm))
  local h = {}
  for line in text:gmatch("[^\n]*") do
    local key, val = line:match("^;%s*([%w-]+):%s?(.*)$")
    if key and (key == "args" or key == "timeout" or key == "vtl1" or key == "qemu-skip"
                or key:match("^expect%-[a-z-]+$")) then
      h[#h + 1] = { key = key, val = val:gsub("%s+$", "") }
    end
  end
  return h
end

-- printf '%b': the backslash escapes of an expect-stdout line.
local BS = { n = "\n", t = "\t", r = "\r", a = "\a", b = "\b", f = "\f", v = "\v", e = "\27", E = "\27", ["\\"] = "\\" }
local function unescape(s)
  local out, i = {}, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c ~= "\\" or i == #s then
      out[#out + 1] = c
      i = i + 1
    else
      local d = s:sub(i + 1, i + 1)
      local oct = s:match("^0([0-7]?[0-7]?[0-7]?)", i + 1)
      local hex = s:match("^x(%x%x?)", i + 1)
      if oct then
        out[#out + 1] = string.char((tonumber(oct, 8) or 0) & 255)
        i = i + 2 + #oct
      elseif hex then
        out[#out + 1] = string.char(tonumber(hex, 16))
        i = i + 2 + #hex
      elseif d == "c" then
        break   -- \c: no more output
      else
        out[#out + 1] = BS[d] or ("\\" .. d)
        i = i + 2
      end
    end
  end
  return table.concat(out)
end

-- The first 160 bytes of s on one line, newlines as \n (for messages).
local function esc(s)
  return (s:sub(1, 160):gsub("\n", "\\n"))
end

-- ---- running a guest as `vtlemu run --quiet --trace` runs it ----------------------

-- The console as `vtlemu run` prints it on stdout (tests/lua/lib/cli_console.lua).
-- Scripts run from the project root (the runner and `make test` both start there).
local cli_stdout = dofile("tests/lua/lib/cli_console.lua").stdout

-- What `vtlemu run --quiet` writes on stderr: one line when the status is not 0.
local function cli_stderr(exit_ev)
  if not exit_ev or exit_ev.code == 0 then return "" end
  if exit_ev.message then
    return string.format("vtlemu: %s (exit status %d)\n", exit_ev.message, exit_ev.code)
  end
  return string.format("vtlemu: guest exited with status %d\n", exit_ev.code)
end

-- Boots the guest NAME with the header h and runs it to its exit. Returns a result
-- table: code (exit status), lines (the trace), stdout, stderr, seconds; or nil and why.
local function run_guest(name, h)
  local image = IMAGES .. "/" .. name .. ".elf"
  if not exists(image) then return nil, "no image " .. image .. " (make test-guests)" end
  local cfg = { vtl0 = image }
  local args, budget = {}, nil
  for _, kv in ipairs(h) do
    if kv.key == "vtl1" then
      cfg.vtl1 = IMAGES .. "/sk/" .. kv.val .. ".elf"
      if not exists(cfg.vtl1) then return nil, "no secure kernel " .. cfg.vtl1 .. " (make test-guests)" end
    elseif kv.key == "args" then
      for a in kv.val:gmatch("%S+") do args[#args + 1] = a end
    end
  end
  local i = 1
  while i <= #args do
    local a, v = args[i], args[i + 1]
    if v == nil then return nil, "args: " .. a .. " needs a value" end
    if a == "--max-insns" then
      budget = math.tointeger(tonumber(v))
      if not budget or budget <= 0 then return nil, "args: bad count " .. v end
    elseif a == "--mem" then cfg.mem = v
    elseif a == "--append" then cfg.append = v
    else return nil, "args: '" .. a .. "' has no counterpart in vtlemu.boot" end
    i = i + 2
  end

  local ok, m = pcall(vtlemu.boot, cfg)
  if not ok then return nil, "boot failed: " .. tostring(m) end
  local t0 = os.time()
  local ev = m:run{ max_insns = budget }
  local seconds = os.difftime(os.time(), t0)
  local exit_ev = m:event(-1)
  if not ev then
    if not budget then
      m:close()
      return nil, string.format("did not exit within %d instructions", vtlemu.default_max_insns)
    end
    -- The budget of --max-insns ran out: `vtlemu run` ends here with status 66 and
    -- this exit event, which a script's run budget does not raise.
    local vtl = m:vtl()
    exit_ev = { kind = "exit", icount = m:icount(), vtl = vtl, cpl = m:cpl(), rip = m:reg(vtl, "rip"),
                code = 66, reason = "budget", message = string.format("instruction budget of %d exhausted", budget) }
  elseif m:exit_code() == nil or not exit_ev or exit_ev.kind ~= "exit" then
    m:close()
    return nil, "the run stopped without an exit event"
  end

  local lines = {}
  for e in m:events() do lines[#lines + 1] = json_line(e) end
  if not ev then lines[#lines + 1] = json_line(exit_ev) end
  local r = {
    code = exit_ev.code, lines = lines, seconds = seconds,
    stdout = cli_stdout(m, cfg.vtl1 ~= nil), stderr = cli_stderr(exit_ev),
  }
  -- The console events hold all the console text (stdout is made of them).
  for vtl = 0, 1 do
    local text = {}
    for e in m:events("console") do
      if e.vtl == vtl then text[#text + 1] = e.text end
    end
    if table.concat(text) ~= m:console(vtl) then
      m:close()
      return nil, string.format("the console events of VTL%d differ from m:console(%d)", vtl, vtl)
    end
  end
  m:close()
  return r
end

-- Checks a run against the header: nil when it meets every expectation, else the first
-- mismatch (in the words of tests/tools/run_guests.sh).
local function check(h, r)
  local tmo, want_exit = DEFAULT_TIMEOUT, "0"
  for _, kv in ipairs(h) do
    if kv.key == "timeout" then tmo = tonumber(kv.val)
    elseif kv.key == "expect-exit" then want_exit = kv.val end
  end
  if r.seconds > tmo then return string.format("timed out after %ds", tmo) end
  if tostring(r.code) ~= want_exit then
    local why
    for line in r.stdout:gmatch("[^\n]+") do
      if line:match("^FAIL") or line:match("^%[VTL[01]%] FAIL") then why = line; break end
    end
    if not why then why = r.stderr:match("([^\n]*%S[^\n]*)\n?$") end
    return string.format("exit %d, expected %s%s", r.code, want_exit, why and (" (" .. why .. ")") or "")
  end

  local function matcher(key, text)
    if key:match("%-re$") then
      local re = ere(text)
      return function(line) return re:find(line) end
    end
    return function(line) return line:find(text, 1, true) ~= nil end
  end

  local last = 0
  for _, kv in ipairs(h) do
    local key, val = kv.key, kv.val
    if key == "expect-stdout" then
      if unescape(val) ~= r.stdout then
        return string.format('stdout "%s", expected "%s"', esc(r.stdout), val)
      end
    elseif key == "expect-stderr" then
      if not r.stderr:lower():find(val:lower(), 1, true) then
        return string.format('stderr lacks "%s" (stderr: %s)', val, esc(r.stderr))
      end
    elseif key == "expect-event" or key == "expect-event-re" or key == "expect-event-after"
           or key == "expect-event-after-re" then
      local match = matcher(key, val)
      local start = key:match("^expect%-event%-after") and last + 1 or 1
      local found
      for n = start, #r.lines do
        if match(r.lines[n]) then found = n; break end
      end
      if not found then
        if start > 1 then return string.format("no event after line %d matching: %s", last, val) end
        return "no event matching: " .. val
      end
      last = found
    elseif key == "expect-no-event" or key == "expect-no-event-re" then
      local match = matcher(key, val)
      for _, line in ipairs(r.lines) do
        if match(line) then return "unexpected event: " .. line end
      end
    elseif key == "expect-event-count" or key == "expect-event-count-re" then
      local want, text = val:match("^(%S*) (.*)$")
      if not want then want, text = val, val end
      local match, n = matcher(key, text), 0
      for _, line in ipairs(r.lines) do
        if match(line) then n = n + 1 end
      end
      if tostring(n) ~= want then return string.format("%d events match, expected %s: %s", n, want, text) end
    elseif key ~= "args" and key ~= "timeout" and key ~= "vtl1" and key ~= "qemu-skip" and key ~= "expect-exit" then
      return "unknown header key '" .. key .. "'"
    end
  end
  return nil
end

-- ---- the guests --------------------------------------------------------------------

local guests = {}
do
  local p = assert(io.popen("ls tests/guests/*.asm"))
  for path in p:lines() do
    guests[#guests + 1] = path:match("^tests/guests/(.+)%.asm$")
  end
  p:close()
  assert(#guests > 0, "no guests in tests/guests/*.asm")
end

test("the ERE matcher agrees with grep -E", function()
  local cases = {
    -- pattern, line, what grep -E says
    { [=["kind":"exit",.*"reason":"budget"]=], [=[{"kind":"exit","icount":1,"code":66,"reason":"budget"}]=], true },
    { [=["kind":"exit",.*"reason":"budget"]=], [=[{"kind":"exit","icount":1,"code":0,"reason":"guest"}]=], false },
    { [=["vector":(33|34|35|200)[,}]]=], [=[{"kind":"exception","vector":200}]=], true },
    { [=["vector":(33|34|35|200)[,}]]=], [=[{"kind":"exception","vector":34,"error_code":0}]=], true },
    { [=["vector":(33|34|35|200)[,}]]=], [=[{"kind":"exception","vector":2000}]=], false },
    { [=["vector":(33|34|35|200)[,}]]=], [=[{"kind":"exception","vector":3}]=], false },
    { [=["spa":"(0x[0-9a-f]+)","new_spa":"\1"]=], [=["gpa":"0x1","spa":"0x1020000","new_spa":"0x1020000"}]=], true },
    { [=["spa":"(0x[0-9a-f]+)","new_spa":"\1"]=], [=["gpa":"0x1","spa":"0x1020000","new_spa":"0x10200001"}]=], false },
    { [=["spa":"(0x[0-9a-f]+)","new_spa":"\1"]=], [=["gpa":"0x1","spa":"0x1020000","new_spa":"0x1030000"}]=], false },
    { [=["spa":"(0x[0-9a-f]+)","new_spa":"\1"]=], [=["spa":"0x10200","new_spa":"0x1020"}]=], false },
    { [=["spa":"(0x[0-9a-f]+)","new_spa":"\1"]=], [=["spa":"0x1020","new_spa":"0x10200"}]=], false },
    { [=["text":"bitmap\\n"]=], [=[{"kind":"console","text":"bitmap\n"}]=], true },
    { [=["text":"bitmap\\n"]=], [=[{"kind":"console","text":"bitmapn"}]=], false },
    { [=["kind":"syscall",.*"cpl":3,.*"nr":60[,}]]=], [=[{"kind":"syscall","icount":5,"vtl":0,"cpl":3,"rip":"0x4","nr":60}]=], true },
    { [=["kind":"syscall",.*"cpl":3,.*"nr":60[,}]]=], [=[{"kind":"syscall","icount":5,"vtl":0,"cpl":3,"rip":"0x4","nr":601}]=], false },
    { [=["kind":"syscall",.*"cpl":3,.*"nr":60[,}]]=], [=[{"kind":"syscall","icount":5,"vtl":0,"cpl":0,"rip":"0x4","nr":60}]=], false },
    { [=["icount":[0-9]+,"vtl":1]=], [=[{"icount":123,"vtl":1}]=], true },
    { [=["icount":[0-9]+,"vtl":1]=], [=[{"icount":,"vtl":1}]=], false },
    { [=["rip":"0x20[0-9a-f]+","from]=], [=[{"rip":"0x205063","from_vtl":1}]=], true },
    { [=["rip":"0x20[0-9a-f]+","from]=], [=[{"rip":"0x20","from_vtl":1}]=], false },
    { [=[^a(b|c)*d$]=], [=[abcbd]=], true },
    { [=[^a(b|c)*d$]=], [=[abcbdx]=], false },
    { [=["(gpa|dst_iova)":"0x4[0-9a-f]{4}"]=], [=["dst_iova":"0x4abcd"]=], true },
    { [=["(gpa|dst_iova)":"0x4[0-9a-f]{4}"]=], [=["gpa":"0x4abc"]=], false },
    { [=["(gpa|dst_iova)":"0x4[0-9a-f]{4}"]=], [=["iova":"0x4abcd"]=], false },
    { [=[x{2,}y?]=], [=[axxb]=], true },
    { [=[ax{2,3}b]=], [=[axxxxb]=], false },
    { [=[[^a-c]z]=], [=[bzcz]=], false },
    { [=[[]x]+$]=], [=[a]]x]=], true },
    { [=[[[:digit:]-]+$]=], [=[a1-2]=], true },
    { [=[a|^b]=], [=[cb]=], false },
    { [=[(a*)*b]=], [=[aac]=], false },
    { [=[(a|ab)(c|bcd)d]=], [=[abcd]=], true },
    { [=[x{]=], [=[ax{]=], true },
    { [=[a}]=], [=[a}]=], true },
    { [=[\.\*\(]=], [=[a.*(]=], true },
  }
  for _, c in ipairs(cases) do
    local got = ere(c[1]):find(c[2])
    expect(got == c[3], string.format("/%s/ on %s: got %s, want %s", c[1], c[2], tostring(got), tostring(c[3])))
  end
  local ok, err = pcall(ere, [[\w+]])
  expect(not ok and err:find("not supported", 1, true), "an unsupported escape is an error")
end)

-- The vtlemu running this script (run_lua.sh exports VTLEMU).
local function vtlemu_binary()
  local exe = os.getenv("VTLEMU")
  if exe then return exe end
  local p = io.popen("readlink /proc/$PPID/exe")
  exe = p:read("l")
  p:close()
  return exe
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Fails unless got == want, naming the first line where they differ.
local function expect_same_text(got, want, what)
  if got == want then return end
  if got == nil then expect(false, what .. ": nothing read") end
  local g, w = {}, {}
  for line in (got .. "\n"):gmatch("([^\n]*)\n") do g[#g + 1] = line end
  for line in (want .. "\n"):gmatch("([^\n]*)\n") do w[#w + 1] = line end
  for n = 1, math.max(#g, #w) do
    if g[n] ~= w[n] then
      expect(false, string.format("%s differs at line %d: vtlemu run wrote %s, here %s", what, n,
                                  g[n] and ("'" .. g[n] .. "'") or "nothing", w[n] and ("'" .. w[n] .. "'") or "nothing"))
    end
  end
  expect(false, what .. " differs (in line ends)")
end

test("trace, stdout and stderr as written here equal those of vtlemu run", function()
  local exe = vtlemu_binary()
  expect(exe and exe ~= "", "cannot tell which vtlemu runs this script (set VTLEMU)")
  local tmp = os.tmpname()
  -- single VTL, console; exit 65 with a message; --max-insns; copy-on-write events;
  -- VTL1 enabled by the guest itself; two VTLs with tagged stdout and exit 33.
  for _, name in ipairs{ "user_port_io_is_allowed_by_iopl_3_or_the_tss_io_bitmap",
                         "vtl0_access_outside_ram_without_vtl1_ends_with_exit_65",
                         "instruction_budget_stops_at_exactly_max_insns",
                         "copy_on_write_share_gives_vtl0_a_private_copy_at_its_first_write",
                         "enabling_vtl1_twice_is_refused_with_0x86",
                         "vtl1_can_stop_the_run_on_an_intercept" } do
    local h = header("tests/guests/" .. name .. ".asm")
    local r, why = run_guest(name, h)
    expect(r, name .. ": " .. tostring(why))
    local argv = { shell_quote(exe), "run", "--quiet", "--trace", shell_quote(tmp .. ".jsonl") }
    for _, kv in ipairs(h) do
      if kv.key == "vtl1" then table.insert(argv, 3, "--vtl1 " .. shell_quote(IMAGES .. "/sk/" .. kv.val .. ".elf")) end
    end
    for _, kv in ipairs(h) do
      if kv.key == "args" then argv[#argv + 1] = kv.val end
    end
    argv[#argv + 1] = shell_quote(IMAGES .. "/" .. name .. ".elf")
    local cmd = table.concat(argv, " ") .. " >" .. shell_quote(tmp .. ".out") .. " 2>" .. shell_quote(tmp .. ".err") .. " </dev/null"
    local _, _, status = os.execute(cmd)
    expect_eq(status, r.code, name .. ": exit status of vtlemu run")
    expect_same_text(read_file(tmp .. ".jsonl"), table.concat(r.lines, "\n") .. "\n", name .. ": the trace")
    expect_same_text(read_file(tmp .. ".out"), r.stdout, name .. ": stdout")
    expect_same_text(read_file(tmp .. ".err"), r.stderr, name .. ": stderr")
  end
  os.remove(tmp .. ".jsonl"); os.remove(tmp .. ".out"); os.remove(tmp .. ".err"); os.remove(tmp)
end)

for _, name in ipairs(guests) do
  test(name, function()
    local h = header("tests/guests/" .. name .. ".asm")
    local r, why = run_guest(name, h)
    expect(r, why)
    local mismatch = check(h, r)
    expect(mismatch == nil, mismatch)
  end)
end
