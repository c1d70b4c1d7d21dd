; VTL0 jumps to GVA 0x405ffb (GPA 0x3000ffb): `mov eax, 0x5a5a5a5a` (5 bytes, the last of
; the page), in a page VTL1 made read-write but not executable. The fetch is a violation:
; slat_violation and intercept with RIP = GVA = 0x405ffb, execute, rights RW--; the
; message has the 5 instruction bytes (VTL0 may read them) and VTL1 skips it: RIP =
; 0x406000, the next page (executable), whose code jumps back. EAX unchanged.
;
; vtl1: basic
; expect-exit: 0
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x405ffb","gva":"0x405ffb","gpa":"0x3000ffb","access":"execute","rights":"RW--"}
; expect-event-after-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x405ffb","gpa":"0x3000ffb","access":"execute"}
; expect-event-after-re: "kind":"vtl_return","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x406000","from_vtl":1,"to_vtl":0}
; expect-event-count: 1 "kind":"slat_violation"
; expect-event-count: 1 "kind":"intercept"

%define PTE_TEST_5 (0x3000000 | PG_P | PG_W)
%define PTE_TEST_6 (0x3001000 | PG_P | PG_W)
%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov dword [abs 0x3000ffb], 0x5a5a5ab8   ; mov eax, 0x5a5a5a5a
  mov byte [abs 0x3000fff], 0x5a
  mov word [abs 0x3001000], 0xe3ff        ; jmp rbx
  SCALL SVC_PROTECT, 0x3000000, MAP_R | MAP_W, 1
  mov rbx, HV_OK | HV_REPS(1)
  CHECK 1, rax, rbx, "SVC_PROTECT: ModifyVtlProtectionMask result"
  mov eax, 0x1111
  lea rbx, [rel after]
  mov rcx, 0x405ffb
  jmp rcx
after:
  CHECK 2, rax, 0x1111, "EAX: the instruction in the non-executable page did not run"
  SCALL SVC_INTERCEPTS, V0_BUF
  CHECK_ILOG 10, 1, 0x405ffb, 5, ACCESS_EXECUTE, 0x405ffb, 0x3000ffb
  KEXIT 0
GUEST_END
