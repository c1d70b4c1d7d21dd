; Page walks write too: setting the accessed bit of a PTE is a write to the page table.
; VTL0's page table for VA 0x600000 - 0x7fffff sits at GPA 0x3002000, which VTL1 made
; read-only. A load through PTE 5, whose A bit VTL0 had set, walks without writing and
; completes (no event). A load through PTE 6 (A clear) needs a write to GPA 0x3002030:
; a violation (write, rights R---) and an intercept; VTL1 skips the load and the PTE is
; left as it was (VTL0 has not changed a byte of the read-only page).
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x606008","gpa":"0x3002030","access":"write","rights":"R---"}
; expect-event-after-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x606008","gpa":"0x3002030","access":"write"}
; expect-event-count: 1 "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
PT_GPA equ 0x3002000
_start:
  SETUP
  V0_BOOT
  mov rdi, PT_GPA                     ; identity PTEs, A clear, except PTE 5
  mov eax, 0x600000 | PG_P | PG_W
  mov ecx, 512
.fill:
  mov [rdi], rax
  add rdi, 8
  add rax, 0x1000
  loop .fill
  or qword [abs PT_GPA + 5 * 8], PG_A
  mov qword [abs 0x605000], 0x55
  mov qword [abs 0x606008], 0x66
  mov rax, PT_GPA | PG_P | PG_W | PG_A
  mov [abs PD + 3 * 8], rax
  SCALL SVC_PROTECT, PT_GPA, MAP_R, 1
  mov rax, cr3
  mov cr3, rax
  mov rbx, 0x605000
  CHECK 1, [rbx], 0x55, "load through a PTE with A set"
  mov rbx, 0x606008
  mov eax, 0x1111
  jmp SITE
after:
  CHECK 2, rax, 0x1111, "EAX: the load needing an A-bit write did not complete"
  mov rax, [abs PT_GPA + 6 * 8]
  CHECK 3, rax, 0x606000 | PG_P | PG_W, "PTE 6 unchanged"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK 4, rax, 1, "intercepts"
  movzx eax, byte [abs V0_BUF + ILOG_MSG + MSG_ACCESS]
  CHECK 5, rax, ACCESS_WRITE, "message: access (the walker's write)"
  KEXIT 0

AT SITE
  mov eax, [rbx]                      ; 8b 03
  jmp after
GUEST_END
