; With IOPL 0, cli and sti in ring 3 raise #GP(0) with RIP on the instruction; popfq in
; ring 3 silently keeps IF (no fault).
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":21,"vtl":0,"cpl":3,"rip":"0x206100","vector":13,"error_code":0
; expect-event-after: "cpl":3,"rip":"0x206200","vector":13,"error_code":0

%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  ENTER_USER user_start               ; 20

align 8
expected_faults:
  FAULT 13, 0, u_cli, NOCR2, u_resume1
  FAULT 13, 0, u_sti, NOCR2, u_resume2
expected_faults_end:

AT UCODE
user_start:
  jmp u_cli                           ; 21
AT UCODE + 0x100
u_cli:
  cli
  NOT_REACHED
u_resume1:
  jmp u_sti
AT UCODE + 0x200
u_sti:
  sti
  NOT_REACHED
u_resume2:
  push 0x002                          ; IF=0 requested
  popfq                               ; ignored for IF at CPL3 > IOPL
  pushfq
  pop rax
  and eax, 0x200
  CHECK 1, rax, 0x200, "popfq in ring 3 leaves IF set"
  UEXIT 0
GUEST_END
