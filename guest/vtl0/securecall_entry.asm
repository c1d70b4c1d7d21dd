; uint64_t sc_vtl_call(service, a0, a1, a2, hypercall_va, uint64_t *value)
;                      RDI      RSI RDX RCX R8            R9
;
; Moves the arguments into the secure-call registers (RDX = service, R8/R9/R10 =
; arguments, RCX = HvCallVtlCall) and calls the hypercall page. VTL1 runs in between
; and may leave anything in the shared registers (ours restores them, but a kernel
; should not bet on that), so every callee-saved register is kept on our stack, which
; VTL1 cannot change (RSP is private per VTL). Returns RAX (status), stores RCX (value).

bits 64
default rel

%define HVCALL_VTL_CALL 0x11

section .text
global sc_vtl_call
sc_vtl_call:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    push r9                                     ; value pointer

    mov r11, r8                                 ; hypercall page
    mov r10, rcx                                ; a2
    mov r8, rsi                                 ; a0
    mov r9, rdx                                 ; a1
    mov rdx, rdi                                ; service
    mov ecx, HVCALL_VTL_CALL
    call r11                                    ; vmcall; ret

    pop r9
    mov [r9], rcx
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret

; uint64_t sc_check_registers(uint64_t hypercall_va)
;
; Makes an SC_STATS call with every shared register but RAX/RCX (the results) holding a
; known pattern (RDX: the service, 0) and returns a mask of those that came back
; different: bit 0 RBX, 1 RDX, 2 RSI, 3 RDI, 4 RBP, 5-12 R8-R15. 0 means VTL1 handed
; back VTL0's registers exactly, with nothing of its own left in them.

%define PATTERN(i) (0x5ec0de0000000000 + (i) * 0x0101)

%macro EXPECT 3                                 ; register, pattern (64-bit), bit
    mov rcx, %2
    cmp %1, rcx
    je %%same
    or eax, 1 << %3
%%same:
%endmacro

global sc_check_registers
sc_check_registers:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    push rdi                                    ; the hypercall page, called via [rsp]

    mov rbx, PATTERN(0)
    xor edx, edx                                ; SC_STATS
    mov rsi, PATTERN(2)
    mov rdi, PATTERN(3)
    mov rbp, PATTERN(4)
    mov r8,  PATTERN(5)
    mov r9,  PATTERN(6)
    mov r10, PATTERN(7)
    mov r11, PATTERN(8)
    mov r12, PATTERN(9)
    mov r13, PATTERN(10)
    mov r14, PATTERN(11)
    mov r15, PATTERN(12)
    mov ecx, HVCALL_VTL_CALL
    call qword [rsp]

    xor eax, eax
    EXPECT rbx, PATTERN(0), 0
    EXPECT rdx, 0, 1
    EXPECT rsi, PATTERN(2), 2
    EXPECT rdi, PATTERN(3), 3
    EXPECT rbp, PATTERN(4), 4
    EXPECT r8,  PATTERN(5), 5
    EXPECT r9,  PATTERN(6), 6
    EXPECT r10, PATTERN(7), 7
    EXPECT r11, PATTERN(8), 8
    EXPECT r12, PATTERN(9), 9
    EXPECT r13, PATTERN(10), 10
    EXPECT r14, PATTERN(11), 11
    EXPECT r15, PATTERN(12), 12

    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
