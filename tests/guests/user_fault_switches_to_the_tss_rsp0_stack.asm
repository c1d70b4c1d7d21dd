; A fault in ring 3 (#DE) is delivered on the TSS RSP0 stack: handler RSP = RSP0 - 40,
; the frame holds the user RIP, CS, RFLAGS, RSP (unaligned on purpose) and SS, and SS
; is loaded with the null selector in ring 0.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":25,"vtl":0,"cpl":3,"rip":"0x206100","vector":0

%define VEC_0 de_handler
%include "guest.inc"
_start:
  SETUP                               ; 14
  ENTER_USER user_start               ; 20

de_handler:
  mov r8, rsp
  CHECK 1, r8, RSP0_TOP - 40, "handler RSP = TSS.RSP0 - 5 qwords"
  CHECK 2, [r8], u_site, "saved RIP is the user divide"
  CHECK 3, [r8 + 8], UCS, "saved CS is the user code selector"
  mov r12, [r8 + 16]
  btr r12, 16                         ; RF: hardware sets it in the image of a fault
  CHECK 4, r12, 0x202, "saved RFLAGS (RF ignored)"
  CHECK 5, [r8 + 24], USTACK_TOP - 24, "saved RSP is the user RSP"
  CHECK 6, [r8 + 32], UDS, "saved SS is the user stack selector"
  mov rax, ss
  CHECK 7, rax, 0, "SS in the handler is the null selector"
  mov rax, cs
  CHECK 8, rax, KCS, "CS in the handler"
  CHECK 9, r9, 0x77, "R9 untouched"
  KEXIT 0

AT UCODE
user_start:
  mov rsp, USTACK_TOP - 24            ; 21
  mov eax, 1                          ; 22
  mov ecx, 0                          ; 23
  mov r9d, 0x77                       ; 24
  jmp u_site                          ; 25
AT UCODE + 0x100
u_site:
  div ecx
  NOT_REACHED
GUEST_END
