; #GP error codes: a selector beyond the GDT limit reports the selector (RPL bits
; cleared), a system descriptor (the TSS) loaded into a data segment register reports its
; selector, a non-canonical data address reports 0. Each fault leaves the segment
; register unchanged and resumes after the faulting instruction.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":16,"vtl":0,"cpl":0,"rip":"0x205000","vector":13,"error_code":80
; expect-event-after: "cpl":0,"rip":"0x205100","vector":13,"error_code":48
; expect-event-after: "cpl":0,"rip":"0x205200","vector":13,"error_code":0
; expect-event-after: "cpl":0,"rip":"0x205300","vector":13,"error_code":0
; expect-no-event: "gva"

%define FAULTS
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov ax, 0x53                        ; 15: index 10, RPL 3; the GDT limit is 0x3f
  jmp gp_site1                        ; 16
done:
  mov rax, ds
  CHECK 1, rax, KDS, "DS unchanged by the failed load"
  mov rax, es
  CHECK 2, rax, KDS, "ES unchanged by the failed load"
  CHECK 3, rcx, 0x5a5a, "RCX unchanged by the faulting store"
  KEXIT 0

align 8
expected_faults:
  FAULT 13, 0x50, gp_site1, NOCR2, resume1
  FAULT 13, 0x30, gp_site2, NOCR2, resume2
  FAULT 13, 0, gp_site3, NOCR2, resume3
  FAULT 13, 0, gp_site4, NOCR2, done
expected_faults_end:

AT SITE
gp_site1:
  mov ds, ax
  NOT_REACHED
resume1:
  mov ax, TSSSEL
  jmp gp_site2
AT SITE + 0x100
gp_site2:
  mov es, ax                          ; the TSS descriptor is not a data segment
  NOT_REACHED
resume2:
  mov rbx, 0x0000800000000000
  jmp gp_site3
AT SITE + 0x200
gp_site3:
  mov rax, [rbx]                      ; non-canonical read
  NOT_REACHED
resume3:
  mov rbx, 0xffff7ffffffffff8
  mov ecx, 0x5a5a
  jmp gp_site4
AT SITE + 0x300
gp_site4:
  mov [rbx], rcx                      ; non-canonical write
  NOT_REACHED
GUEST_END
