; VTL1 shares two of its pages with VTL0 copy-on-write (ModifyVtlProtectionMask flags
; 0x100 | RWK: cow_share events, the same SPA as the GPA): a data page and a code page.
; Until VTL0 writes, both VTLs use the very same frame: VTL0 reads VTL1's bytes, runs its
; code, and sees VTL1's later changes to both (code too: VTL0 had translated it). VTL0's
; first write to a page is no violation but a cow_break (new SPA): VTL0 then sees its own
; write and the rest of the page as it was, VTL1 keeps its original bytes (read and
; executed by VTL1 through secure calls), and a change by VTL1 is no longer seen by VTL0.
; A second write to a broken page breaks nothing more: exactly two cow_break events.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"cow_share","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","target_vtl":0,"gpa":"0x1020000","spa":"0x1020000"}
; expect-event-after-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","target_vtl":0,"gpa":"0x1020000","pages":1,"rights_before":"----","rights_after":"RWK-","source":"hypercall"}
; expect-event-after-re: "kind":"cow_share","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","target_vtl":0,"gpa":"0x1021000","spa":"0x1021000"}
; expect-event-after-re: "kind":"slat_change","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0xfffe000","target_vtl":0,"gpa":"0x1021000","pages":1,"rights_before":"----","rights_after":"RWK-","source":"hypercall"}
; expect-event-after-re: "kind":"cow_break","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gpa":"0x1020000","spa":"0x1020000","new_spa":"0x[0-9a-f]+"}
; expect-event-after-re: "kind":"cow_break","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205010","gpa":"0x1021000","spa":"0x1021000","new_spa":"0x[0-9a-f]+"}
; expect-event-count: 2 "kind":"cow_break"
; expect-no-event-re: "kind":"cow_break".*"spa":"(0x[0-9a-f]+)","new_spa":"\1"
; expect-no-event: "kind":"slat_violation"

%include "guest.inc"
%include "vtl.inc"
DATA equ SK_PAGES                     ; GPA 0x1020000
CODE equ SK_PAGES + 0x1000            ; GPA 0x1021000
_start:
  SETUP
  V0_BOOT
  mov rax, 0x5151515151515151
  SCALL SVC_FILL, DATA, rax, 1
  mov rax, 0x0123456789abcdef
  SCALL SVC_WRITE, DATA + 0x100, rax
  mov rax, 0x0000c311111111b8         ; mov eax, 0x11111111; ret
  SCALL SVC_WRITE, CODE, rax
  SCALL SVC_PROTECT, DATA, MAP_COW | MAP_R | MAP_W | MAP_KX, 2
  mov rbx, HV_OK | HV_REPS(2)
  CHECK 1, rax, rbx, "SVC_PROTECT with the copy-on-write flag"

  ; shared: one frame for both
  mov rbx, DATA
  mov rax, 0x0123456789abcdef
  CHECK 2, [rbx + 0x100], rax, "VTL0 reads VTL1's bytes"
  mov eax, CODE
  call rax
  CHECK 3, rax, 0x11111111, "VTL0 runs VTL1's code"
  SCALL SVC_WRITE, DATA + 0x10, 0xabab
  CHECK 4, [abs DATA + 0x10], 0xabab, "VTL0 sees VTL1's later write (same frame)"
  mov rax, 0x0000c333333333b8         ; mov eax, 0x33333333; ret
  SCALL SVC_WRITE, CODE, rax
  mov eax, CODE
  call rax
  CHECK 5, rax, 0x33333333, "VTL0 runs VTL1's changed code (same frame, code VTL0 had run)"

  ; VTL0's first writes
  mov rbx, DATA + 0x100
  mov rax, 0xfeedfacecafebeef
  call VMCALL_SITE(0)                 ; the store, a cow_break
  mov rax, 0xfeedfacecafebeef
  CHECK 6, [rbx], rax, "VTL0 sees its write"
  mov rax, 0x5151515151515151
  CHECK 7, [abs DATA + 0x108], rax, "VTL0's copy has the rest of the page"
  CHECK 8, [abs DATA + 0x10], 0xabab, "VTL0's copy has VTL1's earlier write"
  mov rax, 0x0123456789abcdef
  SCALL SVC_READ, DATA + 0x100
  mov rbx, 0x0123456789abcdef
  CHECK 9, rax, rbx, "VTL1 still reads its original bytes"
  SCALL SVC_WRITE, DATA + 0x18, 0xcdcd
  mov rax, 0x5151515151515151
  CHECK 10, [abs DATA + 0x18], rax, "VTL1's write after the break is VTL1's alone"
  mov rbx, DATA + 0x200
  mov qword [rbx], 0x2222             ; the second write: no new copy
  CHECK 11, [rbx], 0x2222, "VTL0's second write"

  mov rbx, CODE + 1
  mov eax, 0x22222222
  call VMCALL_SITE(1)                 ; patch the immediate: a cow_break of the code page
  mov eax, CODE
  call rax
  CHECK 12, rax, 0x22222222, "VTL0 runs its patched copy"
  SCALL SVC_EXEC, CODE
  CHECK 13, rax, 0x33333333, "VTL1 runs its own code, unpatched"
  SCALL SVC_READ, CODE
  mov rbx, 0x0000c333333333b8
  CHECK 14, rax, rbx, "VTL1's code bytes"
  KEXIT 0

AT VMCALL_SITE(0)
  mov [rbx], rax
  ret
AT VMCALL_SITE(1)
  mov [rbx], eax
  ret
GUEST_END
