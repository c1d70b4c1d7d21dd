; HvCallVtlReturn from VTL0, which no VTL below entered, is denied with 6 in RAX and
; switches nothing: VTL0 goes on after its vmcall (the only vtl_return is the secure
; kernel's at boot), with the fast bit set as well.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":18,"name":"HvCallVtlReturn","status":6}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":18,"name":"HvCallVtlReturn","status":6}
; expect-event-count: 1 "kind":"vtl_return"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov ecx, HVC_VTL_RETURN
  call VMCALL_SITE(0)
  CHECK 1, rax, HV_ACCESS_DENIED, "VtlReturn from VTL0"
  mov ecx, HVC_VTL_RETURN | HV_FAST
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_ACCESS_DENIED, "fast VtlReturn from VTL0"
  KEXIT 0

VMCALL_SITES 2
GUEST_END
