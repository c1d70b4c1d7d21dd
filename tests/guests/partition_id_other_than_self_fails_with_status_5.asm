; A partition id other than HV_PARTITION_ID_SELF (~0) fails with 5 (invalid parameter):
; ModifyVtlProtectionMask from VTL1 (changing no rights: the only hypercall slat_change
; is the secure kernel's own), GetVpRegisters from VTL1, EnablePartitionVtl from VTL0
; (5, not 0x86: the id is checked first).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":12,"name":"HvCallModifyVtlProtectionMask","status":5}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":80,"name":"HvCallGetVpRegisters","status":5}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":13,"name":"HvCallEnablePartitionVtl","status":5}
; expect-event-count-re: 1 "kind":"slat_change".*"source":"hypercall"
; expect-no-event: "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov qword [abs V0_IN], 0            ; partition 0, flags 0, target VTL0, page 0x3000
  mov qword [abs V0_IN + 8], 0
  mov qword [abs V0_IN + 16], 0x3000
  SCALL SVC_RAW_HYPERCALL, HVC_MODIFY_VTL_PROTECTION_MASK | HV_REPS(1), V0_IN
  CHECK 1, rax, HV_INVALID_PARAMETER, "ModifyVtlProtectionMask, partition 0"
  mov rax, [abs 0x3000]               ; still VTL0's: no intercept

  mov qword [abs V0_IN], 1            ; partition 1, VP self, VTL0's RIP
  mov dword [abs V0_IN + 8], HV_VP_SELF
  mov dword [abs V0_IN + 12], HV_INPUT_VTL0
  mov dword [abs V0_IN + 16], HV_REG_RIP
  SCALL SVC_RAW_HYPERCALL, HVC_GET_VP_REGISTERS | HV_REPS(1), V0_IN
  CHECK 2, rax, HV_INVALID_PARAMETER, "GetVpRegisters, partition 1"

  mov qword [abs V0_IN], 0x1234       ; EnablePartitionVtl(1) of partition 0x1234
  mov qword [abs V0_IN + 8], 1
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(0)
  CHECK 3, rax, HV_INVALID_PARAMETER, "EnablePartitionVtl, partition 0x1234"
  KEXIT 0

VMCALL_SITES 1
GUEST_END
