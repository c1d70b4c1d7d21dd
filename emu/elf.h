/* The parts of the ELF64 format the loader reads (System V gABI, x86-64 psABI).
 * Our own definitions rather than <elf.h>: that header is glibc's, not every host has
 * it, and the loader needs only a few fields. Constants carry an ELF_ prefix so they
 * never clash with a system <elf.h> included elsewhere. Fields are little endian
 * in the file; the emulator only runs on little-endian hosts (checked in loader.c). */
#ifndef EMU_ELF_H
#define EMU_ELF_H

#include <stddef.h>
#include <stdint.h>

/* e_ident[] indexes and the values we accept. */
#define ELF_IDENT_SIZE      16
#define ELF_IDENT_CLASS     4
#define ELF_IDENT_DATA      5
#define ELF_CLASS64         2
#define ELF_DATA_LSB        1

#define ELF_TYPE_EXEC       2       /* ET_EXEC: fixed addresses, no relocation */
#define ELF_MACHINE_X86_64  62      /* EM_X86_64 */
#define ELF_PT_LOAD         1

typedef struct elf64_ehdr {
    uint8_t  e_ident[ELF_IDENT_SIZE];  /* "\x7fELF", class, data, version, ABI */
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;       /* file offset of the program header table */
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;   /* must be sizeof(elf64_phdr) */
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} elf64_ehdr;

_Static_assert(sizeof(elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(offsetof(elf64_ehdr, e_type) == 0x10, "e_type");
_Static_assert(offsetof(elf64_ehdr, e_machine) == 0x12, "e_machine");
_Static_assert(offsetof(elf64_ehdr, e_entry) == 0x18, "e_entry");
_Static_assert(offsetof(elf64_ehdr, e_phoff) == 0x20, "e_phoff");
_Static_assert(offsetof(elf64_ehdr, e_phentsize) == 0x36, "e_phentsize");
_Static_assert(offsetof(elf64_ehdr, e_phnum) == 0x38, "e_phnum");

typedef struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;      /* file offset of the segment's bytes */
    uint64_t p_vaddr;
    uint64_t p_paddr;       /* where vtlemu puts the segment: a GPA */
    uint64_t p_filesz;
    uint64_t p_memsz;       /* p_memsz - p_filesz trailing bytes are zeroed (bss) */
    uint64_t p_align;
} elf64_phdr;

_Static_assert(sizeof(elf64_phdr) == 56, "ELF64 program header is 56 bytes");
_Static_assert(offsetof(elf64_phdr, p_offset) == 0x08, "p_offset");
_Static_assert(offsetof(elf64_phdr, p_paddr) == 0x18, "p_paddr");
_Static_assert(offsetof(elf64_phdr, p_filesz) == 0x20, "p_filesz");
_Static_assert(offsetof(elf64_phdr, p_memsz) == 0x28, "p_memsz");

#endif
