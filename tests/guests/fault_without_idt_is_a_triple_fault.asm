; No IDT (the loader loads none): the first fault cannot be delivered, nor can #GP/#DF,
; so the machine triple-faults: exit 65, reason triple_fault, a line on stderr.
;
; expect-exit: 65
; expect-stdout:
; expect-stderr: triple fault
; expect-event: "kind":"exit","icount":1,"vtl":0,"cpl":0,"rip":"0x203005"
; expect-event-re: "kind":"exit",.*"reason":"triple_fault"

%include "guest.inc"
_start:
  mov eax, 1                          ; 1
  ud2                                 ; #UD with no IDT
  mov al, 2
  out EXIT_PORT, al
  hlt
GUEST_END
