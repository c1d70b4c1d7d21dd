#!/usr/bin/env bash
# `vtlemu debug` headless: replayed keys against the two-VTL demo, checked through the
# state dump (which VTL runs, which event is selected, the rights shown for a page) and
# one screenshot (the PNG's size from its IHDR, and that it is not blank).
# Usage: tests/scenarios/run_debugger.sh BUILD_DIR
set -u
B=${1:-build/release}
VTLEMU=$B/vtlemu
SK=guest/build/sk.elf
K0=guest/build/vtl0.elf
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; }

# debug NAME KEYS [ARGS...]: replay KEYS on the demo; the state goes to $T/NAME.json.
debug() {
  local name=$1 keys=$2; shift 2
  timeout 60 "$VTLEMU" debug --headless --keys "$keys" --dump-state "$T/$name.json" "$@" \
    --vtl1 "$SK" "$K0" >"$T/$name.out" 2>"$T/$name.err"
  echo $? >"$T/$name.rc"
}

# expect NAME FILE PATTERN...: every fixed string is in FILE.
expect() {
  local name=$1 f=$2; shift 2
  if [ ! -s "$f" ]; then bad "$name" "no state dump ($(head -c 200 "${f%.json}.err" 2>/dev/null))"; return; fi
  if [ "$(cat "${f%.json}.rc")" != 0 ]; then bad "$name" "exit $(cat "${f%.json}.rc"): $(head -c 200 "${f%.json}.err")"; return; fi
  for p in "$@"; do
    if ! grep -qF -- "$p" "$f"; then bad "$name" "state lacks $p"; return; fi
  done
  ok "$name"
}

# The line of the dump that starts with "KEY":
field() { grep -E "^\"$2\":" "$1"; }

# ---- usage ------------------------------------------------------------------------------
usage_fail() {  # usage_fail NAME STDERR_SUBSTRING ARGS...
  local name=$1 msg=$2; shift 2
  timeout 20 "$VTLEMU" debug "$@" >"$T/u.out" 2>"$T/u.err"; local st=$?
  if [ $st != 64 ]; then bad "$name" "exit $st, want 64"
  elif [ "$(wc -l <"$T/u.err")" != 1 ]; then bad "$name" "stderr is not one line: $(cat "$T/u.err")"
  elif ! grep -qF -- "$msg" "$T/u.err"; then bad "$name" "stderr '$(cat "$T/u.err")' lacks '$msg'"
  else ok "$name"; fi
}
usage_fail debug_without_image_is_a_usage_error "no image given" --headless
usage_fail debug_unknown_option_is_a_usage_error "unknown option '--frob'" --frob "$K0"
usage_fail debug_bad_key_is_a_usage_error "bad key 'frob'" --headless --keys "s frob" "$K0"
usage_fail debug_bad_window_size_is_a_usage_error "bad window size '12x'" --size 12x "$K0"
usage_fail debug_missing_font_is_refused "cannot open font" --headless --font "$T/none.ttf" "$K0"
usage_fail debug_bad_image_is_refused "cannot open" --headless "$T/none.elf"
if "$VTLEMU" debug --help | grep -q -- "--dump-state"; then ok "debug_help_lists_the_options"
else bad "debug_help_lists_the_options" "no --dump-state in the help"; fi

# ---- the model after replayed keys ------------------------------------------------------
debug start ""
expect debugger_starts_in_the_secure_kernel "$T/start.json" '"running_vtl":1,' '"vtl1_enabled":true' \
  '"icount":0,' '"selected":null' '"secure":[["0x40000",'

debug steps "s s s"
expect s_steps_one_instruction_at_a_time "$T/steps.json" '"icount":3,' '"running_vtl":1,' '"mode":"stopped"' \
  '"stops":3' '"changed":{"vtl0":[],"vtl1":["rip"'

debug transition "n"
expect n_stops_on_the_vtl_return_that_starts_vtl0 "$T/transition.json" '"running_vtl":0,' \
  '"stop_event":{"index":' '"event":{"kind":"vtl_return"' '"disasm":{"vtl":0,'

# v: the first attack on the credential page. vtlemu raises the violation and enters
# VTL1 with the intercept in one step, so VTL1 runs when the run stops.
debug violation "v"
expect v_stops_on_the_slat_violation_of_the_credential_page "$T/violation.json" \
  '"selected":{"shown_index":' '"event":{"kind":"slat_violation","icount":' '"fault":{"vtl":0,' \
  '"memory":{"space":"gpa","addr":"0x40000"'
expect the_credential_page_is_no_access_for_vtl0_and_secure_kernel_for_vtl1 "$T/violation.json" \
  '"page":{"gpa":"0x40000","vtl0":{"rights":"----"' \
  '"vtl1":{"rights":"RWKU","spa":"0x40000","cow":false,"cow_broken":false,"secure":true'
if field "$T/violation.json" memory | grep -qE '"vtl0":\{"rows":\[null,null,.*"why":"[^"]*denies read' &&
   field "$T/violation.json" memory | grep -qE '"vtl1":\{"rows":\["[0-9a-f]{16}"'; then
  ok "memory_view_shows_vtl0_denied_and_vtl1_the_bytes"
else bad "memory_view_shows_vtl0_denied_and_vtl1_the_bytes" "$(field "$T/violation.json" memory | head -c 300)"; fi
if sed -n '/^"disasm_other":{"vtl":0,/,/^"follow_rip"/p' "$T/violation.json" |
   grep -qF '"rip":true,"breakpoint":false,"fault":true'; then
  ok "the_waiting_vtl0_listing_marks_the_faulting_instruction"
else bad "the_waiting_vtl0_listing_marks_the_faulting_instruction" "no line with rip and fault"; fi

debug intercept "v ]"
expect selecting_the_next_event_shows_the_intercept "$T/intercept.json" '"running_vtl":1,' \
  '"event":{"kind":"intercept"' '"from_vtl":0,"to_vtl":1' '"follow_rip":false'

debug filter "v f"
expect f_filters_the_log_to_vtl_transitions "$T/filter.json" '"filter":"transitions"' \
  '"kinds":["vtl_enable","vtl_call","vtl_return","intercept","exit"]'

debug breakpoint "n down down b c"
if expect_bp=$(field "$T/breakpoint.json" breakpoints) &&
   bp=$(grep -oE '"rip":"0x[0-9a-f]+"' <<<"$expect_bp" | head -1) && [ -n "$bp" ] &&
   field "$T/breakpoint.json" registers | grep -qF "\"vtl0\":{$bp" &&
   field "$T/breakpoint.json" status | grep -qF breakpoint; then
  ok "c_stops_at_a_breakpoint_set_at_the_cursor"
else bad "c_stops_at_a_breakpoint_set_at_the_cursor" "$(field "$T/breakpoint.json" status)"; fi

debug cow "c hover:41000"
expect c_runs_the_demo_to_its_clean_exit "$T/cow.json" '"exited":true' '"exit_status":0' \
  '"event":{"kind":"exit"'
expect hovering_the_shared_library_page_shows_vtl0s_private_copy "$T/cow.json" \
  '"hover":{"gpa":"0x41000","vtl0":{"rights":"RWKU"' '"cow_broken":true' '"class":"copy-on-write broken"'

# ---- the screenshot ---------------------------------------------------------------------
# be32 FILE OFFSET: a big-endian 32-bit number.
be32() { od -An -tu1 -j "$2" -N4 "$1" | awk '{print ($1 * 16777216) + ($2 * 65536) + ($3 * 256) + $4}'; }

shot() {  # shot NAME FILE W H: checks signature, IHDR, and that the pixels are not blank
  local name=$1 f=$2 w=$3 h=$4
  if [ ! -s "$f" ]; then bad "$name" "no PNG written"; return; fi
  if [ "$(od -An -tx1 -N8 "$f" | tr -d ' \n')" != 89504e470d0a1a0a ]; then bad "$name" "no PNG signature"; return; fi
  if [ "$(od -An -c -j12 -N4 "$f" | tr -d ' ')" != IHDR ]; then bad "$name" "first chunk is not IHDR"; return; fi
  local gw gh; gw=$(be32 "$f" 16); gh=$(be32 "$f" 20)
  if [ "$gw" != "$w" ] || [ "$gh" != "$h" ]; then bad "$name" "IHDR says ${gw}x$gh, want ${w}x$h"; return; fi
  # The IDAT right after IHDR is a zlib stream: behind a gzip header, gzip inflates it
  # (and then complains about the missing gzip trailer).
  local zlen; zlen=$(be32 "$f" 33)
  { printf '\037\213\010\000\000\000\000\000\000\003'; tail -c +44 "$f" | head -c $((zlen - 2)); } |
    gzip -dc 2>/dev/null >"$T/raw"
  local raw; raw=$(wc -c <"$T/raw")
  if [ "$raw" != $((h * (3 * w + 1))) ]; then bad "$name" "pixel data is $raw bytes, want $((h * (3 * w + 1)))"; return; fi
  # Rows are filtered "Up": a blank image is its first row and zeros.
  local busy; busy=$(LC_ALL=C tr -d '\000' <"$T/raw" | wc -c)
  if [ "$busy" -lt $((3 * w + h + 20000)) ]; then bad "$name" "looks blank ($busy non-zero bytes)"; return; fi
  ok "$name"
}
debug shot "v ]" --screenshot "$T/shot.png"
shot screenshot_is_a_1600x1000_png_that_is_not_blank "$T/shot.png" 1600 1000
SDL_VIDEODRIVER=dummy debug shot2 "s" --screenshot "$T/shot2.png" --size 1024x640 --font-size 11
shot screenshot_takes_the_size_asked_for_with_the_dummy_driver "$T/shot2.png" 1024 640

# A real window (an X server in memory) when xvfb-run is there: keys, then q. Only the
# screenshot is checked: under ASan, LeakSanitizer reports leaks of libdbus and the GL
# driver that SDL loads for a window.
if command -v xvfb-run >/dev/null; then
  SDL_VIDEODRIVER=x11 timeout 60 xvfb-run -a "$VTLEMU" debug --keys "v q" --screenshot "$T/win.png" --size 1200x760 \
    --vtl1 "$SK" "$K0" >"$T/win.out" 2>"$T/win.err"
  shot window_under_xvfb_opens_replays_and_quits "$T/win.png" 1200 760
else
  ok "window_under_xvfb_opens_replays_and_quits # skip: no xvfb-run"
fi
