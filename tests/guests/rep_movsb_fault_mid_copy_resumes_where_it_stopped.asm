; rep movsb that runs into a not-present page faults with RIP on the rep, CR2 = the first
; byte of that page, and RSI/RDI/RCX showing exactly how far the copy got (the bytes
; before the page boundary are copied). After the handler maps the page the copy resumes
; and completes.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":19,"vtl":0,"cpl":0,"rip":"0x205000","vector":14,"error_code":2,"gva":"0x401000"

SRC equ KCODE2 + 0x1000
DST equ 0x400fe0                      ; 32 bytes on the present page, 32 on the next
%define PTE_TEST_1 0
%define VEC_14 pf_handler
%include "guest.inc"
_start:
  SETUP                               ; 14
  cld                                 ; 15
  mov esi, SRC                        ; 16
  mov edi, DST                        ; 17
  mov ecx, 64                         ; 18
  jmp copy_site                       ; 19

pf_handler:
  mov r8, rsp
  inc qword [var0]
  CHECK 1, [var0], 1, "one page fault"
  CHECK 2, [r8], 2, "error code: not present, write"
  mov r9, cr2
  CHECK 3, r9, 0x401000, "CR2 = first byte of the not-present page"
  CHECK 4, [r8 + 8], copy_site, "saved RIP is the rep movsb"
  CHECK 5, rdi, 0x401000, "RDI at the fault"
  CHECK 6, rsi, SRC + 32, "RSI at the fault"
  CHECK 7, rcx, 32, "RCX at the fault"
  mov r9, 0x401000 | PG_P | PG_W
  mov [abs PT_TEST + 8], r9
  invlpg [rdi]
  add rsp, 8
  iretq

AT SITE
copy_site:
  rep movsb
  CHECK 8, rcx, 0, "RCX after the resumed copy"
  CHECK 9, rdi, DST + 64, "RDI after the resumed copy"
  mov esi, SRC
  mov edi, DST
  mov ecx, 64
  repe cmpsb
  CHECK 10, rcx, 0, "the 64 bytes arrived (count of bytes left unequal)"
  KEXIT 0

AT SRC
%assign __b 1
%rep 64
  db __b
  %assign __b __b + 1
%endrep
GUEST_END
