; rt_vtl0: VTL0 side of the VTL round-trip benchmark: n times HvCallVtlCall, each
; answered by rt_vtl1's HvCallVtlReturn. Checksum: 0.
%include "frame.asm"

BENCH_ENTRY
    mov r12, rcx                 ; shared with VTL1, which leaves it alone
    mov r13, [rdi + 0x20]        ; boot info: hypercall page (vmcall; ret)
.loop:
    mov ecx, 0x11                ; HvCallVtlCall
    call r13
    dec r12
    jnz .loop
    xor eax, eax
BENCH_EXIT
