; Software interrupts are traps: int3 (cc), int 3 (cd 03) and int 0x80 push the RIP of
; the next instruction. Through DPL-3 trap gates they work from ring 3 (stack switch to
; RSP0, IF kept), iretq returns to ring 3, and a register set by the handler reaches the
; user code. Event convention for traps (as vtlemu does it; unlike the syscall event,
; whose rip is the syscall itself): rip = the next instruction (the pushed RIP), icount
; includes the trapping instruction.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":18,"vtl":0,"cpl":0,"rip":"0x205001","vector":3
; expect-event-after: "cpl":3,"rip":"0x206001","vector":3
; expect-event-after: "cpl":3,"rip":"0x206003","vector":3
; expect-event-after: "cpl":3,"rip":"0x20600f","vector":128
; expect-no-event: "error_code"

%define VEC_3 bp_handler
%define VEC_3_DPL 3
%define VEC_3_TRAP
%define VEC_128 int80_handler
%define VEC_128_DPL 3
%define VEC_128_TRAP
%include "guest.inc"
_start:
  SETUP                               ; 14
  push 0x202                          ; 15
  popfq                               ; 16: IF=1: a trap gate must keep it
  jmp bp_site                         ; 17
bp_back:
  CHECK 1, [var0], 1, "int3 handler ran once"
  ENTER_USER user_start

bp_handler:
  mov r8, rsp
  pushfq
  pop r9
  mov rbx, [var0]
  inc qword [var0]
  cmp rbx, 3
  jb .known
  CHECK 3, rbx, 2, "number of int3 traps"
.known:
  lea r12, [rel bp_rips]
  mov r13, [r12 + rbx * 8]
  CHECK 4, [r8], r13, "int3 saved RIP is the next instruction"
  lea r12, [rel bp_cs]
  mov r13, [r12 + rbx * 8]
  CHECK 5, [r8 + 8], r13, "int3 saved CS"
  CHECK 6, [r8 + 16], 0x202, "int3 saved RFLAGS"
  lea r12, [rel bp_rsp]
  mov r13, [r12 + rbx * 8]
  CHECK 7, [r8 + 24], r13, "int3 saved RSP"
  and r9d, 0x200
  CHECK 8, r9, 0x200, "IF still set in a trap-gate handler"
  iretq

align 8
bp_rips: dq bp_after, u_bp_after, u_bp2_after
bp_cs:   dq KCS, UCS, UCS
bp_rsp:  dq BOOT_STACK_TOP, USTACK_TOP, USTACK_TOP

int80_handler:
  cmp eax, 60
  je svc_handler
  mov r8, rsp
  pushfq
  pop r9
  CHECK 10, rax, 1, "RAX at int 0x80"
  CHECK 11, [r8], u_int80_after, "int 0x80 saved RIP is the next instruction"
  CHECK 12, [r8 + 8], UCS, "int 0x80 saved CS"
  CHECK 13, [r8 + 24], USTACK_TOP, "int 0x80 saved RSP"
  CHECK 14, [r8 + 32], UDS, "int 0x80 saved SS"
  CHECK 15, r8, RSP0_TOP - 40, "handler runs on the TSS RSP0 stack"
  and r9d, 0x200
  CHECK 16, r9, 0x200, "IF still set in a trap-gate handler"
  CHECK 17, [var0], 3, "both user int3 ran before int 0x80"
  mov eax, 0x55
  iretq

AT SITE
bp_site:
  int3                                ; 18
bp_after:
  jmp bp_back

AT UCODE
user_start:
  int3
u_bp_after:
  int 3
u_bp2_after:
  mov eax, 1
  mov ebx, 0x1234
  int 0x80
u_int80_after:
  CHECK 20, rax, 0x55, "value returned in RAX by the int 0x80 handler"
  CHECK 21, rbx, 0x1234, "RBX preserved across int 0x80"
  mov rax, cs
  CHECK 22, rax, UCS, "back in ring 3 (CS)"
  mov rax, ss
  CHECK 23, rax, UDS, "back in ring 3 (SS)"
  CHECK 24, rsp, USTACK_TOP, "user RSP restored"
  UEXIT 0
GUEST_END
