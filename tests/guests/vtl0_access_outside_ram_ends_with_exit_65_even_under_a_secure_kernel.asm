; A GPA outside RAM is no VTL1 page: VTL0 writing GPA 0x10000ff8 (past 256 MiB) is not
; handed to the secure kernel as an intercept; the run ends with exit status 65 and a
; slat_violation event (write), as without VTL1.
;
; vtl1: basic
; expect-exit: 65
; expect-stderr: outside guest RAM
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x10000ff8","gpa":"0x10000ff8","access":"write","rights":"----"}
; expect-event-after-re: "kind":"exit","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":65,"reason":"violation"
; expect-no-event: "kind":"intercept"

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  mov rbx, 0x10000ff8
  jmp SITE
AT SITE
  mov [rbx], rbx
  NOT_REACHED
GUEST_END
