; Straight-line code running off the end of its page into a not-present page: every
; instruction before the boundary executes, then #PF (error 0x10: not present, fetch)
; with RIP on the first instruction that cannot be fetched, whether it straddles the
; boundary or starts on it; CR2 = the first byte of the not-present page.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":22,"vtl":0,"cpl":0,"rip":"0x40cffc","vector":14,"error_code":16,"gva":"0x40d000"
; expect-event-after: "cpl":0,"rip":"0x40f000","vector":14,"error_code":16,"gva":"0x40f000"

XPAGE  equ KCODE2 + 0x3000            ; image page mapped at VA 0x40c000, then a hole
XPAGE2 equ KCODE2 + 0x4000            ; image page mapped at VA 0x40e000, then a hole
XVA    equ TEST_VA + 12 * 0x1000
XVA2   equ TEST_VA + 14 * 0x1000
%define PTE_TEST_12 (XPAGE | PG_P | PG_W)
%define PTE_TEST_13 0
%define PTE_TEST_14 (XPAGE2 | PG_P | PG_W)
%define PTE_TEST_15 0
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  xor eax, eax                        ; 15
  xor r12d, r12d                      ; 16
  xor r13d, r13d                      ; 17
  xor r14d, r14d                      ; 18
  mov rbx, XVA + (straddle - XPAGE)   ; 19
  jmp rbx                             ; 20, then inc r12 (21), inc r13 (22)
resume1:
  CHECK 1, r12, 1, "the instruction two before the straddling one ran"
  CHECK 2, r13, 1, "the instruction just before the straddling one ran"
  CHECK 3, rax, 0, "the straddling mov did not run"
  mov rbx, XVA2 + (at_end - XPAGE2)
  jmp rbx
done:
  CHECK 4, r14, 3, "the instructions up to the page end ran"
  KEXIT 0

align 8
expected_faults:
  FAULT 14, 0x10, XVA + 0xffc, XVA + 0x1000, resume1
  FAULT 14, 0x10, XVA2 + 0x1000, XVA2 + 0x1000, done
expected_faults_end:

AT XPAGE + 0x1000 - 10
straddle:
  inc r12                             ; 3 bytes
  inc r13                             ; 3 bytes
  mov rax, 0x1122334455667788         ; 10 bytes: 4 on this page, 6 on the next
AT XPAGE2 + 0x1000 - 9
at_end:
  inc r14
  inc r14
  inc r14                             ; ends exactly at the page boundary
GUEST_END
