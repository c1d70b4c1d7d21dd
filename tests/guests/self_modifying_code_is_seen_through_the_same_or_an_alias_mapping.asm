; Code that was already executed, then rewritten through its own mapping or through
; another virtual mapping of the same page, runs in its new form.
;
; expect-exit: 0
; expect-stdout:

SMC     equ KCODE2 + 0x1000
SMC_VA2 equ TEST_VA + 11 * 0x1000     ; a second mapping of the page
%define PTE_TEST_11 (SMC | PG_P | PG_W)
%include "guest.inc"
_start:
  SETUP
  call smc_fn
  CHECK 1, rax, 0x11111111, "the original code ran"
  mov dword [smc_imm], 0x22222222     ; through the same mapping
  call smc_fn
  CHECK 2, rax, 0x22222222, "code rewritten through its own mapping"
  mov rbx, SMC_VA2 + (smc_imm - SMC)
  mov dword [rbx], 0x33333333         ; through the alias
  call smc_fn
  CHECK 3, rax, 0x33333333, "code rewritten through another mapping"
  mov rbx, SMC_VA2 + (smc_fn - SMC)
  call rbx                            ; and run through the alias too
  CHECK 4, rax, 0x33333333, "the alias runs the new code"
  mov dword [smc_imm], 0x44444444
  call rbx
  CHECK 5, rax, 0x44444444, "the alias sees a write through the first mapping"
  KEXIT 0

AT SMC
smc_fn:
  db 0xb8                             ; mov eax, imm32
smc_imm:
  dd 0x11111111
  ret
GUEST_END
