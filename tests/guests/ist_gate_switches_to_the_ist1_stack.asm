; A gate with IST=1 always switches to TSS.IST1, from ring 0 (no privilege change) and
; from ring 3 (instead of RSP0); the frame keeps the interrupted RSP and iretq restores it.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":16,"vtl":0,"cpl":0,"rip":"0x205000","vector":6
; expect-event-after: "cpl":3,"rip":"0x206100","vector":6

%define VEC_6 ud_handler
%define VEC_6_IST 1
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rsp, BOOT_STACK_TOP - 8         ; 15
  jmp k_site                          ; 16

ud_handler:
  mov r8, rsp
  CHECK 1, r8, IST1_TOP - 40, "handler RSP = TSS.IST1 - 5 qwords"
  inc qword [var0]
  cmp qword [var0], 1
  jne .second
  CHECK 2, [r8], k_site, "saved RIP (ring 0)"
  CHECK 3, [r8 + 24], BOOT_STACK_TOP - 8, "saved RSP (ring 0)"
  CHECK 4, [r8 + 32], KDS, "saved SS (ring 0)"
  add qword [r8], 2                   ; skip the ud2
  iretq
.second:
  CHECK 5, [r8], u_site, "saved RIP (ring 3)"
  CHECK 6, [r8 + 8], UCS, "saved CS (ring 3)"
  CHECK 7, [r8 + 24], USTACK_TOP, "saved RSP (ring 3)"
  CHECK 8, [r8 + 32], UDS, "saved SS (ring 3)"
  KEXIT 0

AT SITE
k_site:
  ud2
  mov rax, rsp
  CHECK 9, rax, BOOT_STACK_TOP - 8, "RSP restored by iretq from the IST stack"
  ENTER_USER user_start

AT UCODE
user_start:
  jmp u_site
AT UCODE + 0x100
u_site:
  ud2
  NOT_REACHED
GUEST_END
