; The attacker module's memory probes. Each is one instruction that touches the target,
; with the result register preset, because a blocked access never completes: the
; secure kernel skips the instruction (reads, writes) or returns to the caller
; (execute), so the preset value comes back unchanged and the C code can tell.
;
; A probe may also fault in VTL0 itself (say, a page walk through garbage "page
; tables" when VTL1 failed to protect a page): probe_fixups lists, for each probe
; instruction, where to resume, and the #PF/#GP handler uses it (attack_fixup in
; attack.c) instead of panicking, so the demo can report the failure and go on.

bits 64
default rel

section .text

; uint64_t probe_read64(const void *p, uint64_t marker): [p], or marker if blocked.
global probe_read64
probe_read64:
    mov rax, rsi
.access:
    mov rax, [rdi]
.done:
    ret

; uint64_t probe_read8(const void *p): the byte at p (0-255), or ~0 if blocked.
global probe_read8
probe_read8:
    mov rax, -1
.access:
    movzx eax, byte [rdi]                       ; writes all of RAX when it completes
.done:
    ret

; void probe_write64(void *p, uint64_t v)
global probe_write64
probe_write64:
.access:
    mov [rdi], rsi
.done:
    ret

; uint64_t probe_call(void *fn, uint64_t marker): calls fn with RAX = marker; what fn
; leaves in RAX (marker if it never ran). A fault at the call target itself (RIP = fn,
; the return address on the stack) resumes at .done, like a return.
global probe_call
probe_call:
    mov rax, rsi
    call rdi
.done:
    ret

section .rodata
align 8
; {u64 faulting RIP, u64 resume RIP}; a zero RIP means "the callee of probe_call".
global probe_fixups, probe_fixups_end
probe_fixups:
    dq probe_read64.access, probe_read64.done
    dq probe_read8.access, probe_read8.done
    dq probe_write64.access, probe_write64.done
    dq 0, probe_call.done
probe_fixups_end:
