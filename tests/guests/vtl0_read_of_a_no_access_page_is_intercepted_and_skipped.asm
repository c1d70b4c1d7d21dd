; VTL0 reads GVA 0x405678, mapped by its own page tables to GPA 0x3000678, a page VTL1
; made no-access (flags 0). The load does not complete: slat_violation (RIP on the load,
; exact GVA and GPA, read, rights ----), then intercept into VTL1, which finds entry
; reason 3 and the GPA-intercept message (read, RIP, GVA, GPA, length 3 and the bytes
; 48 8b 03, CPL0, CS 0x08, VTL0's RFLAGS) at VP assist +0x70 and skips the instruction with
; SetVpRegisters(RIP + 3). VTL0 goes on after the load with RAX unchanged; shared
; registers are VTL0's own again.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","target_vtl":0,"gpa":"0x3000000","pages":1,"rights_before":"RWKU","rights_after":"----","source":"hypercall"}
; expect-event-after-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x405678","gpa":"0x3000678","access":"read","rights":"----"}
; expect-event-after-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x405678","gpa":"0x3000678","access":"read"}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","code":81,"name":"HvCallSetVpRegisters","status":0}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205003","from_vtl":1,"to_vtl":0}
; expect-event-count: 1 "kind":"slat_violation"
; expect-event-count: 1 "kind":"intercept"

%define PTE_TEST_5 (0x3000000 | PG_P | PG_W)
%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov qword [abs 0x3000678], 0x5ec1
  SCALL SVC_PROTECT, 0x3000000, 0, 1
  mov rbx, HV_OK | HV_REPS(1)
  CHECK 1, rax, rbx, "SVC_PROTECT: ModifyVtlProtectionMask result"
  mov rbx, 0x405678
  mov rax, 0x1111
  mov r12, 0x1212
  push 0x0d7                          ; CF PF AF ZF SF
  popfq
  jmp SITE
after:
  pushfq
  pop r13
  CHECK 2, rax, 0x1111, "RAX after the skipped load"
  CHECK 3, r12, 0x1212, "R12 (shared) after the intercept"
  CHECK 4, r13, 0x0d7, "RFLAGS after the intercept"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK_ILOG 10, 1, SITE, 3, ACCESS_READ, 0x405678, 0x3000678
  CHECK 24, [abs V0_BUF + ILOG_VTL0_RAX], 0x1111, "VTL1 saw VTL0's RAX at the intercept"
  CHECK 25, [abs V0_BUF + ILOG_MSG + MSG_RFLAGS], 0x0d7, "message: RFLAGS"
  KEXIT 0

AT SITE
  mov rax, [rbx]                      ; 48 8b 03
  jmp after
GUEST_END
