#!/usr/bin/env bash
# `vtlemu test`: runs the Lua API tests and scenario scripts (tests/lua/*.lua), passing
# their result lines through, then checks the runner itself from the outside: its lines,
# counts and exit status for scripts with known results, syntax errors, missing files,
# top-level errors, budgets and time limits, and usage errors. Prints one line per test,
# "ok - NAME" or "not ok - NAME: why".
# Usage: tests/scenarios/run_lua.sh BUILD_DIR [SCRIPT.lua...]
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build/release}
shift
VTLEMU=$(realpath "$B/vtlemu")
export VTLEMU   # the scripts compare with `vtlemu run`
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; fails=$((fails + 1)); }

# ---- the scripts: each file in its own process, so a crash costs only that file ----
scripts=("$@")
[ ${#scripts[@]} = 0 ] && scripts=(tests/lua/*.lua)
for f in "${scripts[@]}"; do
  timeout 900 "$VTLEMU" test "$f" >"$T/out" 2>"$T/err"; st=$?
  grep -E '^(ok|not ok) - ' "$T/out"
  p=$(grep -c '^ok - ' "$T/out"); n=$(grep -c '^not ok - ' "$T/out")
  fails=$((fails + n))
  last=$(tail -n 1 "$T/out")
  want_st=0; [ "$n" != 0 ] && want_st=1
  if [ "$last" != "$p passed, $n failed" ] || [ "$st" != "$want_st" ]; then
    bad "$f" "vtlemu test ended abnormally (exit $st, last line '$last'): $(grep -m1 -v '^$' "$T/err" | head -c 300)"
  fi
done

# ---- the runner, seen from the shell ----------------------------------------------
# run_case NAME EXPECTED_STATUS EXPECTED_STDOUT_FILE -- ARGS...: exact stdout and status.
run_case() {
  local name=$1 want_st=$2 want=$3; shift 4
  (cd "$T" && timeout 120 "$VTLEMU" test "$@") >"$T/got" 2>"$T/stderr"; local st=$?
  if [ "$st" != "$want_st" ]; then bad "$name" "exit $st, want $want_st ($(head -c 200 "$T/stderr"))"
  elif ! diff -u "$want" "$T/got" >"$T/diff"; then bad "$name" "stdout differs: $(tail -n +3 "$T/diff" | tr '\n' '|' | head -c 400)"
  else ok "$name"; fi
}

cat >"$T/mixed.lua" <<'EOF'
test("passes", function() expect(true) end)
test("expect fails", function()
  expect(1 == 2, "one is not two")
end)
test("expect_eq fails", function() expect_eq("read", "write", "access") end)
test("runtime error", function() local t = nil; return t.x end)
test("error with a table", function() error({}) end)
test("passes after failures", function() expect_eq(2 + 2, 4) end)
print("ok - printed lines go to stderr")
test("error(msg, 0) has no position of its own", function() error("bare", 0) end)
test("passes at the end", function() end)
EOF
cat >"$T/mixed.want" <<'EOF'
ok - passes
not ok - expect fails: one is not two (mixed.lua:3)
not ok - expect_eq fails: access: got "read", want "write" (mixed.lua:5)
not ok - runtime error: attempt to index a nil value (local 't') (mixed.lua:6)
not ok - error with a table: (error object is a table value) (mixed.lua:7)
ok - passes after failures
not ok - error(msg, 0) has no position of its own: bare (mixed.lua:10)
ok - passes at the end
3 passed, 5 failed
EOF
run_case "runner_reports_each_test_with_message_and_position" 1 "$T/mixed.want" -- mixed.lua
if grep -q "printed lines go to stderr" "$T/stderr"; then ok "runner_sends_print_to_stderr"
else bad "runner_sends_print_to_stderr" "print output not on stderr"; fi

cat >"$T/good.lua" <<'EOF'
shared = "from good.lua"
test("one", function() end)
test("two", function() expect_eq(shared, "from good.lua") end)
EOF
printf 'ok - one\nok - two\n2 passed, 0 failed\n' >"$T/good.want"
run_case "runner_exits_0_when_every_test_passes" 0 "$T/good.want" -- good.lua

cat >"$T/syntax.lua" <<'EOF'
test("never runs", function() end)
local x = = 1
EOF
cat >"$T/independent.lua" <<'EOF'
test("globals of another file are not seen", function() expect_eq(shared, nil) end)
EOF
cat >"$T/files.want" <<'EOF'
not ok - syntax.lua: unexpected symbol near '=' (syntax.lua:2)
ok - one
ok - two
not ok - missing.lua: cannot open missing.lua: No such file or directory
ok - globals of another file are not seen
3 passed, 2 failed
EOF
run_case "syntax_error_and_missing_file_are_failed_lines_and_other_files_still_run" 1 "$T/files.want" \
  -- syntax.lua good.lua missing.lua independent.lua

cat >"$T/toplevel.lua" <<'EOF'
test("before the error", function() end)
local m = nil
m:run{}
test("after the error", function() end)
EOF
cat >"$T/boot.lua" <<'EOF'
local m = vtlemu.boot{ vtl0 = "no-such-kernel.elf" }
test("needs the machine", function() end)
EOF
cat >"$T/empty.lua" <<'EOF'
local x = 1
EOF
cat >"$T/toplevel.want" <<'EOF'
ok - before the error
not ok - toplevel.lua: attempt to index a nil value (local 'm') (toplevel.lua:3)
not ok - boot.lua: vtlemu.boot: no-such-kernel.elf: cannot open (No such file or directory) (boot.lua:1)
not ok - empty.lua: no tests: the file never calls test(name, fn)
1 passed, 3 failed
EOF
run_case "top_level_errors_failed_boots_and_files_without_tests_are_failed_lines" 1 "$T/toplevel.want" \
  -- toplevel.lua boot.lua empty.lua

# A guest that never raises the awaited event: a kernel that spins.
printf 'bits 64\nglobal _start\n_start: jmp _start\n' >"$T/spin.asm"
if nasm -f elf64 "$T/spin.asm" -o "$T/spin.o" && ld -nostdlib -Ttext=0x200000 -e _start "$T/spin.o" -o "$T/spin.elf"; then
  cat >"$T/spin.lua" <<'EOF'
local m = vtlemu.boot{ vtl0 = "spin.elf" }
test("default budget", function()
  local ev, why = m:run{ until_event = "syscall" }
  expect_eq(ev, nil)
  expect_eq(why, "budget")
  expect_eq(m:icount(), vtlemu.default_max_insns)
end)
test("waits for a syscall", function()
  local ev, why = m:run{ until_event = "syscall", max_insns = 1000 }
  expect(ev, why)
end)
EOF
  cat >"$T/spin.want" <<'EOF'
ok - default budget
not ok - waits for a syscall: budget (spin.lua:10)
1 passed, 1 failed
EOF
  run_case "a_guest_that_never_reaches_the_event_stops_at_the_default_budget" 1 "$T/spin.want" -- spin.lua
  cat >"$T/ceiling.want" <<'EOF'
not ok - default budget: m:run: this file has used up its ceiling of 5000 guest instructions (vtlemu test --file-insns) (spin.lua:3)
not ok - waits for a syscall: m:run: this file has used up its ceiling of 5000 guest instructions (vtlemu test --file-insns) (spin.lua:9)
0 passed, 2 failed
EOF
  run_case "a_file_stops_at_its_instruction_ceiling" 1 "$T/ceiling.want" -- --file-insns 5000 spin.lua
else
  bad "a_guest_that_never_reaches_the_event_stops_at_the_default_budget" "cannot build the spinning guest (nasm, ld)"
fi

cat >"$T/loop.lua" <<'EOF'
test("first", function() end)
test("never ends", function() while true do end end)
test("after the limit", function() end)
EOF
cat >"$T/loop.want" <<'EOF'
ok - first
not ok - never ends: time limit of this file exceeded (vtlemu test --timeout) (loop.lua:2)
not ok - after the limit: not run: the file's time limit was exceeded
1 passed, 2 failed
EOF
run_case "lua_code_that_never_ends_stops_at_the_time_limit" 1 "$T/loop.want" -- --timeout 1 loop.lua

# Usage errors: status 64, one line on stderr, nothing on stdout.
usage_case() {
  local name=$1 msg=$2; shift 2
  "$VTLEMU" test "$@" >"$T/out" 2>"$T/err"; local st=$?
  if [ "$st" != 64 ]; then bad "$name" "exit $st, want 64"
  elif [ "$(wc -l <"$T/err")" != 1 ] || ! grep -qF -- "$msg" "$T/err"; then bad "$name" "stderr '$(cat "$T/err")' lacks '$msg'"
  elif [ -s "$T/out" ]; then bad "$name" "stdout not empty"
  else ok "$name"; fi
}
usage_case "test_without_scripts_is_a_usage_error" "test needs at least one script"
usage_case "test_with_an_unknown_option_is_a_usage_error" "unknown option '--bogus'" --bogus "$T/good.lua"
usage_case "test_with_a_bad_count_is_a_usage_error" "bad count 'lots'" --file-insns lots "$T/good.lua"
usage_case "test_option_without_value_is_a_usage_error" "--timeout needs a count" --timeout
if "$VTLEMU" --help | grep -q "vtlemu test \[--file-insns N\] \[--timeout SECONDS\] SCRIPT.lua"; then
  ok "help_shows_the_test_command"
else
  bad "help_shows_the_test_command" "no test line in --help"
fi

# The README's example is tests/lua/readme_example.lua, byte for byte.
awk '/<!-- readme_example.lua -->/ { on = 1; next } on && /^```lua$/ { copy = 1; next }
     copy && /^```$/ { exit } copy { print }' README.md >"$T/readme_example.lua"
if [ -s "$T/readme_example.lua" ] && cmp -s "$T/readme_example.lua" tests/lua/readme_example.lua; then
  ok "readme_example_is_the_tested_script"
else
  bad "readme_example_is_the_tested_script" "README's example differs from tests/lua/readme_example.lua"
fi

[ "$fails" = 0 ]
