; `int 0x81` from ring 3 through a DPL-0 gate does not reach the handler: #GP with error
; code 0x81 * 8 + 2 (IDT bit) = 0x40a, RIP on the int instruction.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":21,"vtl":0,"cpl":3,"rip":"0x206100","vector":13,"error_code":1034
; expect-no-event: "vector":129

%define VEC_129 never_handler
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  ENTER_USER user_start               ; 20

never_handler:
  CHECK 1, 0, 1, "the DPL-0 gate was entered from ring 3"

align 8
expected_faults:
  FAULT 13, 0x81 * 8 + 2, u_site, NOCR2, u_resume
expected_faults_end:

AT UCODE
user_start:
  jmp u_site                          ; 21
AT UCODE + 0x100
u_site:
  int 0x81
  NOT_REACHED
u_resume:
  mov rax, cs
  CHECK 2, rax, UCS, "resumed in ring 3"
  UEXIT 0
GUEST_END
