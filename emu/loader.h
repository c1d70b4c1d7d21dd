/* ELF image loading (DESIGN §3): validate an ELF64 x86-64 ET_EXEC image and copy its
 * PT_LOAD segments to their p_paddr in guest RAM (SPA == GPA at boot). Pure C, no
 * Unicorn: the caller hands in bytes and a physmem.
 *
 * Errors are one line without a newline, "<name>: <defect>", fit for the CLI's single
 * stderr line (DESIGN §8, exit 64). */
#ifndef EMU_LOADER_H
#define EMU_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "common/physmem.h"
#include "common/status.h"

/* Largest image or module file loader_read_file accepts: far above any guest image,
 * low enough that a wrong path (a disk image, /dev/zero) fails fast. */
#define LOADER_FILE_MAX (UINT64_C(1) << 30)

typedef struct loader_range {
    uint64_t start, end;            /* [start, end) GPAs */
} loader_range;

typedef struct loader_image {
    uint64_t entry;                 /* e_entry: a GPA inside a loaded segment */
    uint64_t lo;                    /* lowest p_paddr of the PT_LOAD segments */
    uint64_t hi;                    /* max(p_paddr + p_memsz) of the PT_LOAD segments */
} loader_image;

/* Validate `data` (size bytes) as an image called `name` and copy it into RAM.
 * `taken` are the ranges of images loaded before (ntaken of them, named by
 * taken_names[i]; taken_names may be NULL). PT_LOAD segments with p_memsz == 0 are
 * ignored; other segment types are skipped. Segment numbers in messages are program
 * header indexes, as `readelf -l` shows them. Because every GVA is identity mapped at
 * entry, the entry point must lie in a segment's [p_paddr, p_paddr + p_memsz).
 *
 * Returns VE_OK and fills *out; VE_E_FORMAT for a malformed image; VE_E_RANGE when a
 * segment lies outside RAM or overlaps another segment or a taken range; VE_E_INVAL for
 * NULL arguments. On failure `err` holds the reason and RAM is untouched: nothing is
 * written until the whole image has validated. */
ve_status loader_load_elf(physmem *pm, const char *name, const uint8_t *data, size_t size,
                          const loader_range *taken, const char *const *taken_names,
                          size_t ntaken, loader_image *out, char *err, size_t errlen);

/* Read a whole host file into a malloc'd buffer (*data, *size; the caller frees).
 * VE_E_IO when it cannot be opened or read or is not a regular file, VE_E_FORMAT when
 * empty, VE_E_RANGE when larger than LOADER_FILE_MAX, VE_E_NOMEM; `err` says which,
 * naming `path`. */
ve_status loader_read_file(const char *path, uint8_t **data, size_t *size,
                           char *err, size_t errlen);

#endif
