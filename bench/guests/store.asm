; store: one 8-byte store per iteration into a single 4 KiB page (so every store hits
; the TLB), inside 16 instructions of the same kind of ALU work as the alu loop.
%include "frame.asm"

BENCH_ENTRY
    ALU_SEED
    mov esi, STORE_BUF
    xor edi, edi
.loop:
    mov [rsi + rdi], rax
    add rdi, 8
    and edi, 0xFF8
    add rax, rbx
    xor rbx, rdx
    rol rax, 7
    sub rdx, rax
    lea r9, [r9 + rax * 2 + 1]
    imul r10, rbx, 3
    or r11, r9
    shr r11, 3
    xor rax, r10
    add rbx, r11
    adc rdx, rbx
    dec rcx
    jnz .loop
    ALU_FOLD
    xor rax, [rsi + 8]
BENCH_EXIT
