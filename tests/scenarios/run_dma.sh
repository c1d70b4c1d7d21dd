#!/usr/bin/env bash
# DMA and the IOMMU in the demo guests (docs/secure-calls.md, stages 5 and 6): runs the
# two-VTL demo and the single-VTL kernel with --trace and checks the console and the
# trace events: the attacker's DMA transfers blocked by the SLAT (slat_denied) and by its
# own remapping (a VT-d reason), legitimate copies done, VTL1 taking dma0 with
# HvCallVtlemuAssignDevice (0x8001) and VTL0 refused when it touches the device or makes
# the same hypercall.
# Prints one line per check, "ok - NAME" or "not ok - NAME: why"; exits 1 if one failed.
# Usage: tests/scenarios/run_dma.sh BUILD_DIR      (BUILD_DIR/vtlemu is the emulator)
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${1:-build/release}
VTLEMU=$B/vtlemu
KERNEL=guest/build/vtl0.elf
SK=guest/build/sk.elf
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0

ok() { echo "ok - $1"; }
bad() { echo "not ok - $1: $2"; fails=$((fails + 1)); }

# Fixed addresses of the demo (guest/sk/sk.ld, guest/lib/securecall.h, guest/vtl0/dmademo.c).
SECRET=0x40000              # the credential page, secure kernel image page 0
SKCODE=0x42000              # first page of secure kernel code
IOVA_A=0x100000000          # buffer A in dma0's remapping
IOVA_B=0x100001000          # buffer B
IOVA_SECRET=0x100002000     # the attacker's IOVA onto the credential page
IOVA_UNMAPPED=0x100003000   # an IOVA the remapping never maps
AD=32769                    # HvCallVtlemuAssignDevice, 0x8001

# ev KIND VTL: a regex for the head of a JSONL event of KIND raised in VTL (a regex too);
# the event's own fields follow, in the order of README.md's table.
ev() { printf '^\\{"kind":"%s","icount":[0-9]+,"vtl":%s,"cpl":[0-9],"rip":"0x[0-9a-f]+"' "$1" "$2"; }
# dma DEVICE_VTL SRC DST LEN STATUS COPIED (each a regex) and the other event shapes.
dma() {
  printf '%s,"requester":"00:03.0","device_vtl":%s,"iova":"%s","dst_iova":"%s",("gpa":"0x[0-9a-f]+",)?"length":%s,"status":%s,"copied":%s\\}$' \
    "$(ev dma '[01]')" "$1" "$2" "$3" "$4" "$5" "$6"
}
fault() {   # fault IOVA GPA ACCESS REASON (GPA: a regex for the whole "gpa" field and comma, or "")
  printf '%s,"requester":"00:03.0","device_vtl":0,"iova":"%s",%s"access":"%s","reason":"%s"\\}$' \
    "$(ev iommu_fault 0)" "$1" "$2" "$3" "$4"
}
hcall() { printf '%s,"code":%s,"name":"HvCallVtlemuAssignDevice","status":%s\\}$' "$(ev hypercall "$1")" "$AD" "$2"; }
DENIED_RE=$(printf '%s,"requester":"00:03.0","device_vtl":1,"port":"0x5[01][0-9a-f]","access":"(read|write)"\\}$' "$(ev device_denied 0)")

count() { grep -cE -- "$1" "$2"; }
lines() { grep -nE -- "$1" "$2" | sed 's/:.*//'; }
# followed FILE RE1 RE2: some line matching RE1 is followed at once by one matching RE2.
followed() {
  local n
  for n in $(lines "$2" "$1"); do
    sed -n "$((n + 1))p" "$1" | grep -qE -- "$3" && return 0
  done
  return 1
}
# slice FILE FROM TO: lines strictly between line numbers FROM and TO.
slice() { [ "$3" -gt $(($2 + 1)) ] && sed -n "$(($2 + 1)),$(($3 - 1))p" "$1"; }

# blocked NAME CONSOLE_SUBSTRING DMA_RE FAULT_RE: a refused transfer and its fault event,
# and the guest's own reading of the fault record.
blocked() {
  local name=$1 con=$2 dre=$3 fre=$4
  if ! grep -qE -- "$dre" "$TR"; then bad "$name" "no dma event with status 2 and nothing copied (/$dre/)"
  elif ! followed "$TR" "$dre" "$fre"; then bad "$name" "the dma event is not followed by the iommu_fault /$fre/"
  elif ! grep -qF -- "$con" "$OUT"; then bad "$name" "console lacks '$con'"
  else ok "$name"; fi
}

for f in "$VTLEMU" "$KERNEL" "$SK"; do
  [ -e "$f" ] || { bad "dma_scenarios_have_their_inputs" "$f is missing (make)"; exit 1; }
done

# --- the two-VTL demo ----------------------------------------------------------------
OUT=$T/demo.out TR=$T/demo.jsonl
timeout 120 "$VTLEMU" run --quiet --trace "$TR" --vtl1 "$SK" "$KERNEL" >"$OUT" 2>"$T/demo.err" </dev/null
st=$?
if [ $st != 0 ]; then bad "two_vtl_demo_with_dma_stages_exits_0" "exit $st: $(sed -n 1p "$T/demo.err")"
elif ! grep -qE '^\[VTL0\] vtl0: all [0-9]+ checks passed' "$OUT"; then bad "two_vtl_demo_with_dma_stages_exits_0" "no 'all N checks passed' line"
elif ! sed -n '$p' "$TR" | grep -qE "$(ev exit 0),\"code\":0,\"reason\":\"guest\""; then bad "two_vtl_demo_with_dma_stages_exits_0" "the last event is not a guest exit with code 0"
else ok "two_vtl_demo_with_dma_stages_exits_0"; fi

missing=""
for c in "DMA 1: read the secret page with dma0" \
         "DMA 2: overwrite secure kernel code with dma0" \
         "DMA 3: DMA to an IOVA the kernel's own remapping does not map" \
         "DMA 4: remap an IOVA onto the secret page and read it" \
         "DMA 5: a legitimate copy between the kernel's own buffers" \
         "VTL1 took dma0 and copied within its own memory with it" \
         "VTL0 cannot read or program dma0 while VTL1 owns it" \
         "VTL0 cannot take dma0 back (HvCallVtlemuAssignDevice: access denied)" \
         "VTL1 gave dma0 back: VTL0's copies work again"; do
  grep -qxF "[VTL0] vtl0:   [ ok ] $c" "$OUT" || missing="$missing '$c'"
done
if [ -n "$missing" ]; then bad "summary_lists_every_dma_check_as_passed" "not ok or missing:$missing"
else ok "summary_lists_every_dma_check_as_passed"; fi

# Stage 5: the attacker's DMA.
blocked "dma_read_of_the_secret_page_without_remapping_is_slat_denied" \
  "fault record 0: reason 0xf0 (slat_denied), source 00:03.0, read of page 0000000000040000" \
  "$(dma 0 "$SECRET" '0x[0-9a-f]+' 4096 2 0)" "$(fault "$SECRET" "\"gpa\":\"$SECRET\"," read slat_denied)"
blocked "dma_write_into_secure_kernel_code_is_slat_denied" \
  "reason 0xf0 (slat_denied), source 00:03.0, write of page 0000000000042000" \
  "$(dma 0 '0x[0-9a-f]+' "$SKCODE" 64 2 0)" "$(fault "$SKCODE" "\"gpa\":\"$SKCODE\"," write slat_denied)"
blocked "dma_to_an_iova_the_remapping_does_not_map_is_a_vt_d_fault" \
  "reason 0x5 (no_write_permission), source 00:03.0, write of page 0000000100003000" \
  "$(dma 0 "$IOVA_A" "$IOVA_UNMAPPED" 4096 2 0)" "$(fault "$IOVA_UNMAPPED" '' write no_write_permission)"
blocked "dma_through_a_remapping_onto_the_secret_page_is_still_slat_denied" \
  "reason 0xf0 (slat_denied), source 00:03.0, read of page 0000000100002000" \
  "$(dma 0 "$IOVA_SECRET" "$IOVA_B" 4096 2 0)" "$(fault "$IOVA_SECRET" "\"gpa\":\"$SECRET\"," read slat_denied)"

n=$(count "$(dma 0 "$IOVA_A" "$IOVA_B" 4096 1 4096)" "$TR")
if [ "$n" != 2 ]; then bad "legitimate_dma_copies_through_the_remapping_are_done" "$n dma events A -> B with status 1 and 4096 bytes copied, want 2 (stage 5 and after the give-back)"
elif [ "$(grep -c 'buffer B equals A, 0 faults recorded' "$OUT")" != 2 ]; then bad "legitimate_dma_copies_through_the_remapping_are_done" "the console does not show both copies arriving intact"
else ok "legitimate_dma_copies_through_the_remapping_are_done"; fi

# Nothing a VTL0 device did moved a byte from or to the secure kernel image (0x40000-
# 0x4ffff: a source GPA, or a destination IOVA, which is the GPA with remapping off),
# and VTL1's own device never faulted.
leaks=$(grep -E -- "$(dma 0 '0x[0-9a-f]+' '0x[0-9a-f]+' '[0-9]+' '[0-9]+' '[0-9]+')" "$TR" |
        grep -E '"(gpa|dst_iova)":"0x4[0-9a-f]{4}"' | grep -m1 -vE '"copied":0\}$')
if [ -n "$leaks" ]; then bad "no_vtl0_dma_moved_secure_kernel_bytes" "$leaks"
elif grep -qE '"kind":"iommu_fault".*"device_vtl":1' "$TR"; then bad "no_vtl0_dma_moved_secure_kernel_bytes" "a fault of VTL1's device: $(grep -m1 -E '"kind":"iommu_fault".*"device_vtl":1' "$TR")"
elif [ "$(count '"kind":"iommu_fault"' "$TR")" != 4 ]; then bad "no_vtl0_dma_moved_secure_kernel_bytes" "$(count '"kind":"iommu_fault"' "$TR") iommu_fault events, want the 4 of the attacks"
else ok "no_vtl0_dma_moved_secure_kernel_bytes"; fi

# Stage 6: VTL1 takes dma0, VTL0 is refused, VTL1 gives it back.
mapfile -t v1 < <(lines "$(hcall 1 0)" "$TR")

# Stage 5 is the IOMMU's business alone: from the first transfer to VTL1 taking the
# device, no SLAT violation, no intercept.
first=$(lines '"kind":"dma"' "$TR" | sed -n 1p)
if [ -z "$first" ] || [ -z "${v1[0]:-}" ]; then bad "dma_faults_never_enter_vtl1" "no dma event or no VTL1 AssignDevice call"
elif slice "$TR" $((first - 1)) "${v1[0]}" | grep -qE '"kind":"(intercept|slat_violation)"'; then bad "dma_faults_never_enter_vtl1" "$(slice "$TR" $((first - 1)) "${v1[0]}" | grep -m1 -E '"kind":"(intercept|slat_violation)"')"
elif ! grep -qF "(the IOMMU stopped these without VTL1: 0 intercepts during the DMA attacks)" "$OUT"; then bad "dma_faults_never_enter_vtl1" "VTL1 counted intercepts during the DMA attacks"
else ok "dma_faults_never_enter_vtl1"; fi
mapfile -t v0 < <(lines "$(hcall 0 6)" "$TR")
if [ "${#v1[@]}" != 2 ]; then bad "vtl1_assigns_dma0_with_hypercall_0x8001_status_0" "${#v1[@]} successful HvCallVtlemuAssignDevice calls from VTL1, want 2 (take, give back)"
elif [ "$(count '"code":32769,' "$TR")" != 3 ]; then bad "vtl1_assigns_dma0_with_hypercall_0x8001_status_0" "$(count '"code":32769,' "$TR") calls of 0x8001 in all, want 3"
else ok "vtl1_assigns_dma0_with_hypercall_0x8001_status_0"; fi
take=${v1[0]:-0} back=${v1[1]:-${v1[0]:-0}}     # an empty window when a call is missing

if [ "${#v0[@]}" != 1 ]; then bad "vtl0_assigning_dma0_itself_is_access_denied_status_6" "${#v0[@]} HvCallVtlemuAssignDevice calls from VTL0 with status 6, want 1"
elif ! [ "$take" -lt "${v0[0]}" ] || ! [ "${v0[0]}" -lt "$back" ]; then bad "vtl0_assigning_dma0_itself_is_access_denied_status_6" "VTL0's call (line ${v0[0]}) is not while VTL1 owns dma0 (lines $take-$back)"
elif ! grep -qF "HvCallVtlemuAssignDevice(dma0 -> VTL0) from VTL0: status 6" "$OUT"; then bad "vtl0_assigning_dma0_itself_is_access_denied_status_6" "console lacks the attacker's status 6 line"
else ok "vtl0_assigning_dma0_itself_is_access_denied_status_6"; fi

owned=$T/owned.jsonl
slice "$TR" "$take" "$back" >"$owned"
n=$(count "$(dma 1 '0x[0-9a-f]+' '0x[0-9a-f]+' 4096 1 4096)" "$owned")
if [ "$n" != 2 ]; then bad "vtl1_copies_its_own_memory_with_dma0" "$n VTL1-device copies of 4096 bytes while VTL1 owns dma0, want 2 (take, check)"
elif grep -vE -- "$(ev dma 1)" "$owned" | grep -qE '"kind":"dma"'; then bad "vtl1_copies_its_own_memory_with_dma0" "a dma event not raised by VTL1 while VTL1 owns dma0"
elif [ "$(grep -c "^\[VTL1\] sk: dma0 copied VTL1's page 0x[0-9a-f]* to 0x[0-9a-f]*: status 1, 4096 bytes, bytes match$" "$OUT")" != 2 ]; then bad "vtl1_copies_its_own_memory_with_dma0" "the secure kernel does not report two matching copies"
elif sed -n "1,${take}p;${back},\$p" "$TR" | grep -E '"kind":"dma"' | grep -q '"device_vtl":1'; then bad "vtl1_copies_its_own_memory_with_dma0" "dma0 acted as VTL1's outside the take/give-back window"
else ok "vtl1_copies_its_own_memory_with_dma0"; fi

nd=$(count "$DENIED_RE" "$owned")
if [ "$nd" != 16 ]; then bad "vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it" "$nd device_denied events while VTL1 owns dma0, want 16 (8 register reads, then 6 writes and 2 reads of a copy)"
elif [ "$(count '"kind":"device_denied"' "$TR")" != "$nd" ]; then bad "vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it" "device_denied events outside the time VTL1 owns dma0"
elif ! grep -E -- "$DENIED_RE" "$owned" | grep -q '"access":"write"'; then bad "vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it" "no refused write"
elif ! grep -qF "vtl0: attacker:   8 of 8 registers read all ones; after the command: status ffffffff (all ones: no device answered), buffer B unchanged" "$OUT"; then bad "vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it" "console: VTL0 did not see all ones and an unchanged buffer"
elif ! grep -qF "[VTL1] sk: dma0's registers are as VTL1 left them: nothing VTL0 wrote got through" "$OUT"; then bad "vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it" "VTL1 did not find its registers unchanged"
else ok "vtl0_accesses_to_dma0_are_refused_while_vtl1_owns_it"; fi

after=$T/after.jsonl
sed -n "$((back + 1)),\$p" "$TR" >"$after"
if ! grep -qE -- "$(dma 0 "$IOVA_A" "$IOVA_B" 4096 1 4096)" "$after"; then bad "vtl0_uses_dma0_again_after_vtl1_gives_it_back" "no VTL0 copy done after the give-back"
elif ! grep -qF "vtl0: asked VTL1 to give dma0 back: status 0; its registers answer again (source 00000000" "$OUT"; then bad "vtl0_uses_dma0_again_after_vtl1_gives_it_back" "console: VTL1 did not give dma0 back wiped"
else ok "vtl0_uses_dma0_again_after_vtl1_gives_it_back"; fi

# --- the single-VTL kernel: the driver on its own -------------------------------------
OUT=$T/single.out TR=$T/single.jsonl
timeout 60 "$VTLEMU" run --quiet --trace "$TR" "$KERNEL" >"$OUT" 2>"$T/single.err" </dev/null
st=$?
if [ $st != 0 ]; then bad "single_vtl_kernel_runs_its_dma_self_test_and_exits_0" "exit $st: $(sed -n 1p "$T/single.err")"
elif ! grep -qxF "vtl0: dma: self-test passed" "$OUT"; then bad "single_vtl_kernel_runs_its_dma_self_test_and_exits_0" "no 'self-test passed' line"
elif ! grep -qF "vtl0: user exited with 0" "$OUT"; then bad "single_vtl_kernel_runs_its_dma_self_test_and_exits_0" "the user program did not run to its end"
else ok "single_vtl_kernel_runs_its_dma_self_test_and_exits_0"; fi

if [ "$(count "$(dma 0 '0x[0-9a-f]+' '0x[0-9a-f]+' 4096 1 4096)" "$TR")" != 2 ]; then bad "single_vtl_dma_copies_by_gpa_and_by_iova" "want 2 done copies (by GPA, through the remapping)"
elif ! grep -qE -- "$(dma 0 "$IOVA_A" "$IOVA_B" 4096 1 4096)" "$TR"; then bad "single_vtl_dma_copies_by_gpa_and_by_iova" "no copy through the remapping"
else ok "single_vtl_dma_copies_by_gpa_and_by_iova"; fi

blocked "single_vtl_unmapped_iova_is_a_vt_d_fault" \
  "reason 0x5 (no_write_permission), source 00:03.0, write of page 0000000100003000" \
  "$(dma 0 "$IOVA_A" "$IOVA_UNMAPPED" 4096 2 0)" "$(fault "$IOVA_UNMAPPED" '' write no_write_permission)"

if grep -qE '"kind":"(device_denied|hypercall)"|"slat_denied"' "$TR"; then bad "single_vtl_run_has_no_vtl1_dma_events" "$(grep -m1 -E '"kind":"(device_denied|hypercall)"|"slat_denied"' "$TR")"
else ok "single_vtl_run_has_no_vtl1_dma_events"; fi

[ "$fails" = 0 ]
