; rt_vtl1: VTL1 side of the VTL round-trip benchmark: returns to VTL0 at once, forever.
; It keeps its hypercall page address on its own stack: RSP is private to each VTL,
; while RAX-R15 are shared with VTL0.
%define IMAGE_GPA 0x100000
%include "frame.asm"

BENCH_HEADER
_start:
    push qword [rdi + 0x20]      ; boot info: hypercall page
.loop:
    mov rax, [rsp]
    mov ecx, 0x12                ; HvCallVtlReturn
    call rax
    jmp .loop
image_end:
