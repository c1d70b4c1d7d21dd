; hlt with IF=0 can never wake up: the run ends with exit 65, reason halt, and a stderr
; line mentioning hlt.
;
; expect-exit: 65
; expect-stdout:
; expect-stderr: hlt
; expect-event: "kind":"exit","icount":2,"vtl":0,"cpl":0,"rip":"0x203001"
; expect-event-re: "kind":"exit",.*"reason":"halt"

%include "guest.inc"
_start:
  cli                                 ; 1
  hlt                                 ; 2
  mov al, 3
  out EXIT_PORT, al
GUEST_END
