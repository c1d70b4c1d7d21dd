#!/usr/bin/env bash
# Command-line behaviour of `vtlemu run`: usage errors and bad images exit 64 with one
# line on stderr and run nothing; the demo kernel boots; budgets end exactly.
# Usage: tests/scenarios/run_cli.sh BUILD_DIR
set -u
B=${1:-build/release}
VTLEMU=$B/vtlemu
KERNEL=guest/build/vtl0.elf
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; fails=$((fails + 1)); }

# expect_fail NAME STATUS STDERR_SUBSTRING -- ARGS...: status, one stderr line, no stdout.
expect_fail() {
  local name=$1 want=$2 msg=$3; shift 4
  timeout 20 "$VTLEMU" "$@" >"$T/out" 2>"$T/err"; local got=$?
  local lines; lines=$(wc -l <"$T/err")
  if [ "$got" != "$want" ]; then bad "$name" "exit $got, want $want ($(head -c 200 "$T/err"))"
  elif [ "$lines" != 1 ]; then bad "$name" "stderr has $lines lines, want 1"
  elif ! grep -qF -- "$msg" "$T/err"; then bad "$name" "stderr '$(cat "$T/err")' lacks '$msg'"
  elif [ -s "$T/out" ]; then bad "$name" "something ran: stdout not empty"
  else ok "$name"; fi
}

# patch FILE OFFSET BYTE...: overwrite bytes in place.
patch() {
  local f=$1 off=$2; shift 2
  printf "$(printf '\\x%02x' "$@")" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

tiny_elf() {  # tiny_elf OUT LOAD_ADDR: a minimal kernel linked at LOAD_ADDR
  printf 'bits 64\nglobal _start\n_start: mov al, 0\nout 0xf4, al\n' >"$T/tiny.asm"
  nasm -f elf64 "$T/tiny.asm" -o "$T/tiny.o" && ld -nostdlib -Ttext="$2" -e _start "$T/tiny.o" -o "$1"
}

expect_fail "no_arguments_is_a_usage_error" 64 "missing command" --
expect_fail "unknown_command_is_a_usage_error" 64 "unknown command" -- frobnicate
expect_fail "unknown_option_is_a_usage_error" 64 "unknown option '--bogus'" -- run --bogus "$KERNEL"
expect_fail "run_without_image_is_a_usage_error" 64 "no image given" -- run
expect_fail "two_images_are_a_usage_error" 64 "more than one image" -- run "$KERNEL" "$KERNEL"
expect_fail "malformed_memory_size_is_refused" 64 "bad memory size '12Q'" -- run --mem 12Q "$KERNEL"
expect_fail "memory_size_below_16M_is_refused" 64 "memory size must be" -- run --mem 8M "$KERNEL"
expect_fail "memory_size_not_a_multiple_of_2M_is_refused" 64 "memory size must be" -- run --mem 17M "$KERNEL"
expect_fail "negative_budget_is_refused" 64 "bad instruction count '-5'" -- run --max-insns -5 "$KERNEL"
expect_fail "zero_budget_is_refused" 64 "bad instruction count '0'" -- run --max-insns 0 "$KERNEL"
expect_fail "option_without_value_is_refused" 64 "--trace needs a file name" -- run "$KERNEL" --trace
expect_fail "missing_image_file_is_refused" 64 "$T/nope.elf: cannot open" -- run "$T/nope.elf"
expect_fail "directory_as_image_is_refused" 64 "not a regular file" -- run "$T"
: >"$T/empty.elf"
expect_fail "empty_image_is_refused" 64 "empty file" -- run "$T/empty.elf"
echo "just text" >"$T/text.elf"
expect_fail "non_elf_image_is_refused" 64 "not an ELF file" -- run "$T/text.elf"
head -c 40 "$KERNEL" >"$T/trunc.elf"
expect_fail "truncated_elf_header_is_refused" 64 "truncated ELF header" -- run "$T/trunc.elf"
cp "$KERNEL" "$T/class.elf"; patch "$T/class.elf" 4 1
expect_fail "32_bit_elf_is_refused" 64 "not a 64-bit ELF" -- run "$T/class.elf"
cp "$KERNEL" "$T/endian.elf"; patch "$T/endian.elf" 5 2
expect_fail "big_endian_elf_is_refused" 64 "not little-endian" -- run "$T/endian.elf"
cp "$KERNEL" "$T/machine.elf"; patch "$T/machine.elf" 18 3 0
expect_fail "non_x86_64_elf_is_refused" 64 "not an x86-64 image" -- run "$T/machine.elf"
cp "$KERNEL" "$T/type.elf"; patch "$T/type.elf" 16 3 0
expect_fail "shared_object_is_refused" 64 "not an executable" -- run "$T/type.elf"
head -c 300 "$KERNEL" >"$T/seg.elf"
expect_fail "image_with_segment_data_cut_off_is_refused" 64 "outside the file" -- run "$T/seg.elf"
tiny_elf "$T/high.elf" 0x20000000
expect_fail "segment_outside_ram_is_refused" 64 "outside RAM" -- run "$T/high.elf"
tiny_elf "$T/top.elf" 0xfff0000
expect_fail "segment_in_the_loader_area_is_refused" 64 "overlaps the loader area" -- run "$T/top.elf"
expect_fail "unwritable_trace_file_is_refused" 64 "cannot write trace file" -- run --trace "$T/no/such/dir/t.jsonl" "$KERNEL"

# --help and --version succeed and print to stdout.
if "$VTLEMU" --help | grep -q "usage: vtlemu run"; then ok "help_prints_usage"; else bad "help_prints_usage" "no usage text"; fi
if "$VTLEMU" --version | grep -qE '^vtlemu [0-9]+\.[0-9]+\.[0-9]+$'; then ok "version_prints_a_version"; else bad "version_prints_a_version" "no version"; fi

# The demo kernel boots, runs its user program and exits cleanly.
timeout 60 "$VTLEMU" run --quiet --trace "$T/demo.jsonl" "$KERNEL" >"$T/out" 2>"$T/err"; st=$?
if [ $st != 0 ]; then bad "demo_kernel_runs_to_a_clean_exit" "exit $st: $(head -c 200 "$T/err")"
elif ! grep -q "user exited with 0" "$T/out"; then bad "demo_kernel_runs_to_a_clean_exit" "console lacks the user exit line"
elif ! tail -1 "$T/demo.jsonl" | grep -q '"kind":"exit".*"code":0,"reason":"guest"'; then bad "demo_kernel_runs_to_a_clean_exit" "last event is not a guest exit"
else ok "demo_kernel_runs_to_a_clean_exit"; fi
if grep -q '"kind":"syscall","icount":[0-9]*,"vtl":0,"cpl":3,' "$T/demo.jsonl" &&
   grep -q '"kind":"exception","icount":[0-9]*,"vtl":0,"cpl":3,"rip":"0x[0-9a-f]*","vector":14,"error_code":[46],"gva":"0x10000000"' "$T/demo.jsonl"; then
  ok "demo_kernel_trace_shows_user_syscalls_and_demand_zero_faults"
else bad "demo_kernel_trace_shows_user_syscalls_and_demand_zero_faults" "no user syscall or heap #PF event"; fi

# The same inputs give the same event stream.
timeout 60 "$VTLEMU" run --quiet --trace "$T/demo2.jsonl" "$KERNEL" >/dev/null 2>&1
if cmp -s "$T/demo.jsonl" "$T/demo2.jsonl"; then ok "two_runs_give_identical_traces"; else bad "two_runs_give_identical_traces" "traces differ"; fi

# A budget ends the run after exactly N instructions, with exit 66.
timeout 60 "$VTLEMU" run --quiet --max-insns 123457 --trace "$T/b.jsonl" "$KERNEL" >/dev/null 2>"$T/err"; st=$?
if [ $st != 66 ]; then bad "budget_ends_the_run_with_66" "exit $st"
elif ! tail -1 "$T/b.jsonl" | grep -q '"kind":"exit","icount":123457,.*"code":66,"reason":"budget"'; then bad "budget_ends_the_run_with_66" "exit event: $(tail -1 "$T/b.jsonl")"
elif [ "$(wc -l <"$T/err")" != 1 ]; then bad "budget_ends_the_run_with_66" "stderr is not one line"
else ok "budget_ends_the_run_with_66"; fi

# --append reaches the guest and --mem sets its RAM.
timeout 60 "$VTLEMU" run --quiet --mem 64M --append "hello=1" "$KERNEL" >"$T/out" 2>&1
if grep -q "ram 64 MiB" "$T/out" && grep -q "hello=1" "$T/out"; then ok "mem_and_append_reach_the_guest"
else bad "mem_and_append_reach_the_guest" "$(head -3 "$T/out")"; fi

[ $fails = 0 ]
