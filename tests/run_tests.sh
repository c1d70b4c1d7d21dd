#!/usr/bin/env bash
# Runs every test of `make test` and ends with "N passed, N failed" on its own line.
# Usage: tests/run_tests.sh BUILD_DIR UNIT_BINARY...
# Unit tests are cmocka binaries (one line per test is counted); scenario runners print
# TAP-like lines "ok - name" / "not ok - name: why".
set -u
B=$1; shift
passed=0; failed=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

count_lines() {   # $1 = output file; counts ok/not ok and cmocka OK/FAILED lines
  local p f
  p=$(grep -cE '^(ok - |\[       OK \] )' "$1")
  f=$(grep -cE '^(not ok - |\[  FAILED  \] [a-z_0-9]+$)' "$1")
  passed=$((passed + p)); failed=$((failed + f))
}

for t in "$@"; do
  echo "== $t"
  if ! "$t" >"$log" 2>&1; then
    # A crash leaves no FAILED line: count it as one failure.
    if ! grep -qE '^\[  FAILED  \] [a-z_0-9]+$' "$log"; then
      echo "not ok - $t exited abnormally" >>"$log"
    fi
  fi
  cat "$log"
  count_lines "$log"
done

echo "== layering"
if bash scripts/check_deps.sh >"$log" 2>&1; then echo "ok - modules_include_only_what_the_layering_allows" >>"$log"
else echo "not ok - modules_include_only_what_the_layering_allows: $(head -1 "$log")" >>"$log"; fi
cat "$log"; count_lines "$log"

for runner in tests/scenarios/run_*.sh; do
  [ -f "$runner" ] || continue
  echo "== $runner"
  if ! bash "$runner" "$B" >"$log" 2>&1; then
    grep -qE '^not ok - ' "$log" || echo "not ok - $runner failed to run" >>"$log"
  fi
  cat "$log"
  count_lines "$log"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
