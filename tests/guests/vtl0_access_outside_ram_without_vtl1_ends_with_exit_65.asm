; Without a secure kernel nothing handles a SLAT violation: VTL0 reading GPA 0x10000123,
; just past the end of its 256 MiB of RAM (its page tables map it), ends the run with exit
; status 65, a slat_violation event with the exact RIP, GVA, GPA and access, an exit
; event with reason "violation", and one line on stderr.
;
; qemu-skip: QEMU reads 0xff from unbacked memory
; expect-exit: 65
; expect-stdout:
; expect-stderr: outside guest RAM
; expect-event-re: "kind":"slat_violation","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","gva":"0x10000123","gpa":"0x10000123","access":"read","rights":"----"}
; expect-event-after-re: "kind":"exit","icount":[0-9]+,"vtl":0,"cpl":0,"rip":"0x205000","code":65,"reason":"violation"
; expect-no-event: "kind":"intercept"

%include "guest.inc"
_start:
  SETUP
  mov rbx, 0x10000123
  jmp SITE
AT SITE
  mov al, [rbx]
  NOT_REACHED
GUEST_END
