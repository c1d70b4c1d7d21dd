; The user program's ELF file, embedded in the kernel's read-only data. The kernel
; loads it like a tiny exec() (process.c), so the user program is linked on its own, at
; user addresses, with its own copy of guest/lib: no kernel symbol is reachable from it.
; guest.mk passes the directory holding vtl0-user.strip.elf with -i.

section .rodata
align 16
global user_elf, user_elf_end
user_elf:
    incbin "vtl0-user.strip.elf"
user_elf_end:
