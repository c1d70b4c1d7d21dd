; VTL0 points its own page tables into a page VTL1 protected: PD entry 3 (VA 0x600000 -
; 0x7fffff) now names a page table at GPA 0x3002000, which VTL0 filled (identity PTEs)
; and VTL1 then made no-access. The load from GVA 0x605123 needs PTE 5 of that table:
; the walker's read of GPA 0x3002028 is a violation (read) and goes to VTL1 as an
; intercept like any access, with the exact GVA of the load and the GPA of the PTE; VTL1
; skips the load. Once VTL1 gives the page back, the same load walks through it and
; completes.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x605123","gpa":"0x3002028","access":"read","rights":"----"}
; expect-event-after-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x605123","gpa":"0x3002028","access":"read"}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205003","from_vtl":1,"to_vtl":0}
; expect-event-count: 1 "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
PT_GPA equ 0x3002000
_start:
  SETUP
  V0_BOOT
  mov rdi, PT_GPA                     ; identity PTEs for VA 0x600000..0x7fffff
  mov eax, 0x600000 | PG_P | PG_W
  mov ecx, 512
.fill:
  mov [rdi], rax
  add rdi, 8
  add rax, 0x1000
  loop .fill
  mov rax, 0xfeed
  mov [abs 0x605120], rax
  mov rax, PT_GPA | PG_P | PG_W
  mov [abs PD + 3 * 8], rax
  mov rax, cr3
  mov cr3, rax
  mov rbx, 0x605120
  CHECK 1, [rbx], 0xfeed, "the load through VTL0's own table works before"

  SCALL SVC_PROTECT, PT_GPA, 0, 1
  mov rax, cr3                        ; (no stale translation either way)
  mov cr3, rax
  mov rbx, 0x605120
  mov eax, 0x1111
  jmp SITE
after:
  CHECK 2, rax, 0x1111, "EAX: the load through the protected table did not complete"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK 3, [abs V0_BUF + ILOG_COUNT], 1, "intercepts"
  CHECK 4, [abs V0_BUF + ILOG_MSG + MSG_GPA], PT_GPA + 5 * 8, "message: GPA is the PTE's"
  movzx eax, byte [abs V0_BUF + ILOG_MSG + MSG_ACCESS]
  CHECK 5, rax, ACCESS_READ, "message: access"
  CHECK 6, [abs V0_BUF + ILOG_NEW_RIP], SITE + 3, "RIP VTL1 set: past the load"

  SCALL SVC_PROTECT, PT_GPA, MAP_ALL, 1
  mov rbx, 0x605120
  CHECK 7, [rbx], 0xfeed, "the load completes once the table is VTL0's again"
  CHECK 8, [abs V0_BUF + ILOG_MSG + MSG_GVA], 0x605123, "message: GVA is the load's"
  KEXIT 0

AT SITE
  mov eax, [rbx + 3]                  ; 8b 43 03: GVA 0x605123
  jmp after
GUEST_END
