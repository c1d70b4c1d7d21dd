; Hypercall input and output go through the caller's SLAT view: an input page VTL0 cannot
; read (the secure kernel's image, protected with flags 0) fails with 3 (invalid input),
; also when only the input's second half lies there; an output page VTL0 cannot write
; fails with 3 too. The hypervisor's reads are no access by VTL0: no violation, no
; intercept. The same input where VTL0 can read it gets as far as 0x86.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":13,"name":"HvCallEnablePartitionVtl","status":3}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":13,"name":"HvCallEnablePartitionVtl","status":3}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205020","code":80,"name":"HvCallGetVpRegisters","status":3}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205030","code":13,"name":"HvCallEnablePartitionVtl","status":134}
; expect-no-event: "kind":"slat_violation"
; expect-no-event: "kind":"intercept"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, SK_BASE                    ; no-access for VTL0
  xor r8d, r8d
  call VMCALL_SITE(0)
  CHECK 1, rax, HV_INVALID_INPUT, "EnablePartitionVtl, input in a page VTL0 cannot read"

  mov qword [abs SK_BASE - 8], -1     ; partition id in VTL0's page, the rest in VTL1's
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, SK_BASE - 8
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_INVALID_INPUT, "EnablePartitionVtl, input crossing into a page VTL0 cannot read"

  mov qword [abs V0_IN], -1           ; GetVpRegisters(own RIP) into VTL1's page
  mov dword [abs V0_IN + 8], HV_VP_SELF
  mov dword [abs V0_IN + 12], 0
  mov dword [abs V0_IN + 16], HV_REG_RIP
  mov rcx, HVC_GET_VP_REGISTERS | HV_REPS(1)
  mov edx, V0_IN
  mov r8d, SK_BASE
  call VMCALL_SITE(2)
  CHECK 3, rax, HV_INVALID_INPUT, "GetVpRegisters, output in a page VTL0 cannot write"

  mov qword [abs V0_IN], -1
  mov qword [abs V0_IN + 8], 1
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(3)
  CHECK 4, rax, HV_VTL_ALREADY_ENABLED, "EnablePartitionVtl, the same input readable"
  KEXIT 0

VMCALL_SITES 4
GUEST_END
