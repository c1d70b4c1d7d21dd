; A store to a not-present page raises #PF with error code 2 (not present, write,
; supervisor), CR2 = the exact byte address, RIP on the store, and nothing written. The
; handler maps the page, INVLPGs and returns: the store is retried and completes.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":17,"vtl":0,"cpl":0,"rip":"0x205000","vector":14,"error_code":2,"gva":"0x401238"

%define PTE_TEST_1 0
%define VEC_14 pf_handler
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rax, 0x1122334455667788         ; 15
  mov rbx, 0x401238                   ; 16
  jmp pf_site                         ; 17

pf_handler:
  mov r8, rsp
  inc qword [var0]
  CHECK 1, [var0], 1, "one page fault only (the retried store must not fault)"
  CHECK 2, [r8], 2, "error code: not present, write, supervisor"
  mov r9, cr2
  CHECK 3, r9, 0x401238, "CR2 is the address of the store"
  CHECK 4, [r8 + 8], pf_site, "saved RIP is the store"
  CHECK 5, [r8 + 16], KCS, "saved CS"
  CHECK 6, [r8 + 32], BOOT_STACK_TOP, "saved RSP"
  CHECK 7, r8, BOOT_STACK_TOP - 48, "handler RSP: 5 qwords and the error code pushed"
  ; nothing of the store reached the (identity) GPA
  mov r9, TEST_ALIAS + 0x1238
  CHECK 8, [r9], 0, "the faulting store wrote nothing"
  mov r9, 0x401000 | PG_P | PG_W
  mov [abs PT_TEST + 8], r9
  invlpg [rbx]
  add rsp, 8
  iretq

AT SITE
pf_site:
  mov [rbx], rax                      ; faults, then is retried after the handler
  CHECK 9, [var0], 1, "the handler ran once"
  mov rcx, TEST_ALIAS + 0x1238
  CHECK 10, [rcx], rax, "the retried store wrote the value"
  mov rcx, [abs PT_TEST + 8]
  and ecx, PG_A | PG_D
  CHECK 11, rcx, PG_A | PG_D, "PTE of the stored page now has A and D"
  KEXIT 0
GUEST_END
