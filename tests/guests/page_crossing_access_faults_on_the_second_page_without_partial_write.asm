; An 8-byte store and an 8-byte load that cross from a present page into a not-present
; one raise #PF with CR2 = the first byte of the second page, RIP on the instruction, and
; the store writes nothing, not even its bytes on the first page.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":17,"vtl":0,"cpl":0,"rip":"0x205000","vector":14,"error_code":2,"gva":"0x401000"
; expect-event-after: "cpl":0,"rip":"0x205100","vector":14,"error_code":0,"gva":"0x401000"

%define PTE_TEST_1 0
%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rbx, 0x400ffc                   ; 15
  mov rax, 0x1122334455667788         ; 16
  jmp st_site                         ; 17
done:
  CHECK 2, rcx, 0x5a5a, "the faulting load left its destination register alone"
  KEXIT 0

align 8
expected_faults:
  FAULT 14, 2, st_site, 0x401000, resume1
  FAULT 14, 0, ld_site, 0x401000, done
expected_faults_end:

AT SITE
st_site:
  mov [rbx], rax
  NOT_REACHED
resume1:
  mov edx, [rbx]
  CHECK 1, rdx, 0, "no bytes of the faulting store reached the first page"
  mov ecx, 0x5a5a
  jmp ld_site
AT SITE + 0x100
ld_site:
  mov rcx, [rbx]
  NOT_REACHED
GUEST_END
