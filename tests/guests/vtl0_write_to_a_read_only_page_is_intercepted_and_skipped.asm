; VTL0 writes GVA 0x405ff0 (GPA 0x3000ff0, its own page tables), a page VTL1 made
; read-only: reading it is allowed (no event), the 7-byte store `mov dword [rbx+0x10],
; 0x12345678` does not complete: slat_violation (write, rights R---) and intercept with
; the exact GVA and GPA of the store's target, VTL1 skips it (RIP + 7), the bytes are
; unchanged.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x405ff0","gpa":"0x3000ff0","access":"write","rights":"R---"}
; expect-event-after-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x405ff0","gpa":"0x3000ff0","access":"write"}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205007","from_vtl":1,"to_vtl":0}
; expect-event-count: 1 "kind":"slat_violation"
; expect-event-count: 1 "kind":"intercept"

%define PTE_TEST_5 (0x3000000 | PG_P | PG_W)
%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov rax, 0xaabbccdd11223344
  mov [abs 0x3000ff0], rax
  SCALL SVC_PROTECT, 0x3000000, MAP_R, 1
  mov rbx, HV_OK | HV_REPS(1)
  CHECK 1, rax, rbx, "SVC_PROTECT: ModifyVtlProtectionMask result"
  mov rbx, 0x405fe0
  mov rax, [rbx + 0x10]               ; reading is allowed
  mov rcx, 0xaabbccdd11223344
  CHECK 2, rax, rcx, "VTL0 reads the read-only page"
  jmp SITE
after:
  mov rax, [rbx + 0x10]
  mov rcx, 0xaabbccdd11223344
  CHECK 3, rax, rcx, "the skipped store changed nothing"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK_ILOG 10, 1, SITE, 7, ACCESS_WRITE, 0x405ff0, 0x3000ff0
  KEXIT 0

AT SITE
  mov dword [rbx + 0x10], 0x12345678  ; c7 43 10 78 56 34 12
  jmp after
GUEST_END
