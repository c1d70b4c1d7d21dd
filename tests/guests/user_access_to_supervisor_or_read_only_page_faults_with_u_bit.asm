; Ring-3 accesses checked by the guest page walk: a read of a present supervisor page is
; #PF error 5 (P|U), a write to a present read-only user page is 7 (P|W|U), a read of a
; not-present page is 4 (U); CR2 exact each time. A read of the read-only user page works
; and sees what the kernel wrote through another mapping.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":26,"vtl":0,"cpl":3,"rip":"0x206100","vector":14,"error_code":5,"gva":"0x406010"
; expect-event-after: "cpl":3,"rip":"0x206200","vector":14,"error_code":7,"gva":"0x407008"
; expect-event-after: "cpl":3,"rip":"0x206300","vector":14,"error_code":4,"gva":"0x408ff8"

%define PTE_TEST_7 (0x407000 | PG_P | PG_U)   ; read-only user page
%define PTE_TEST_8 0                          ; not present
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rax, TEST_ALIAS + 0x7000         ; 15
  mov qword [rax], 0xabcd             ; 16: through the writable alias
  mov rbx, 0x406010                   ; 17: supervisor page (PT_TEST default)
  ENTER_USER user_start               ; 23

align 8
expected_faults:
  FAULT 14, 5, u_read_sup, 0x406010, u_resume1
  FAULT 14, 7, u_write_ro, 0x407008, u_resume2
  FAULT 14, 4, u_read_np, 0x408ff8, u_resume3
expected_faults_end:

AT UCODE
user_start:
  mov rcx, 0x407000                   ; 24
  mov edx, 0x1234                     ; 25
  jmp u_read_sup                      ; 26
AT UCODE + 0x100
u_read_sup:
  mov rax, [rbx]
  NOT_REACHED
u_resume1:
  CHECK 1, [rcx], 0xabcd, "ring 3 reads its read-only page"
  jmp u_write_ro
AT UCODE + 0x200
u_write_ro:
  mov [rcx + 8], rdx
  NOT_REACHED
u_resume2:
  CHECK 2, [rcx + 8], 0, "the faulting user store wrote nothing"
  mov rsi, 0x408ff8
  jmp u_read_np
AT UCODE + 0x300
u_read_np:
  mov rax, [rsi]
  NOT_REACHED
u_resume3:
  UEXIT 0
GUEST_END
