/* Builds small ELF64 images in memory for the loader and boot tests. A test starts from
 * a valid image, then breaks exactly one field before serialising it, so every test
 * names the one defect it checks. Header-only (static inline) because the build links
 * each tests/unit/<module>/test_*.c on its own. */
#ifndef TESTS_UNIT_EMU_ELF_BUILDER_H
#define TESTS_UNIT_EMU_ELF_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/elf.h"

#define TELF_MAX_SEGS 8

typedef struct test_elf {
    elf64_ehdr eh;
    elf64_phdr ph[TELF_MAX_SEGS];
    unsigned nph;
    uint64_t data_off[TELF_MAX_SEGS], data_len[TELF_MAX_SEGS];  /* as added, unbroken */
    uint64_t data_end;      /* file offset after the last segment's bytes */
} test_elf;

/* Segment data starts after room for TELF_MAX_SEGS headers, so adding a segment never
 * moves the bytes of an earlier one. */
#define TELF_DATA_START (sizeof(elf64_ehdr) + TELF_MAX_SEGS * sizeof(elf64_phdr))

/* Byte k of segment i's file data: distinct per segment and per offset, so a copy to
 * the wrong place or of the wrong length shows. */
static inline uint8_t telf_byte(unsigned seg, uint64_t k)
{
    return (uint8_t)(0x40 + seg * 0x21 + k * 7);
}

static inline void telf_init(test_elf *t, uint64_t entry)
{
    memset(t, 0, sizeof(*t));
    memcpy(t->eh.e_ident, "\x7f" "ELF", 4);
    t->eh.e_ident[ELF_IDENT_CLASS] = ELF_CLASS64;
    t->eh.e_ident[ELF_IDENT_DATA] = ELF_DATA_LSB;
    t->eh.e_ident[6] = 1;   /* EI_VERSION */
    t->eh.e_type = ELF_TYPE_EXEC;
    t->eh.e_machine = ELF_MACHINE_X86_64;
    t->eh.e_version = 1;
    t->eh.e_entry = entry;
    t->eh.e_phoff = sizeof(elf64_ehdr);
    t->eh.e_ehsize = sizeof(elf64_ehdr);
    t->eh.e_phentsize = sizeof(elf64_phdr);
    t->data_end = TELF_DATA_START;
}

/* Appends a segment of type `type` at GPA paddr (vaddr equal) with filesz bytes of
 * telf_byte data in the file; returns its index. */
static inline unsigned telf_add(test_elf *t, uint32_t type, uint64_t paddr,
                                uint64_t filesz, uint64_t memsz)
{
    unsigned i = t->nph++;
    elf64_phdr *ph = &t->ph[i];
    ph->p_type = type;
    ph->p_flags = 7;
    ph->p_offset = t->data_end;
    ph->p_vaddr = paddr;
    ph->p_paddr = paddr;
    ph->p_filesz = filesz;
    ph->p_memsz = memsz;
    ph->p_align = 0x1000;
    t->data_off[i] = t->data_end;
    t->data_len[i] = filesz;
    t->data_end += filesz;
    t->eh.e_phnum = (uint16_t)t->nph;
    return i;
}

/* Serialises into a malloc'd buffer (free it); *size = bytes. Segment bytes go where
 * telf_add put them, whatever a test later did to the headers. */
static inline uint8_t *telf_build(const test_elf *t, size_t *size)
{
    size_t n = (size_t)t->data_end;
    uint8_t *buf = calloc(1, n);
    memcpy(buf, &t->eh, sizeof(t->eh));
    memcpy(buf + sizeof(t->eh), t->ph, t->nph * sizeof(elf64_phdr));
    for (unsigned i = 0; i < t->nph; i++)
        for (uint64_t k = 0; k < t->data_len[i]; k++)
            buf[t->data_off[i] + k] = telf_byte(i, k);
    *size = n;
    return buf;
}

#endif
