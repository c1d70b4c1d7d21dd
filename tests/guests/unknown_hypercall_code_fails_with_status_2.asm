; A call code the hypervisor does not know fails with 2 (invalid hypercall code), from
; VTL0 and from VTL1, and is a hypercall event named "unknown". 0x0001 (a TLFS call
; vtlemu does not implement) and 0x0099 (none at all).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":153,"name":"unknown","status":2}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":1,"name":"unknown","status":2}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":153,"name":"unknown","status":2}

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov ecx, 0x0099
  mov edx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(0)
  CHECK 1, rax, HV_INVALID_CODE, "call code 0x99 from VTL0"
  mov ecx, 0x0001
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_INVALID_CODE, "call code 0x1 from VTL0"
  SCALL SVC_RAW_HYPERCALL, 0x0099, V0_IN
  CHECK 3, rax, HV_INVALID_CODE, "call code 0x99 from VTL1"
  KEXIT 0

VMCALL_SITES 2
GUEST_END
