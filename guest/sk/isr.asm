; Exception stubs for vectors 0-31: each pushes a 0 where the CPU pushes no error code,
; then its vector, so every frame has the layout of struct sk_trap_frame (cpu.c). The
; secure kernel expects no exception at all: the handler reports and stops the machine.

bits 64
default rel

extern sk_trap

; Vectors with a CPU error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX.
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

section .text

%assign v 0
%rep 32
isr_%+ v:
%if !HAS_ERROR(v)
    push 0
%endif
    push v
    jmp isr_common
%assign v v+1
%endrep

isr_common:
    push rax
    push rcx
    push rdx
    push rbx
    push rbp
    push rsi
    push rdi
    mov rdi, rsp
    and rsp, -16                                ; C ABI alignment at the call
    cld
    call sk_trap                                ; does not return
    ud2

section .rodata
align 8
global sk_isr_stubs
sk_isr_stubs:
%assign v 0
%rep 32
    dq isr_%+ v
%assign v v+1
%endrep
