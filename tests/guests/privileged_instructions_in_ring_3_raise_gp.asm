; Ring 3 cannot run privileged instructions: hlt, control/debug register moves, MSR
; access, descriptor-table loads, invlpg, wbinvd, clts, sysretq and swapgs raise #GP(0).
; hlt in ring 3 does not stop the machine.
;
; expect-exit: 0
; expect-stdout:
; expect-event: "kind":"exception","icount":22,"vtl":0,"cpl":3,"rip":"0x206080","vector":13,"error_code":0
; expect-no-event: "reason":"halt"

MSR_KGSBASE equ 0xc0000102
%define FAULTS
%include "guest.inc"

%assign __n 0
; USITE insn...: one faulting instruction at UCODE + 0x80 * (n + 1), followed by the
; setup and a jump to the next site.
%macro USITE 1+
  AT UCODE + 0x80 * (__n + 1)
  usite_%[__n]:
    %1
    NOT_REACHED
  uresume_%[__n]:
    jmp UCODE + 0x80 * (__n + 2)
  %assign __n __n + 1
%endmacro

_start:
  SETUP                               ; 14
  ENTER_USER user_start               ; 20

align 8
expected_faults:
  %assign __i 0
  %rep 14
    FAULT 13, 0, usite_%[__i], NOCR2, uresume_%[__i]
    %assign __i __i + 1
  %endrep
expected_faults_end:

AT UCODE
user_start:
  mov ecx, MSR_KGSBASE                ; 21
  jmp usite_0                         ; 22
USITE hlt
USITE mov rax, cr0
USITE mov cr3, rax
USITE mov rax, cr4
USITE wrmsr
USITE rdmsr
USITE lgdt [rsp]
USITE lidt [rsp]
USITE invlpg [rsp]
USITE wbinvd
USITE clts
USITE mov dr7, rax
USITE o64 sysret
USITE swapgs
AT UCODE + 0x80 * (__n + 1)
  UEXIT 0
GUEST_END
