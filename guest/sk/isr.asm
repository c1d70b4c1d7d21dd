; Exception stubs for vectors 0-31 (guest/lib/isr_stubs.inc): each pushes a 0 where
; the CPU pushes no error code, then its vector, so every frame has the layout of struct
; sk_trap_frame (cpu.c). The secure kernel expects no exception at all: the handler
; reports and stops the machine.

bits 64
default rel

extern sk_trap

%include "guest/lib/isr_stubs.inc"
ISR_STUBS isr_common, sk_isr_stubs

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

