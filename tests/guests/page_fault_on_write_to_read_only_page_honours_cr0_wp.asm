; With CR0.WP=1 a supervisor store to a read-only page faults: #PF error code 3 (present,
; write), CR2 exact. With WP cleared the same store is allowed (the handler clears WP and
; returns: the store is retried). With WP set again, the next store faults again and
; writes nothing.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":18,"vtl":0,"cpl":0,"rip":"0x205000","vector":14,"error_code":3,"gva":"0x402100"
; expect-event-after: "cpl":0,"rip":"0x205200","vector":14,"error_code":3,"gva":"0x402108"

%define PTE_TEST_2 (0x402000 | PG_P)
%define VEC_14 pf_handler
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rbx, 0x402100                   ; 15
  mov rcx, [rbx]                      ; 16: reading a read-only page is fine
  mov eax, 0x5a5a                     ; 17
  jmp wp_site                         ; 18

pf_handler:
  mov r8, rsp
  inc qword [var0]
  CHECK 1, [r8], 3, "error code: present, write, supervisor"
  cmp qword [var0], 1
  jne .second
  mov r9, cr2
  CHECK 2, r9, 0x402100, "CR2 of the first store"
  CHECK 3, [r8 + 8], wp_site, "saved RIP of the first store"
  mov r9, cr0
  btr r9, 16                          ; clear WP
  mov cr0, r9
  invlpg [rbx]
  add rsp, 8
  iretq
.second:
  CHECK 4, [var0], 2, "two page faults"
  mov r9, cr2
  CHECK 5, r9, 0x402108, "CR2 of the store after WP was set again"
  CHECK 6, [r8 + 8], wp_site2, "saved RIP of the second store"
  CHECK 7, [rbx + 8], 0, "the faulting store wrote nothing"
  KEXIT 0

AT SITE
wp_site:
  mov [rbx], rax                      ; faults with WP=1, retried with WP=0
  CHECK 8, [var0], 1, "one fault before the retried store completed"
  CHECK 9, [rbx], 0x5a5a, "the store with WP=0 wrote the value"
  mov rax, [abs PT_TEST + 2 * 8]
  and eax, PG_A | PG_D
  CHECK 10, rax, PG_A | PG_D, "PTE of the read-only page has A and D after the store"
  mov rax, cr0
  bts rax, 16                         ; WP again
  mov cr0, rax
  invlpg [rbx]
  jmp wp_site2
AT SITE + 0x200
wp_site2:
  mov [rbx + 8], rax
  NOT_REACHED
GUEST_END
