; The walk uses EFER as it is at each access: right after a wrmsr clears EFER.NXE, with no
; stop in between, an XD bit in a PTE is a reserved bit (#PF, error 0x9 = P|RSVD, on a
; page never touched before); once NXE is set again the next such page reads normally.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":22,"vtl":0,"cpl":0,"rip":"0x205000","vector":14,"error_code":9,"gva":"0x404000"

%define PTE_TEST_3 (0x403000 | PG_P | PG_W | PG_XD)
%define PTE_TEST_4 (0x404000 | PG_P | PG_W | PG_XD)
%define PTE_TEST_5 (0x405000 | PG_P | PG_W | PG_XD)
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rbx, 0x403000                   ; 15
  mov rax, [rbx]                      ; 16: NXE set at boot: an XD page reads
  mov ecx, 0xc0000080                 ; 17
  rdmsr                               ; 18
  and eax, ~0x800                     ; 19: clear NXE
  wrmsr                               ; 20
  mov rbx, 0x404000                   ; 21
  jmp k_site                          ; 22
resume:
  mov ecx, 0xc0000080
  rdmsr
  or eax, 0x800                       ; NXE again
  wrmsr
  mov rbx, 0x405000
  mov rax, [rbx]                      ; a page never touched: no fault now
  CHECK_FAULTS_DONE
  KEXIT 0

align 8
expected_faults:
  FAULT 14, 0x9, k_site, 0x404000, resume
expected_faults_end:

AT SITE
k_site:
  mov rax, [rbx]                      ; 23: XD is reserved without NXE
  NOT_REACHED
GUEST_END
