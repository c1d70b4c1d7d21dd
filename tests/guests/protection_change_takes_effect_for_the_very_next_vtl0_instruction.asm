; A ModifyVtlProtectionMask made in a secure call takes effect for the very next VTL0
; instruction, even for a page VTL0 has just read and written (whatever translation VTL0
; had cached): the load right after the VtlCall that made the page no-access is
; intercepted; after the page is made read-only, the next load completes and the store
; after it is intercepted. An intercept handled by giving VTL0 the page back (policy
; grant) retries the instruction, which then completes at once: one violation only.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205003","gva":"0x3000010","gpa":"0x3000010","access":"read","rights":"----"}
; expect-event-after-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205046","gva":"0x3000010","gpa":"0x3000010","access":"write","rights":"R---"}
; expect-event-after-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205083","gva":"0x3000010","gpa":"0x3000010","access":"read","rights":"----"}
; expect-event-after-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x3000010","gpa":"0x3000010","access":"read"}
; expect-event-after-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","target_vtl":0,"gpa":"0x3000000","pages":1,"rights_before":"----","rights_after":"RWKU","source":"hypercall"}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205083","from_vtl":1,"to_vtl":0}
; expect-event-count: 3 "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
P equ 0x3000000
_start:
  SETUP
  V0_BOOT
  mov rbx, P + 0x10
  mov qword [rbx], 0xaa               ; VTL0 reads and writes the page: cached RW
  CHECK 1, [rbx], 0xaa, "VTL0's own page"
  mov edx, SVC_PROTECT                ; no-access, then load at once
  mov r8d, P
  xor r9d, r9d
  mov r10d, 1
  mov ecx, HVC_VTL_CALL
  mov r13d, 0x1111
  jmp SITE
back1:
  CHECK 2, r13, 0x1111, "the load right after the change was skipped"

  mov edx, SVC_PROTECT                ; read-only, then load and store at once
  mov r8d, P
  mov r9d, MAP_R
  mov r10d, 1
  mov ecx, HVC_VTL_CALL
  mov r12d, 0xbb
  jmp SITE + 0x40
back2:
  CHECK 3, r13, 0xaa, "the load after the change to read-only completes"
  CHECK 4, [rbx], 0xaa, "the store after it was skipped"

  SCALL SVC_POLICY, POLICY_GRANT
  mov edx, SVC_PROTECT                ; no-access again, the load retried after the grant
  mov r8d, P
  xor r9d, r9d
  mov r10d, 1
  mov ecx, HVC_VTL_CALL
  mov r13d, 0x1111
  jmp SITE + 0x80
back3:
  CHECK 5, r13, 0xaa, "the retried load completes"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK 6, rax, 3, "intercepts"
  CHECK 7, [abs V0_BUF + ILOG_NEW_RIP], SITE + 0x83, "the granted instruction was not skipped"
  KEXIT 0

AT SITE
  vmcall
  mov r13, [rbx]                      ; SITE + 3
  jmp back1
AT SITE + 0x40
  vmcall
  mov r13, [rbx]                      ; SITE + 0x43
  mov [rbx], r12                      ; SITE + 0x46
  jmp back2
AT SITE + 0x80
  vmcall
  mov r13, [rbx]                      ; SITE + 0x83
  jmp back3
GUEST_END
