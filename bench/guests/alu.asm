; alu: register-only ALU work, 16 instructions per iteration (one translated block).
%include "frame.asm"

BENCH_ENTRY
    ALU_SEED
.loop:
    ALU14
    dec rcx
    jnz .loop
    ALU_FOLD
BENCH_EXIT
