; pages: a store to a new 4 KiB page every 262 instructions, walking a 64 MiB working
; set with a 4 KiB stride and wrapping around. 16384 pages are far more than the
; engine's TLB holds, so every page touch is a TLB miss and a fill (a guest page walk
; in raw Unicorn; vtlemu's two-stage walk in its TLB-fill hook). Between touches the
; same ALU work as the alu loop, 16 instructions per inner iteration.
%include "frame.asm"

BENCH_ENTRY
    ALU_SEED
    mov esi, PAGES_BASE
    xor edi, edi
.page:
    mov [rsi + rdi], rax
    add edi, 4096
    and edi, PAGES_SPAN - 1
    mov r8d, 16
.inner:
    ALU14
    dec r8d
    jnz .inner
    dec rcx
    jnz .page
    ALU_FOLD
    xor rax, [rsi]
BENCH_EXIT
