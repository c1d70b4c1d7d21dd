; syscall/sysret paths.
;
; `syscall` leaves RSP on the user stack, so the entry must find the kernel stack
; without touching memory through user-controlled registers: the per-CPU area is
; reached through GS. GS base holds 0 (the user's value) and KERNEL_GS_BASE the per-CPU
; pointer; swapgs exchanges them just long enough to switch stacks, so everywhere else
; in the kernel GS holds the user value and exception handlers need no swapgs logic.
; This is safe because SFMASK clears IF (and TF) on entry: nothing can interrupt the
; window between the two swapgs.

bits 64
default rel

%define PERCPU_KERNEL_RSP 0                     ; = struct percpu in syscall.c
%define PERCPU_USER_RSP   8

extern syscall_dispatch

section .text

global syscall_entry
syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP], rsp
    mov rsp, [gs:PERCPU_KERNEL_RSP]
    push qword [gs:PERCPU_USER_RSP]
    swapgs

    ; struct syscall_frame, built from the top down. 10 pushes on a 16-aligned stack
    ; top keep RSP 16-aligned for the call.
    push rcx
    push r11
    push r9
    push r8
    push r10
    push rdx
    push rsi
    push rdi
    push rax
    mov rdi, rsp
    call syscall_dispatch
    pop rax
    pop rdi
    pop rsi
    pop rdx
    pop r10
    pop r8
    pop r9
    pop r11
    pop rcx
    pop rsp                                 ; back on the user stack, still CPL0
    ; RCX is the user's own return address, never changed by the kernel, so it is
    ; canonical (on Intel, sysretq with a non-canonical RCX faults at CPL0 on the user
    ; stack: a kernel that let RCX be set would have to check it here).
    o64 sysret                              ; RIP = RCX, RFLAGS = R11, CPL3

; enter_user(rip = RDI, rsp = RSI): the first (and only) way into user mode. sysretq
; needs no frame in memory, unlike iretq: it takes RIP from RCX and RFLAGS from R11.
global enter_user
enter_user:
    mov rcx, rdi
    mov rsp, rsi
    mov r11d, 0x2                           ; RFLAGS: only the always-one bit; IF = 0
    ; Leave no kernel values (addresses, stack pointers) in registers.
    xor eax, eax
    xor ebx, ebx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    o64 sysret
