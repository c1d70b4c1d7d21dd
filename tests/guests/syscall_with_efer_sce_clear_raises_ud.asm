; With EFER.SCE clear, syscall (ring 3) and sysret (ring 0) are invalid opcodes: #UD with
; RIP on the instruction, no syscall event, no ring change.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":25,"vtl":0,"cpl":3,"rip":"0x206100","vector":6
; expect-event-after: "cpl":0,"rip":"0x205000","vector":6
; expect-no-event: "kind":"syscall"

%define FAULTS
%define VEC_128 svc
%define VEC_128_DPL 3
%include "guest.inc"
_start:
  SETUP                               ; 14
  mov ecx, 0xc0000080                 ; 15
  rdmsr                               ; 16
  and eax, ~1                         ; 17: clear SCE
  wrmsr                               ; 18
  ENTER_USER user_start               ; 24
svc:                                  ; EAX=3: continue in ring 0 at k_site
  cmp eax, 3
  jne svc_handler
  jmp k_site
done:
  KEXIT 0

align 8
expected_faults:
  FAULT 6, 0, u_site, NOCR2, u_resume
  FAULT 6, 0, k_site, NOCR2, done
expected_faults_end:

AT SITE
k_site:
  o64 sysret
  NOT_REACHED

AT UCODE
user_start:
  jmp u_site                          ; 25
AT UCODE + 0x100
u_site:
  syscall
  NOT_REACHED
u_resume:
  mov rax, cs
  CHECK 1, rax, UCS, "still in ring 3 after the #UD"
  mov eax, 3
  int 0x80
GUEST_END
