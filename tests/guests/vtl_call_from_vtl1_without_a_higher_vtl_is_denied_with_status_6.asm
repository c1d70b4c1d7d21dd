; HvCallVtlCall from VTL1, with no VTL above it, is denied with 6 in RAX and switches
; nothing: VTL1 goes on serving the secure call it was in (the only vtl_call is VTL0's).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"vtl_call","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":17,"name":"HvCallVtlCall","status":6}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x20[0-9a-f]+","from_vtl":1,"to_vtl":0}
; expect-event-count: 1 "kind":"vtl_call"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  SCALL SVC_RAW_HYPERCALL, HVC_VTL_CALL, V0_IN
  CHECK 1, rax, HV_ACCESS_DENIED, "VtlCall from VTL1"
  KEXIT 0
GUEST_END
