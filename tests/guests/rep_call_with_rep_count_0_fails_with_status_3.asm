; A rep call must do at least one rep: ModifyVtlProtectionMask from VTL1 with rep count 0,
; or with rep start 2 of 2, fails with 3 (invalid input) and changes no rights;
; GetVpRegisters from VTL0 with rep count 0 fails with 3; a call that is not a rep call
; (EnablePartitionVtl) with a rep count fails with 3 too.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":12,"name":"HvCallModifyVtlProtectionMask","status":3}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":12,"name":"HvCallModifyVtlProtectionMask","status":3}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":80,"name":"HvCallGetVpRegisters","status":3}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":13,"name":"HvCallEnablePartitionVtl","status":3}
; expect-event-count-re: 1 "kind":"slat_change".*"source":"hypercall"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov qword [abs V0_IN], -1           ; partition self, flags 0, target VTL0, 0x3000, 0x3001
  mov qword [abs V0_IN + 8], 0
  mov qword [abs V0_IN + 16], 0x3000
  mov qword [abs V0_IN + 24], 0x3001
  SCALL SVC_RAW_HYPERCALL, HVC_MODIFY_VTL_PROTECTION_MASK, V0_IN
  CHECK 1, rax, HV_INVALID_INPUT, "ModifyVtlProtectionMask with rep count 0 (RAX, 0 reps done)"
  mov rax, HVC_MODIFY_VTL_PROTECTION_MASK | HV_REPS(2) | HV_REP_START(2)
  SCALL SVC_RAW_HYPERCALL, rax, V0_IN
  CHECK 2, rax, HV_INVALID_INPUT, "ModifyVtlProtectionMask with rep start 2 of 2 (RAX, 0 reps done)"
  mov rax, [abs 0x3000]               ; still VTL0's: no intercept
  mov rax, [abs 0x3001000]

  mov qword [abs V0_IN], -1           ; GetVpRegisters(own RIP), rep count 0
  mov dword [abs V0_IN + 8], HV_VP_SELF
  mov dword [abs V0_IN + 12], 0
  mov dword [abs V0_IN + 16], HV_REG_RIP
  mov ecx, HVC_GET_VP_REGISTERS
  mov edx, V0_IN
  mov r8d, V0_OUT
  call VMCALL_SITE(0)
  CHECK 3, rax, HV_INVALID_INPUT, "GetVpRegisters with rep count 0"

  mov qword [abs V0_IN], -1
  mov qword [abs V0_IN + 8], 1
  mov rcx, HVC_ENABLE_PARTITION_VTL | HV_REPS(1)
  mov edx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(1)
  CHECK 4, rax, HV_INVALID_INPUT, "EnablePartitionVtl with rep count 1"
  KEXIT 0

VMCALL_SITES 2
GUEST_END
