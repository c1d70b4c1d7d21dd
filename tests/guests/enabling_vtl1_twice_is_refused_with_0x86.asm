; Without a secure kernel VTL0 brings VTL1 up itself: VtlCall first is denied (6, no
; higher VTL), EnableVpVtl before EnablePartitionVtl is refused (5), EnablePartitionVtl(1)
; succeeds and a second one returns 0x86 (VTL already enabled); EnableVpVtl(1) succeeds
; (a vtl_enable event) and a second one returns 0x86 too. The HV_INITIAL_VP_CONTEXT is
; honoured: a VtlCall enters VTL1 at the context's RIP with its RSP, RFLAGS and CR3, and
; its VtlReturn comes back after VTL0's vmcall; a second VtlCall resumes VTL1 after its
; own VtlReturn.
;
; qemu-skip: hypercalls need vtlemu's hypervisor
; expect-exit: 0
; expect-stdout:
; expect-event-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":17,"name":"HvCallVtlCall","status":6}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","code":15,"name":"HvCallEnableVpVtl","status":5}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205020","code":13,"name":"HvCallEnablePartitionVtl","status":0}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205030","code":13,"name":"HvCallEnablePartitionVtl","status":134}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205040","code":15,"name":"HvCallEnableVpVtl","status":0}
; expect-event-after-re: "kind":"vtl_enable","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205040","target_vtl":1}
; expect-event-after-re: "kind":"hypercall","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205050","code":15,"name":"HvCallEnableVpVtl","status":134}
; expect-event-after-re: "kind":"vtl_call","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x208000","from_vtl":0,"to_vtl":1}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205063","from_vtl":1,"to_vtl":0}
; expect-event-count: 1 "kind":"vtl_enable"
; expect-event-count: 2 "kind":"vtl_call"

%include "guest.inc"
%include "vtl.inc"

CTX equ V0_IN + 16                    ; HV_INITIAL_VP_CONTEXT in the EnableVpVtl input
VTL1_STACK_TOP equ IST2_TOP           ; (an unused stack of this image)

_start:
  SETUP
  V0_BOOT
  mov ecx, HVC_VTL_CALL
  call VMCALL_SITE(0)
  CHECK 1, rax, HV_ACCESS_DENIED, "VtlCall with no VTL above VTL0"

  call fill_enable_vp
  call VMCALL_SITE(1)
  CHECK 2, rax, HV_INVALID_PARAMETER, "EnableVpVtl(1) before EnablePartitionVtl(1)"

  call fill_enable_partition
  call VMCALL_SITE(2)
  CHECK 3, rax, HV_OK, "EnablePartitionVtl(1)"
  call fill_enable_partition
  call VMCALL_SITE(3)
  CHECK 4, rax, HV_VTL_ALREADY_ENABLED, "EnablePartitionVtl(1) again"

  call fill_enable_vp
  call VMCALL_SITE(4)
  CHECK 5, rax, HV_OK, "EnableVpVtl(1)"
  call fill_enable_vp
  call VMCALL_SITE(5)
  CHECK 6, rax, HV_VTL_ALREADY_ENABLED, "EnableVpVtl(1) again"

  CHECK 7, [var0], 0, "VTL1 has not run yet"
  mov ecx, HVC_VTL_CALL
  call VMCALL_SITE(6)                 ; VTL1 runs vtl1_entry, returns
  CHECK 8, [var0], 1, "VTL1 ran once"
  CHECK 9, [var1], VTL1_STACK_TOP, "VTL1's RSP is the context's"
  CHECK 10, [var2], 0x2c3, "VTL1's RFLAGS are the context's (CF ZF SF IF, bit 1)"
  CHECK 11, [var3], PML4, "VTL1's CR3 is the context's"
  mov ecx, HVC_VTL_CALL
  call VMCALL_SITE(6)
  CHECK 12, [var0], 2, "VTL1 resumed after its VtlReturn"
  KEXIT 0

fill_enable_partition:
  mov rdi, V0_IN
  mov qword [rdi], -1
  mov qword [rdi + 8], 1              ; target VTL1, flags 0
  mov ecx, HVC_ENABLE_PARTITION_VTL
  mov edx, V0_IN
  xor r8d, r8d
  ret

fill_enable_vp:
  mov rdi, V0_IN
  xor eax, eax
  mov ecx, 256 / 8
  rep stosq
  mov rdi, V0_IN
  mov qword [rdi], -1
  mov dword [rdi + 8], HV_VP_SELF
  mov byte [rdi + 12], 1              ; target VTL1
  mov qword [rdi + 16 + 0x00], vtl1_entry
  mov qword [rdi + 16 + 0x08], VTL1_STACK_TOP
  mov qword [rdi + 16 + 0x10], 0x2c3  ; RFLAGS
  mov word [rdi + 16 + 0x18 + 12], KCS      ; CS selector, attributes 64-bit code
  mov word [rdi + 16 + 0x18 + 14], 0xa09b
  mov dword [rdi + 16 + 0x18 + 8], -1     ; limit
  mov word [rdi + 16 + 0x28 + 12], KDS      ; DS
  mov word [rdi + 16 + 0x28 + 14], 0xc093
  mov word [rdi + 16 + 0x68 + 12], KDS      ; SS
  mov word [rdi + 16 + 0x68 + 14], 0xc093
  mov word [rdi + 16 + 0x98 + 6], 256 * 16 - 1    ; IDTR
  mov qword [rdi + 16 + 0x98 + 8], IDT_ADDR
  mov word [rdi + 16 + 0xa8 + 6], gdt_end - gdt - 1   ; GDTR
  mov qword [rdi + 16 + 0xa8 + 8], gdt
  mov qword [rdi + 16 + 0xb8], 0xd01        ; EFER
  mov eax, 0x80010033
  mov qword [rdi + 16 + 0xc0], rax          ; CR0
  mov qword [rdi + 16 + 0xc8], PML4         ; CR3
  mov qword [rdi + 16 + 0xd0], 0x620        ; CR4
  mov rax, 0x0007040600070406
  mov qword [rdi + 16 + 0xd8], rax          ; PAT
  mov ecx, HVC_ENABLE_VP_VTL
  mov edx, V0_IN
  xor r8d, r8d
  ret

VMCALL_SITES 7

AT KCODE2
vtl1_entry:                           ; VTL1, entered by the first VtlCall
  mov [abs var1], rsp
  pushfq
  pop rax
  mov [abs var2], rax
  mov rax, cr3
  mov [abs var3], rax
.again:
  inc qword [abs var0]
  mov ecx, HVC_VTL_RETURN
  vmcall
  jmp .again
GUEST_END
