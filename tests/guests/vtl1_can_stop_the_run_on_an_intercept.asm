; A secure kernel may answer an intercept by ending the run: under policy stop, VTL0's
; write to a no-access page enters VTL1, which prints a line and writes 33 to the exit
; port. Nothing after the write runs in VTL0.
;
; vtl1: basic
; expect-exit: 33
; expect-stdout: [VTL1] sk: intercept under policy stop: ending the run\n
; expect-event-re: "kind":"intercept","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x1001803","from_vtl":0,"to_vtl":1,"gva":"0x3000000","gpa":"0x3000000","access":"write"}
; expect-event-after-re: "kind":"exit","icount":[0-9]+,"vtl":1,"cpl":0,"rip":"0x[0-9a-f]+","code":33,"reason":"guest"}

%include "guest.inc"
%include "vtl.inc"
_start:
  SETUP
  V0_BOOT
  SCALL SVC_PROTECT, 0x3000000, 0, 1
  SCALL SVC_POLICY, POLICY_STOP, 33
  mov rbx, 0x3000000
  mov [rbx], rbx
  NOT_REACHED
GUEST_END
