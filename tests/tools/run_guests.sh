#!/usr/bin/env bash
# Boots every test guest (tests/guests/*.asm, built by `make test-guests` into
# build/tests/guests/NAME.elf) with `vtlemu run` and checks it against the expectations
# in its header comments. Prints one line per guest, "ok - NAME" or "not ok - NAME: why",
# and exits non-zero if any guest failed.
#
# `make test` does not run this script: it checks the guests with the same headers
# through `vtlemu test` (tests/lua/scenario_cpu_guests.lua). This is the tool for the
# guests themselves: --qemu boots them under QEMU, and without it it runs them from the
# command line and keeps each run's output to look at.
#
# Usage: tests/tools/run_guests.sh [--qemu] BUILD_DIR [NAME_PART...]
#   BUILD_DIR holds the emulator (BUILD_DIR/vtlemu); NAME_PARTs select guests whose name
#   contains one of them. The run's stdout, stderr and JSONL trace are kept in
#   BUILD_DIR/tests/guests/NAME.{stdout,stderr,jsonl}.
#   --qemu checks the guests themselves instead of vtlemu: it boots the reference builds
#   (`make test-guests-ref`: the same source with tests/guests/refboot.inc standing in
#   for vtlemu's loader) under qemu-system-x86_64 (TCG; QEMU_ACCEL=kvm to try KVM) and
#   checks only the exit code and stdout. A triple fault or a hang counts as exit 65;
#   guests with --max-insns are skipped. Known QEMU TCG deviations from the SDM, on
#   which guests here fail under --qemu only: non-canonical SS-relative access gives
#   #GP instead of #SS; `int n` through a gate of too low DPL reports n*16+2 instead of
#   n*8+2; syscall clears all arithmetic flags instead of only those in SFMASK.
#
# Header lines (all optional; each may appear anywhere in the .asm, one per line):
#   ; args: ARG...                extra `vtlemu run` arguments (split on spaces, no quoting)
#   ; vtl1: NAME                  boot with the secure kernel build/tests/guests/sk/NAME.elf
#                                 (tests/guests/sk/NAME.asm): `--vtl1` before the args
#   ; qemu-skip: WHY              not checkable under --qemu (guests with vtl1: never are)
#   ; timeout: SECONDS            default 20
#   ; expect-exit: N              exit status (default 0)
#   ; expect-stdout: TEXT         the whole stdout, with \n escapes (empty: no output)
#   ; expect-stderr: TEXT         substring of stderr, case-insensitive
#   ; expect-event: TEXT          substring of some line of the JSONL trace
#   ; expect-event-after: TEXT    ... of a line after the one the previous expect-event*
#                                 matched (in file order)
#   ; expect-event-re: ERE        like expect-event, an extended regular expression
#   ; expect-event-after-re: ERE  like expect-event-after, an extended regular expression
#   ; expect-no-event: TEXT       no trace line contains TEXT
#   ; expect-no-event-re: ERE     no trace line matches ERE
#   ; expect-event-count: N TEXT  exactly N trace lines contain TEXT
#   ; expect-event-count-re: N ERE  exactly N trace lines match ERE
# A FAIL line on stdout (the guest runtimes print one when a check fails; tagged
# "[VTL0] " or "[VTL1] " when a secure kernel runs) is shown with a wrong exit status.
set -u
cd "$(dirname "$0")/../.." || exit 2

QEMU=0
if [ "${1:-}" = --qemu ]; then QEMU=1; shift; fi
if [ $# -lt 1 ]; then
  echo "usage: $0 [--qemu] BUILD_DIR [NAME_PART...]" >&2
  exit 2
fi
B=${1%/}; shift
EMU=$B/vtlemu
IMAGES=build/tests/guests
OUT=$B/tests/guests
[ "$QEMU" = 1 ] && OUT=$B/tests/guests-qemu
if [ -d "$B" ]; then
  mkdir -p "$OUT"
else                                  # keep nothing, create nothing under a bad BUILD_DIR
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
fi
QEMU_ACCEL=${QEMU_ACCEL:-tcg}
QEMU_CPU=max
[ "$QEMU_ACCEL" = kvm ] && QEMU_CPU=host,-arch-capabilities

# run_qemu IMAGE ARG...: runs the reference image like `vtlemu run` would, returning
# vtlemu's exit status for it (the debug-exit device exits QEMU with (v << 1) | 1).
run_qemu() {
  local image=$1 append="" rc; shift
  while [ $# -gt 0 ]; do
    case $1 in
      --append) append=$2; shift ;;
    esac
    shift
  done
  timeout "$tmo" qemu-system-x86_64 -accel "$QEMU_ACCEL" -cpu "$QEMU_CPU" -m 256 -display none \
    -no-reboot -monitor none -serial "file:$out" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x01 -kernel "$image" \
    ${append:+-append "$append"} </dev/null >/dev/null 2>"$err"
  rc=$?
  if [ $((rc & 1)) = 1 ]; then
    return $(((rc >> 1) & 63))
  elif [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
    return 65                         # triple fault (-no-reboot) or hang (hlt, IF=0)
  fi
  return 67
}

# esc FILE: the file's first 160 bytes on one line, newlines shown as \n.
esc() { head -c 160 "$1" | sed -z 's/\n/\\n/g'; }

# header ASM: "key<TAB>value" for every header line.
header() {
  sed -n -E 's/^;[[:space:]]*(args|timeout|vtl1|qemu-skip|expect-[a-z-]+):[[:space:]]?(.*)$/\1\t\2/p' "$1" |
    sed 's/[[:space:]]*$//'
}

# check_guest NAME ASM: prints nothing if the guest meets its expectations, else the
# first mismatch.
check_guest() {
  local name=$1 asm=$2 image=$IMAGES/$1.elf
  local out=$OUT/$name.stdout err=$OUT/$name.stderr trace=$OUT/$name.jsonl
  local args="" tmo=20 exp_exit=0 key val sk="" qskip=""

  while IFS=$'\t' read -r key val; do
    case $key in
      args) args=$val ;;
      timeout) tmo=$val ;;
      expect-exit) exp_exit=$val ;;
      vtl1) sk=$val ;;
      qemu-skip) qskip=$val ;;
    esac
  done < <(header "$asm")

  local argv=() rc
  read -r -a argv <<<"$args"
  rm -f "$out" "$err" "$trace"
  if [ "$QEMU" = 1 ]; then
    image=$IMAGES/$name.ref
    [ -n "$sk" ] && { echo "SKIP two VTLs"; return; }
    [ -n "$qskip" ] && { echo "SKIP $qskip"; return; }
    [ -f "$image" ] || { echo "no image $image (make test-guests-ref)"; return; }
    case " $args " in *" --max-insns "*) echo "SKIP not checkable under QEMU"; return ;; esac
    [ "$exp_exit" = 65 ] && tmo=5
    run_qemu "$image" "${argv[@]}"
    rc=$?
  else
    [ -x "$EMU" ] || { echo "no emulator at $EMU"; return; }
    [ -f "$image" ] || { echo "no image $image (make test-guests)"; return; }
    if [ -n "$sk" ]; then
      [ -f "$IMAGES/sk/$sk.elf" ] || { echo "no secure kernel $IMAGES/sk/$sk.elf (make test-guests)"; return; }
      argv=(--vtl1 "$IMAGES/sk/$sk.elf" "${argv[@]}")
    fi
    timeout "$tmo" "$EMU" run --quiet --trace "$trace" "${argv[@]}" "$image" >"$out" 2>"$err" </dev/null
    rc=$?
  fi

  if [ "$rc" = 124 ]; then
    echo "timed out after ${tmo}s"; return
  fi
  if [ "$rc" != "$exp_exit" ]; then
    local why
    why=$(grep -m1 -E '^(\[VTL[01]\] )?FAIL' "$out")
    [ -n "$why" ] || why=$(grep -v '^[[:space:]]*$' "$err" | tail -n 1)
    echo "exit $rc, expected $exp_exit${why:+ ($why)}"; return
  fi

  local last=0 n line
  while IFS=$'\t' read -r key val; do
    case $key in
      expect-stdout)
        if ! cmp -s <(printf '%b' "$val") "$out"; then
          echo "stdout \"$(esc "$out")\", expected \"$val\""; return
        fi
        ;;
      expect-stderr|expect-event*|expect-no-event*)
        [ "$QEMU" = 1 ] && continue
        ;;&
      expect-stderr)
        grep -qiF -- "$val" "$err" || { echo "stderr lacks \"$val\" (stderr: $(esc "$err"))"; return; }
        ;;
      expect-event|expect-event-re|expect-event-after|expect-event-after-re)
        [ -f "$trace" ] || { echo "no trace file $trace"; return; }
        local mode=-F start=1
        case $key in *-re) mode=-E ;; esac
        case $key in expect-event-after*) start=$((last + 1)) ;; esac
        line=$(tail -n +"$start" "$trace" | grep -n -m1 $mode -- "$val" | cut -d: -f1)
        if [ -z "$line" ]; then
          if [ "$start" -gt 1 ]; then
            echo "no event after line $last matching: $val"
          else
            echo "no event matching: $val"
          fi
          return
        fi
        last=$((start + line - 1))
        ;;
      expect-no-event|expect-no-event-re)
        [ -f "$trace" ] || { echo "no trace file $trace"; return; }
        local mode=-F
        case $key in *-re) mode=-E ;; esac
        n=$(grep -m1 $mode -- "$val" "$trace")
        [ -z "$n" ] || { echo "unexpected event: $n"; return; }
        ;;
      expect-event-count|expect-event-count-re)
        [ -f "$trace" ] || { echo "no trace file $trace"; return; }
        local mode=-F want=${val%% *} text=${val#* }
        case $key in *-re) mode=-E ;; esac
        n=$(grep -c $mode -- "$text" "$trace")
        [ "$n" = "$want" ] || { echo "$n events match, expected $want: $text"; return; }
        ;;
      args|timeout|vtl1|qemu-skip|expect-exit) ;;
      *) echo "unknown header key '$key'"; return ;;
    esac
  done < <(header "$asm")
}

failed=0
for asm in tests/guests/*.asm; do
  [ -f "$asm" ] || continue
  name=$(basename "$asm" .asm)
  if [ $# -gt 0 ]; then
    sel=0
    for part in "$@"; do case $name in *"$part"*) sel=1 ;; esac; done
    [ "$sel" = 1 ] || continue
  fi
  why=$(check_guest "$name" "$asm")
  if [ -z "$why" ]; then
    echo "ok - $name"
  elif [ "${why%% *}" = SKIP ]; then
    echo "ok - $name # $why"
  else
    echo "not ok - $name: $why"
    failed=$((failed + 1))
  fi
done
[ "$failed" = 0 ]
