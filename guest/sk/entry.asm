; Secure kernel entry. With --vtl1 the VP starts here, in VTL1, before any VTL0 code:
; long mode, CPL0, the loader's identity page tables, RDI = boot-info page GPA
; (DESIGN.md §3). The image runs where it was loaded, so no relocation or higher-half
; jump is needed: check the boot info, move to our own stack, call sk_main.

bits 64
default rel

%define BOOT_INFO_MAGIC 0x31544f4f424c5456      ; "VTLBOOT1"
%define SK_EXIT_BOOT    42                      ; = guest/lib/securecall.h

extern sk_main

section .text.entry progbits alloc exec nowrite align=16
global _start
_start:
    mov rax, BOOT_INFO_MAGIC
    cmp [rdi], rax
    jne bad_boot
    ; Our stack is in the image (protected from VTL0 with the rest of it); the
    ; loader's stack is left alone.
    lea rsp, [sk_stack_top]
    xor ebp, ebp
    call sk_main                            ; does not return
    ud2

bad_boot:
    lea rsi, [bad_boot_msg]
.next:
    mov dx, 0x3fd                           ; COM1 LSR: wait for THR empty
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov al, [rsi]
    test al, al
    jz .exit
    mov dx, 0x3f8
    out dx, al
    inc rsi
    jmp .next
.exit:
    mov al, SK_EXIT_BOOT
    out 0xf4, al
.halt:
    cli
    hlt
    jmp .halt

bad_boot_msg: db "sk: bad boot-info magic", 10, 0

section .bss
align 16
sk_stack:   resb 16384
sk_stack_top:
