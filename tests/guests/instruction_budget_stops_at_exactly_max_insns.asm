; --max-insns 1000 stops an endless loop after exactly 1000 instructions: exit 66, an
; exit event with reason budget, icount 1000 and RIP on the next instruction to run.
;
; args: --max-insns 1000
; expect-exit: 66
; expect-stdout:
; expect-event: "kind":"exit","icount":1000,"vtl":0,"cpl":0,"rip":"0x203007"
; expect-event-re: "kind":"exit",.*"reason":"budget"

%include "guest.inc"
_start:
  mov eax, 0                          ; 1
.loop:
  inc eax                             ; 2, 4, ..., 1000
  jmp .loop                           ; 3, 5, ..., 999: the 1001st would be this jmp
GUEST_END
