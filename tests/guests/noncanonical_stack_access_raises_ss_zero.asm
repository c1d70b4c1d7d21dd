; A non-canonical address formed with RSP or RBP as base register uses SS: #SS(0), not
; #GP. The stack itself stays canonical, so delivery works.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":16,"vtl":0,"cpl":0,"rip":"0x205000","vector":12,"error_code":0
; expect-event-after: "cpl":0,"rip":"0x205100","vector":12,"error_code":0
; expect-no-event: "vector":13

%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rbp, 0x0000800000000010         ; 15
  jmp ss_site1                        ; 16
done:
  KEXIT 0

align 8
expected_faults:
  FAULT 12, 0, ss_site1, NOCR2, resume1
  FAULT 12, 0, ss_site2, NOCR2, done
expected_faults_end:

AT SITE
ss_site1:
  mov rax, [rbp - 0x10]
  NOT_REACHED
resume1:
  mov rbx, 0x7fff000000000000
  jmp ss_site2
AT SITE + 0x100
ss_site2:
  mov rax, [rsp + rbx]
  NOT_REACHED
GUEST_END
