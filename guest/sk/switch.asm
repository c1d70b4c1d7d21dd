; The secure kernel's side of a VTL switch.
;
; RAX-R15 except RSP are shared between the VTLs (DESIGN.md §6): when VTL1 is entered,
; they hold VTL0's values, and when VTL1 returns, VTL0 sees whatever VTL1 left in them.
; So this stub (1) saves VTL1's callee-saved registers on VTL1's own stack (RSP is
; private: it survives), (2) loads VTL0's registers from a struct vtl0_regs before the
; VtlReturn, so VTL0 never sees a VTL1 value (addresses, bits of the secret), and
; (3) on the next entry into VTL1 stores VTL0's registers into the same struct and
; restores VTL1's. RAX and RCX are the exception: VtlReturn loads VTL0's from the VP
; assist page (+0x10, +0x18), which the C code fills.
;
; void sk_vtl_return(struct vtl0_regs *r)

bits 64
default rel

%define HVCALL_VTL_RETURN 0x12

; struct vtl0_regs in sk.h
%define R_RAX 0
%define R_RCX 8
%define R_RDX 16
%define R_RBX 24
%define R_RBP 32
%define R_RSI 40
%define R_RDI 48
%define R_R8  56
%define R_R9  64
%define R_R10 72
%define R_R11 80
%define R_R12 88
%define R_R13 96
%define R_R14 104
%define R_R15 112

extern sk_hypercall_page                        ; hvcall.c: GVA of `vmcall; ret`

section .text
global sk_vtl_return
sk_vtl_return:
    push rbx
    push rbp
    push r12
    push r13
    push r14
    push r15
    push rdi                                    ; r, found again at [rsp] after the switch

    mov rax, [rdi + R_RAX]
    mov rdx, [rdi + R_RDX]
    mov rbx, [rdi + R_RBX]
    mov rbp, [rdi + R_RBP]
    mov rsi, [rdi + R_RSI]
    mov r8,  [rdi + R_R8]
    mov r9,  [rdi + R_R9]
    mov r10, [rdi + R_R10]
    mov r11, [rdi + R_R11]
    mov r12, [rdi + R_R12]
    mov r13, [rdi + R_R13]
    mov r14, [rdi + R_R14]
    mov r15, [rdi + R_R15]
    mov ecx, HVCALL_VTL_RETURN                  ; VTL0's RCX comes from the assist page
    mov rdi, [rdi + R_RDI]
    call qword [sk_hypercall_page]              ; vmcall; ret

    ; Back in VTL1: a VtlCall or an intercept. Every shared register is VTL0's.
    push rdi
    mov rdi, [rsp + 8]
    mov [rdi + R_RAX], rax
    mov [rdi + R_RCX], rcx
    mov [rdi + R_RDX], rdx
    mov [rdi + R_RBX], rbx
    mov [rdi + R_RBP], rbp
    mov [rdi + R_RSI], rsi
    mov [rdi + R_R8],  r8
    mov [rdi + R_R9],  r9
    mov [rdi + R_R10], r10
    mov [rdi + R_R11], r11
    mov [rdi + R_R12], r12
    mov [rdi + R_R13], r13
    mov [rdi + R_R14], r14
    mov [rdi + R_R15], r15
    pop qword [rdi + R_RDI]
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbp
    pop rbx
    ret
