-- The test helpers themselves, seen from inside a script: what a failed expect or
-- expect_eq raises (message and position), and the state tests share. The runner's
-- lines and counts are checked from the shell (tests/scenarios/run_lua.sh).

-- The failure f raises, as text ("message (file:line)").
local function failure_of(f)
  local ok, err = pcall(f)
  if ok then error("no failure raised", 2) end
  return tostring(err)
end

local here = "api_helpers.lua:"
local function line_after() return debug.getinfo(2, "l").currentline + 1 end

test("expect passes on any true value and fails on false and nil", function()
  expect(true)
  expect(0, "zero is true in Lua")
  expect("", "so is the empty string")
  local l = line_after()
  local err = failure_of(function() expect(false, "it was false") end)
  expect_eq(err:gsub("%(.*/", "("), "it was false (" .. here .. l .. ")")
  l = line_after()
  err = failure_of(function() expect(nil) end)
  expect_eq(err:gsub("%(.*/", "("), "expectation failed (" .. here .. l .. ")")
end)

test("expect_eq shows both values, strings quoted and addresses in hex", function()
  expect_eq(1, 1)
  expect_eq(1, 1.0, "an integer equals the same float")
  expect_eq("a", "a")
  expect_eq(nil, nil)
  local err = failure_of(function() expect_eq(1, 2) end)
  expect(err:find("^got 1, want 2 %(.*api_helpers%.lua:%d+%)$"), err)
  err = failure_of(function() expect_eq("read", "write", "access") end)
  expect(err:find('^access: got "read", want "write" %('), err)
  err = failure_of(function() expect_eq(0x40000, 0x41000) end)
  expect(err:find("got 262144 (0x40000), want 266240 (0x41000)", 1, true), err)
  err = failure_of(function() expect_eq(0xffff800000040000, 0) end)
  expect(err:find("got 0xffff800000040000, want 0", 1, true), err)
  err = failure_of(function() expect_eq("\1\2x", nil) end)
  expect(err:find('got "\\x01\\x02x", want nil', 1, true), err)
  err = failure_of(function() expect_eq(string.rep("a", 100), "") end)
  expect(err:find("(100 bytes)", 1, true), err)
  err = failure_of(function() expect_eq(1, "1") end)
  expect(err:find('got 1, want "1"', 1, true), "no conversion between numbers and strings: " .. err)
end)

test("a failed expect ends the test at once", function()
  local reached = false
  pcall(function()
    expect(false, "stop here")
    reached = true
  end)
  expect_eq(reached, false)
end)

local counter = 0
test("tests run in file order and share the file's top-level state (1)", function()
  counter = counter + 1
  expect_eq(counter, 1)
end)
test("tests run in file order and share the file's top-level state (2)", function()
  counter = counter + 1
  expect_eq(counter, 2)
end)

test("test() returns whether the test passed; tests do not nest", function()
  local ok, err = pcall(test, "inner", function() end)
  expect(not ok, "a nested test is an error")
  expect(tostring(err):find("tests do not nest", 1, true), tostring(err))
end)

test("the standard libraries are there", function()
  expect(string and table and math and os and io and utf8 and coroutine and debug, "standard libraries")
  expect_eq(math.type(1 << 62), "integer")
  expect_eq(string.format("%x", 0xffff800000000000), "ffff800000000000")
end)
