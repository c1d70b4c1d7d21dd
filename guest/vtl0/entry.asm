; vtl0 kernel entry. The loader starts us here (e_entry, a physical address) in long
; mode at CPL0 with its own identity page tables for all RAM, RDI = boot-info page GPA,
; RSP = its stack, interrupts off (DESIGN.md §3).
;
; All this stub does is get into the higher half: it makes a boot PML4 that reuses the
; loader's identity tables for three windows, then jumps to kmain on a kernel stack.
; paging.c later builds the real tables from scratch and drops the identity map; the
; loader's tables are only read here, never written.
;
;   PML4[0]   -> loader's identity PDPT            (so this stub keeps running)
;   PML4[256] -> loader's identity PDPT            (direct map: DIRECT_MAP_BASE + GPA)
;   PML4[511] -> boot_pdpt, [510] = loader's PDPT[0] (KERNEL_VBASE + GPA, first 1 GiB)
;
; Copying PDPT entries works whether the loader used 2 MiB or 1 GiB pages, and the
; direct-map window reaches any RAM size, including the boot-info page at the top.

bits 64
default rel

%define KERNEL_VBASE    0xffffffff80000000      ; = layout.h, kernel.ld
%define BOOT_INFO_MAGIC 0x31544f4f424c5456      ; "VTLBOOT1"
%define PTE_ADDR        0x000ffffffffff000      ; physical-address bits of an entry
%define DEBUG_EXIT_PORT 0xf4
%define EXIT_BAD_BOOT   2                       ; = panic.h

extern kmain

section .boot.text progbits alloc exec nowrite align=16
global _start
_start:
    mov rax, BOOT_INFO_MAGIC
    cmp [rdi], rax
    jne bad_boot

    ; The tables live in .bss, linked high: use their physical addresses, since the
    ; higher half does not exist yet.
    mov rsi, cr3
    mov rcx, PTE_ADDR
    and rsi, rcx                            ; loader PML4
    mov r8, boot_pml4 - KERNEL_VBASE
    mov r9, boot_pdpt - KERNEL_VBASE

    mov rax, [rsi]                          ; loader PML4[0]: identity PDPT
    mov [r8], rax
    mov [r8 + 256*8], rax
    and rax, rcx
    mov rdx, [rax]                          ; loader PDPT[0]: GPA 0 .. 1 GiB
    mov [r9 + 510*8], rdx
    lea rax, [r9 + 3]                       ; present | writable
    mov [r8 + 511*8], rax

    mov cr3, r8
    mov rax, higher_half                    ; absolute 64-bit: the link address
    jmp rax

bad_boot:
    ; No boot info: nothing is known about RAM, so just say so and stop.
    lea rsi, [bad_boot_msg]
.next:
    mov al, [rsi]
    test al, al
    jz .exit
    mov dx, 0x3fd                           ; COM1 LSR: wait for THR empty
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov al, [rsi]
    mov dx, 0x3f8
    out dx, al
    inc rsi
    jmp .next
.exit:
    mov al, EXIT_BAD_BOOT
    out DEBUG_EXIT_PORT, al
.halt:
    cli
    hlt
    jmp .halt

bad_boot_msg: db "vtl0: bad boot-info magic", 10, 0

section .text
higher_half:
    ; The loader's stack is identity mapped and goes away with the identity map.
    lea rsp, [boot_stack_top]
    xor ebp, ebp                            ; end of frame-pointer chains
    call kmain                              ; (boot-info GPA still in RDI)
    ud2                                     ; kmain does not return

section .bss
align 4096
boot_pml4:  resb 4096
boot_pdpt:  resb 4096
boot_stack: resb 16384
boot_stack_top:
