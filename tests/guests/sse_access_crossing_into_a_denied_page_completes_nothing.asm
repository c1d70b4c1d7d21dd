; An access VTL0's SLAT denies does not complete, all of it (DESIGN §2): a 16-byte movdqu
; whose first 8 bytes lie in VTL0's own page and whose last 8 lie in a page VTL1 made
; no-access is intercepted (GVA of the denied part) and skipped by VTL1. The load leaves
; XMM0 as it was, low half too; the store leaves VTL0's own 8 bytes as they were.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x3001000","gpa":"0x3001000","access":"read","rights":"----"}
; expect-event-after-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","gva":"0x3001000","gpa":"0x3001000","access":"write","rights":"----"}
; expect-event-count: 2 "kind":"intercept"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov rax, 0x1111111111111111
  mov [abs 0x3000ff8], rax
  SCALL SVC_PROTECT, 0x3001000, 0, 1
  mov rax, 0x5555
  movq xmm0, rax                      ; XMM0 = 0x5555 (high half 0)
  mov rax, 0x7777777777777777
  movq xmm1, rax
  movlhps xmm1, xmm1                  ; XMM1 = 0x77.. in both halves
  mov rbx, 0x3000ff8
  call VMCALL_SITE(0)                 ; movdqu xmm0, [rbx]
  movq rax, xmm0
  CHECK 1, rax, 0x5555, "XMM0 low half after the skipped load"
  movhlps xmm2, xmm0
  movq rax, xmm2
  CHECK 2, rax, 0, "XMM0 high half after the skipped load"
  call VMCALL_SITE(1)                 ; movdqu [rbx], xmm1
  mov rax, 0x1111111111111111
  CHECK 3, [abs 0x3000ff8], rax, "VTL0's own 8 bytes after the skipped store"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK 4, rax, 2, "intercepts"
  KEXIT 0

AT VMCALL_SITE(0)
  movdqu xmm0, [rbx]
  ret
AT VMCALL_SITE(1)
  movdqu [rbx], xmm1
  ret
GUEST_END
