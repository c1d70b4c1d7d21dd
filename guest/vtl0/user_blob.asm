; The user programs' ELF files, embedded in the kernel's read-only data. The kernel
; loads one like a tiny exec() (process.c), so each user program is linked on its own,
; at user addresses, with its own copy of guest/lib: no kernel symbol is reachable from
; it. guest.mk passes the directory holding the stripped ELFs with -i.
;   hello: the single-VTL demo (user/hello.c)
;   lsass: the credential client of the two-VTL demo (user/lsass.c)

section .rodata
align 16
global hello_elf, hello_elf_end
hello_elf:
    incbin "vtl0-user.strip.elf"
hello_elf_end:

align 16
global lsass_elf, lsass_elf_end
lsass_elf:
    incbin "vtl0-lsass.strip.elf"
lsass_elf_end:
