; ud2, opcodes that are invalid in 64-bit mode (push es, aaa) and mov to CS raise #UD
; (vector 6, no error code) with RIP on the instruction.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":15,"vtl":0,"cpl":0,"rip":"0x205000","vector":6
; expect-event-after: "cpl":0,"rip":"0x205100","vector":6
; expect-event-after: "cpl":0,"rip":"0x205200","vector":6
; expect-event-after: "cpl":0,"rip":"0x205300","vector":6
; expect-no-event: "vector":6,"error_code"

%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  jmp ud_site1                        ; 15
done:
  KEXIT 0

align 8
expected_faults:
  FAULT 6, 0, ud_site1, NOCR2, resume1
  FAULT 6, 0, ud_site2, NOCR2, resume2
  FAULT 6, 0, ud_site3, NOCR2, resume3
  FAULT 6, 0, ud_site4, NOCR2, done
expected_faults_end:

AT SITE
ud_site1:
  ud2
  NOT_REACHED
resume1:
  jmp ud_site2
AT SITE + 0x100
ud_site2:
  db 0x06                             ; push es: invalid in 64-bit mode
  NOT_REACHED
resume2:
  jmp ud_site3
AT SITE + 0x200
ud_site3:
  db 0x37                             ; aaa: invalid in 64-bit mode
  NOT_REACHED
resume3:
  jmp ud_site4
AT SITE + 0x300
ud_site4:
  db 0x8e, 0xc8                       ; mov cs, ax
  NOT_REACHED
GUEST_END
