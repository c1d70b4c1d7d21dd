; With EFER.NXE, fetching from a page whose PTE has XD set is #PF with the I/D bit:
; error 0x11 (P|I) from ring 0, 0x15 (P|U|I) from ring 3; CR2 and the saved RIP are the
; jump target. Data reads of the same pages work.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":19,"vtl":0,"cpl":0,"rip":"0x403000","vector":14,"error_code":17,"gva":"0x403000"
; expect-event-after: "cpl":3,"rip":"0x404010","vector":14,"error_code":21,"gva":"0x404010"

%define PTE_TEST_3 (0x403000 | PG_P | PG_W | PG_XD)
%define PTE_TEST_4 (0x404000 | PG_P | PG_W | PG_U | PG_XD)
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rbx, 0x403000                   ; 15
  mov byte [rbx], 0xc3                ; 16: a ret, to show the fetch is refused anyway
  mov rax, [rbx]                      ; 17
  mov rcx, 0x404010                   ; 18
  jmp rbx                             ; 19
k_resume:
  mov byte [rcx], 0xc3
  ENTER_USER user_start

align 8
expected_faults:
  FAULT 14, 0x11, 0x403000, 0x403000, k_resume
  FAULT 14, 0x15, 0x404010, 0x404010, u_resume
expected_faults_end:

AT UCODE
user_start:
  mov rax, [rcx]                      ; the user NX page is readable
  call rcx
  NOT_REACHED
u_resume:
  UEXIT 0
GUEST_END
