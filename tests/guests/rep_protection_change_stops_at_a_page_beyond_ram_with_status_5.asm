; A rep HvCallModifyVtlProtectionMask from VTL1 (VTL0's pages 0x3000, 0x3001, 0x3005, then
; 0x10000 = the first page beyond 256 MiB of RAM, then 0x3007; read-only) stops at the bad
; entry: status 5 with reps completed = 3 in RAX bits 43:32. The three pages before it
; really changed (slat_change events; VTL0's write to one is intercepted and skipped,
; its read is not), the one after it did not (VTL0 writes it freely) until the call is
; reissued with rep start 4, which completes the list (status 0, 5 reps).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","target_vtl":0,"gpa":"0x3000000","pages":2,"rights_before":"RWKU","rights_after":"R---","source":"hypercall"}
; expect-event-after-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","target_vtl":0,"gpa":"0x3005000","pages":1,"rights_before":"RWKU","rights_after":"R---","source":"hypercall"}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":12,"name":"HvCallModifyVtlProtectionMask","status":5}
; expect-event-after-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x[0-9a-f]+","gva":"0x3001008","gpa":"0x3001008","access":"write","rights":"R---"}
; expect-event-after-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","target_vtl":0,"gpa":"0x3007000","pages":1,"rights_before":"RWKU","rights_after":"R---","source":"hypercall"}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":12,"name":"HvCallModifyVtlProtectionMask","status":0}
; expect-event-after-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x[0-9a-f]+","gva":"0x3007010","gpa":"0x3007010","access":"write","rights":"R---"}
; expect-event-count-re: 4 "kind":"slat_change".*"source":"hypercall"
; expect-event-count: 2 "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov rdi, V0_IN
  mov qword [rdi], -1
  mov dword [rdi + 8], MAP_R
  mov dword [rdi + 12], 0
  mov qword [rdi + 16], 0x3000
  mov qword [rdi + 24], 0x3001
  mov qword [rdi + 32], 0x3005
  mov qword [rdi + 40], 0x10000       ; GPA 0x10000000: RAM is 256 MiB
  mov qword [rdi + 48], 0x3007
  mov rax, HVC_MODIFY_VTL_PROTECTION_MASK | HV_REPS(5)
  SCALL SVC_RAW_HYPERCALL, rax, V0_IN
  mov rbx, HV_INVALID_PARAMETER | (3 << 32)
  CHECK 1, rax, rbx, "RAX: status 5, 3 reps completed"

  mov rbx, 0x3001008
  mov qword [rbx], 0x11               ; intercepted, skipped: nothing written
  mov rcx, [rbx]                      ; reading is allowed
  CHECK 2, rcx, 0, "the write to the read-only page did not happen"
  mov rbx, 0x3007010
  mov qword [rbx], 0x77               ; not changed yet: no intercept
  CHECK 3, qword [rbx], 0x77, "the page after the bad entry is still writable"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK 4, rax, 1, "intercepts so far"

  mov rax, HVC_MODIFY_VTL_PROTECTION_MASK | HV_REPS(5) | HV_REP_START(4)
  SCALL SVC_RAW_HYPERCALL, rax, V0_IN
  mov rbx, HV_OK | (5 << 32)
  CHECK 5, rax, rbx, "RAX of the reissued call: status 0, 5 reps"
  mov rbx, 0x3007010
  mov qword [rbx], 0x88               ; intercepted, skipped now
  CHECK 6, qword [rbx], 0x77, "the write to the page made read-only at last"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK 7, rax, 2, "intercepts in all"
  KEXIT 0
GUEST_END
