; The loader's entry state is enough to print on COM1 (LSR reads 0x60, THR bytes reach
; stdout) and to end the run through port 0xF4 with exit code 7. No SETUP: this guest
; uses only what the boot protocol gives.
;
; expect-exit: 7
; expect-stdout: hello from vtlemu\n
; expect-event: "kind":"boot","icount":0,"vtl":0,"cpl":0,"rip":"0x203000"
; expect-event: "kind":"console","icount":95,"vtl":0,"cpl":0,"rip":"0x203019","text":"hello from vtlemu\n"
; expect-event-after: "kind":"exit","icount":101,"vtl":0,"cpl":0,"rip":"0x20301e","code":7,"reason":"guest"

%include "guest.inc"
_start:
  mov dx, COM1_LSR                    ; 1
  in al, dx                           ; 2
  cmp al, 0x60                        ; 3
  jne .bad_lsr                        ; 4
  lea rsi, [rel msg]                  ; 5
  mov dx, COM1                        ; 6
.next:                                ; 5 instructions per character
  lodsb
  test al, al
  jz .done
  out dx, al                          ; the 18th character ('\n') is instruction 95
  jmp .next
.done:
  mov al, 7                           ; 100
  out EXIT_PORT, al                   ; 101
  hlt
.bad_lsr:
  mov al, 3
  out EXIT_PORT, al
  hlt
msg: db "hello from vtlemu", 10, 0
GUEST_END
