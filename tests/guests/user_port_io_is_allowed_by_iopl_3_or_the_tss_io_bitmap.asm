; Ring 3 may use ports when RFLAGS.IOPL = 3 (also cli/sti), and with IOPL 0 exactly the
; ports its TSS I/O bitmap opens (here only COM1 THR): console output is tagged CPL 3,
; while the exit port and a 16-bit access to 0x3f8-0x3f9 stay closed (#GP(0)).
;
; expect-exit: 0
; expect-stdout: iopl3\nbitmap\n
; expect-event: "kind":"console","icount":53,"vtl":0,"cpl":3,"rip":"0x206012","text":"iopl3\n"
; expect-event-after-re: "kind":"console",.*"cpl":3,.*"text":"bitmap\\n"
; expect-event-after: "cpl":3,"rip":"0x206200","vector":13,"error_code":0
; expect-event-after: "cpl":3,"rip":"0x206300","vector":13,"error_code":0

%define TSS_IOBITMAP
%define VEC_128 svc
%define VEC_128_DPL 3
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  push UDS                            ; 15
  push USTACK_TOP                     ; 16
  push 0x3202                         ; 17: IOPL 3, IF
  push UCS                            ; 18
  push user_start                     ; 19
  iretq                               ; 20

svc:                                  ; EAX=2: drop to IOPL 0
  cmp eax, 2
  jne svc_handler
  and qword [rsp + 16], ~0x3000
  iretq

align 8
expected_faults:
  FAULT 13, 0, u_exit_port, NOCR2, u_resume
  FAULT 13, 0, u_out16, NOCR2, u_resume2
expected_faults_end:

AT UCODE
user_start:
  cli                                 ; 21
  sti                                 ; 22
  lea rsi, [rel msg1]                 ; 23
  mov dx, COM1                        ; 24
.next:                                ; 5 per character: '\n' (the 6th) out is 24+25+4 = 53
  lodsb
  test al, al
  jz .done
  out dx, al
  jmp .next
.done:
  mov eax, 2
  int 0x80
  lea rsi, [rel msg2]
.next2:
  lodsb
  test al, al
  jz .done2
  out dx, al
  jmp .next2
.done2:
  mov al, 9
  jmp u_exit_port
AT UCODE + 0x200
u_exit_port:
  out EXIT_PORT, al
  NOT_REACHED
u_resume:
  mov dx, COM1
  mov ax, 0x4141
  jmp u_out16
AT UCODE + 0x300
u_out16:
  out dx, ax                          ; ports 0x3f8 and 0x3f9: 0x3f9 is closed
  NOT_REACHED
u_resume2:
  UEXIT 0
msg1: db "iopl3", 10, 0
msg2: db "bitmap", 10, 0
GUEST_END
