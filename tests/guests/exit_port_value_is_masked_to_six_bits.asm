; Writing 0x47 to the debug exit port ends the run with status 0x47 & 0x3f = 7.
;
; expect-exit: 7
; expect-stdout:
; expect-event: "kind":"exit","icount":2,"vtl":0,"cpl":0,"rip":"0x203002","code":7,"reason":"guest"
; expect-no-event: "kind":"console"

%include "guest.inc"
_start:
  mov al, 0x47                        ; 1
  out EXIT_PORT, al                   ; 2: exit 7
  hlt
GUEST_END
