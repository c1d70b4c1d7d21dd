; VTL0 calling HvCallModifyVtlProtectionMask is refused with status 6 (access denied),
; whatever VTL it names as the target: only a higher VTL may change a VTL's rights. No
; rights change (the only slat_change is the secure kernel protecting itself).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":12,"name":"HvCallModifyVtlProtectionMask","status":6}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":12,"name":"HvCallModifyVtlProtectionMask","status":6}
; expect-event-count-re: 1 "kind":"slat_change".*"source":"hypercall"
; expect-no-event: "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov rdi, V0_IN                      ; {partition self, flags R, target VTL0}, page 0x3000
  mov qword [rdi], -1
  mov dword [rdi + 8], MAP_R
  mov dword [rdi + 12], 0
  mov qword [rdi + 16], 0x3000
  mov rcx, HVC_MODIFY_VTL_PROTECTION_MASK | HV_REPS(1)
  mov rdx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(0)                 ; target VTL0 (its own)
  CHECK 1, rax, HV_ACCESS_DENIED, "RAX of ModifyVtlProtectionMask(VTL0) from VTL0"
  mov byte [abs V0_IN + 12], 1        ; target VTL1
  mov rcx, HVC_MODIFY_VTL_PROTECTION_MASK | HV_REPS(1)
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_ACCESS_DENIED, "RAX of ModifyVtlProtectionMask(VTL1) from VTL0"
  mov rax, [abs 0x3000]               ; the page kept its rights: no intercept
  KEXIT 0

VMCALL_SITES 2
GUEST_END
