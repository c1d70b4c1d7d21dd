; #DE in ring 3 whose delivery pushes onto an unmapped TSS.RSP0 stack: the #PF raised
; during delivery of a contributory fault is delivered serially (not #DF), here through
; an IST2 gate: error code 2 (not present, write, supervisor: delivery pushes are
; supervisor accesses), CR2 in the unmapped stack page, and the frame of the original
; ring-3 context (RIP on the divide).
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":25,"vtl":0,"cpl":3,"rip":"0x206100","vector":0
; expect-event-after: "kind":"exception","icount":25,"vtl":0,"cpl":3,"rip":"0x206100","vector":14,"error_code":2,"gva":"0x401
; expect-no-event: "vector":8,

%define PTE_TEST_1 0                  ; 0x401000: the RSP0 stack page, not present
%define VEC_14 pf_handler
%define VEC_14_IST 2
%define VEC_8 df_handler
%define VEC_8_IST 1
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov qword [tss_rsp0], 0x402000      ; 15
  ENTER_USER user_start               ; 21

df_handler:
  CHECK 1, 0, 1, "#DF instead of a serial #PF (contributory then #PF is not a double fault)"

pf_handler:
  mov r8, rsp
  CHECK 2, r8, IST2_TOP - 48, "#PF handler on the IST2 stack, error code pushed"
  CHECK 3, [r8], 2, "error code: not present, write, supervisor"
  mov rax, cr2
  shr rax, 12
  CHECK 4, rax, 0x401, "CR2 lies in the unmapped RSP0 page"
  CHECK 5, [r8 + 8], u_site, "saved RIP is the user divide"
  CHECK 6, [r8 + 16], UCS, "saved CS is the user code selector"
  CHECK 7, [r8 + 32], USTACK_TOP, "saved RSP is the user stack"
  CHECK 8, [r8 + 40], UDS, "saved SS is the user stack selector"
  KEXIT 0

AT UCODE
user_start:
  mov eax, 1                          ; 22
  mov edx, 0                          ; 23
  mov ecx, 0                          ; 24
  jmp u_site                          ; 25
AT UCODE + 0x100
u_site:
  div ecx
  NOT_REACHED
GUEST_END
