; With a secure kernel running, VTL1 is enabled already: HvCallEnablePartitionVtl and
; HvCallEnableVpVtl for VTL1 return 0x86 (VTL already enabled), from VTL0 and from VTL1
; itself, and enable nothing (the only vtl_enable event is the boot's).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":13,"name":"HvCallEnablePartitionVtl","status":134}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":15,"name":"HvCallEnableVpVtl","status":134}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":13,"name":"HvCallEnablePartitionVtl","status":134}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001900","code":15,"name":"HvCallEnableVpVtl","status":134}
; expect-event-count: 1 "kind":"vtl_enable"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  call fill_partition
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(0)
  CHECK 1, rax, HV_VTL_ALREADY_ENABLED, "EnablePartitionVtl(1) from VTL0"
  call fill_vp
  mov ecx, HVC_ENABLE_VP_VTL
  mov edx, V0_IN
  xor r8d, r8d
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_VTL_ALREADY_ENABLED, "EnableVpVtl(1) from VTL0"

  call fill_partition
  SCALL SVC_RAW_HYPERCALL, HVC_ENABLE_PARTITION_VTL, V0_IN
  CHECK 3, rax, HV_VTL_ALREADY_ENABLED, "EnablePartitionVtl(1) from VTL1"
  call fill_vp
  SCALL SVC_RAW_HYPERCALL, HVC_ENABLE_VP_VTL, V0_IN
  CHECK 4, rax, HV_VTL_ALREADY_ENABLED, "EnableVpVtl(1) from VTL1"
  KEXIT 0

fill_partition:
  mov qword [abs V0_IN], -1
  mov qword [abs V0_IN + 8], 1        ; target VTL1, flags 0
  ret

fill_vp:                              ; a valid 64-bit context (it must not matter)
  mov rdi, V0_IN
  xor eax, eax
  mov ecx, 256 / 8
  rep stosq
  mov qword [abs V0_IN], -1
  mov dword [abs V0_IN + 8], HV_VP_SELF
  mov byte [abs V0_IN + 12], 1
  mov qword [abs V0_IN + 16], SITE
  mov word [abs V0_IN + 16 + 0x18 + 12], KCS
  mov word [abs V0_IN + 16 + 0x18 + 14], 0xa09b
  mov eax, 0x80010033
  mov qword [abs V0_IN + 16 + 0xc0], rax
  mov qword [abs V0_IN + 16 + 0xc8], PML4
  ret

VMCALL_SITES 2
GUEST_END
