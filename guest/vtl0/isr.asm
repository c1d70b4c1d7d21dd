; Exception entry stubs, one per vector 0-31. The CPU pushes an error code for some
; vectors only; the stubs push a 0 for the others so every frame has the same layout
; (struct trap_frame in trap.h), then the vector number.
;
; GS is not swapped here: the C handlers never use the per-CPU area, which only the
; syscall path (syscall_entry.asm) reaches through GS.

bits 64
default rel

extern trap_dispatch

%include "guest/lib/isr_stubs.inc"
ISR_STUBS isr_common, isr_stubs

isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    ; The CPU aligned RSP to 16 before pushing its 5 words; 2 + 15 more keep it aligned,
    ; as the C ABI wants at the call.
    mov rdi, rsp
    cld                                     ; the C ABI assumes DF = 0
    call trap_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                             ; vector and error code
    iretq

