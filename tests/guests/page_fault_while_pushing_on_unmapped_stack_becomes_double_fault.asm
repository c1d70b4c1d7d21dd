; A #PF whose delivery pushes onto a not-present stack page raises a second #PF during
; the delivery of the first: #DF (error code 0) through the IST1 gate.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":17,"vtl":0,"cpl":0,"rip":"0x205000","vector":8,"error_code":0
; expect-no-event: "reason":"triple_fault"

%define PTE_TEST_1 0                  ; the stack page 0x401000
%define PTE_TEST_5 0                  ; the data page 0x405000
%define VEC_14 pf_handler
%define VEC_8 df_handler
%define VEC_8_IST 1
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov rsp, 0x402000                   ; 15: top of the unmapped page
  mov rbx, 0x405010                   ; 16
  jmp pf_site                         ; 17

pf_handler:
  mov rsp, BOOT_STACK_TOP
  CHECK 1, 0, 1, "#PF handler entered although its stack is not mapped"

df_handler:
  mov r8, rsp
  CHECK 2, [r8], 0, "#DF error code"
  CHECK 3, r8, IST1_TOP - 48, "#DF handler on the IST1 stack, error code pushed"
  ; CR2: QEMU reports the stack address of the second #PF, AMD hardware was seen to keep
  ; the first one; accept either page
  mov rax, cr2
  shr rax, 12
  cmp rax, 0x405
  je .cr2_ok
  CHECK 4, rax, 0x401, "CR2 lies in the unmapped stack page (or the data page)"
.cr2_ok:
  KEXIT 0

AT SITE
pf_site:
  mov rax, [rbx]
  NOT_REACHED
GUEST_END
