; Hypercall input and output GPAs must be 8-byte aligned: EnablePartitionVtl with its
; input at +4 fails with 4 (invalid alignment) before the input is looked at, while the
; same input at an 8-byte (not 16-byte) boundary gets as far as 0x86; GetVpRegisters with
; its output at +4 fails with 4, at +8 it succeeds.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":13,"name":"HvCallEnablePartitionVtl","status":4}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":13,"name":"HvCallEnablePartitionVtl","status":134}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205020","code":80,"name":"HvCallGetVpRegisters","status":4}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205030","code":80,"name":"HvCallGetVpRegisters","status":0}

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov qword [abs V0_IN + 4], -1       ; EnablePartitionVtl input at V0_IN + 4
  mov qword [abs V0_IN + 12], 1
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, V0_IN + 4
  xor r8d, r8d
  call VMCALL_SITE(0)
  CHECK 1, rax, HV_INVALID_ALIGNMENT, "EnablePartitionVtl, input GPA 4 bytes off"
  mov qword [abs V0_IN + 8], -1       ; the same at V0_IN + 8
  mov qword [abs V0_IN + 16], 1
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, V0_IN + 8
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_VTL_ALREADY_ENABLED, "EnablePartitionVtl, input GPA 8-byte aligned"

  mov qword [abs V0_IN], -1           ; GetVpRegisters: own VTL, RIP
  mov dword [abs V0_IN + 8], HV_VP_SELF
  mov dword [abs V0_IN + 12], 0
  mov dword [abs V0_IN + 16], HV_REG_RIP
  mov rcx, HVC_GET_VP_REGISTERS | HV_REPS(1)
  mov edx, V0_IN
  mov r8d, V0_OUT + 4
  call VMCALL_SITE(2)
  CHECK 3, rax, HV_INVALID_ALIGNMENT, "GetVpRegisters, output GPA 4 bytes off"
  mov rcx, HVC_GET_VP_REGISTERS | HV_REPS(1)
  mov r8d, V0_OUT + 8
  call VMCALL_SITE(3)
  CHECK 4, rax, HV_OK | HV_REPS(1), "GetVpRegisters, output GPA 8-byte aligned (1 rep done)"
  KEXIT 0

VMCALL_SITES 4
GUEST_END
