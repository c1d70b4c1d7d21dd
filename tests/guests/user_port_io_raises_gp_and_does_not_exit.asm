; With IOPL 0 and no I/O bitmap, ring 3 cannot use ports: out to the exit port and to
; COM1 and in from COM1 LSR raise #GP(0); nothing is printed and the run does not end
; with the value the user code wrote.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":23,"vtl":0,"cpl":3,"rip":"0x206100","vector":13,"error_code":0
; expect-event-after: "cpl":3,"rip":"0x206200","vector":13,"error_code":0
; expect-event-after: "cpl":3,"rip":"0x206300","vector":13,"error_code":0
; expect-no-event: "kind":"console"

%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  ENTER_USER user_start               ; 20

align 8
expected_faults:
  FAULT 13, 0, u_out_exit, NOCR2, u_resume1
  FAULT 13, 0, u_out_com1, NOCR2, u_resume2
  FAULT 13, 0, u_in_lsr, NOCR2, u_resume3
expected_faults_end:

AT UCODE
user_start:
  mov al, 5                           ; 21
  mov dx, COM1                        ; 22
  jmp u_out_exit                      ; 23
AT UCODE + 0x100
u_out_exit:
  out EXIT_PORT, al
  NOT_REACHED
u_resume1:
  jmp u_out_com1
AT UCODE + 0x200
u_out_com1:
  out dx, al
  NOT_REACHED
u_resume2:
  mov dx, COM1_LSR
  mov al, 0x11
  jmp u_in_lsr
AT UCODE + 0x300
u_in_lsr:
  in al, dx
  NOT_REACHED
u_resume3:
  movzx eax, al
  CHECK 1, rax, 0x11, "AL unchanged by the faulting in"
  UEXIT 0
GUEST_END
