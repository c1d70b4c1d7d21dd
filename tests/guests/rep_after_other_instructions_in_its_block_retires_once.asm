; A rep string instruction at the end of a block of other instructions retires once,
; however many iterations it makes: the block counts it, and the iterations that run
; as blocks of their own (Unicorn re-enters the instruction for each one) do not.
; 23 instructions to KEXIT, 17 more on guest.inc's exit path: 40 (stepping one
; instruction at a time retires the same 40; counting the rep twice gave 42).
;
; expect-exit: 0
; expect-stdout:
; expect-event-re: "kind":"exit","icount":40,"vtl":0,"cpl":0,"rip":"0x[0-9a-f]+","code":0,"reason":"guest"

%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rdi, 0x400000                   ; 15
  mov ecx, 100                        ; 16
  xor eax, eax                        ; 17
  rep stosb                           ; 18: 100 iterations, one instruction
  mov rdi, 0x400000                   ; 19
  mov ecx, 7                          ; 20
  cld                                 ; 21
  rep stosq                           ; 22
  KEXIT 0                             ; 23-
GUEST_END
