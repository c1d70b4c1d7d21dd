/* EPT-format leaf entry (Intel SDM vol. 3C, "EPT Paging-Structure Entries"), the one
 * format slat/ stores per 4 KiB GPA page. Keeping the hardware layout means a table dump
 * reads like a real EPT and the rights bits can be cross-checked against the SDM. */
#ifndef SLAT_EPT_H
#define SLAT_EPT_H

#include <stdint.h>

#include "common/bits.h"
#include "slat/slat.h"

typedef uint64_t ept_entry;
_Static_assert(sizeof(ept_entry) == 8, "an EPT entry is 64 bits");

#define EPT_R          BIT64(0)            /* read */
#define EPT_W          BIT64(1)            /* write */
#define EPT_KX         BIT64(2)            /* execute; supervisor-mode only under MBEC */
#define EPT_UX         BIT64(10)           /* user-mode execute (MBEC) */
#define EPT_PFN_MASK   MASK64(51, 12)      /* physical frame of the page */
/* Bit 52 is ignored by hardware (SDM: software-available), so it can carry our
 * copy-on-write mark without changing what the entry means to an EPT walker. */
#define EPT_COW        BIT64(52)

#define EPT_RIGHTS_MASK (EPT_R | EPT_W | EPT_KX | EPT_UX)

/* SLAT_* rights (hypercall bit values) to EPT bits and back. UX is not adjacent to the
 * other three in EPT, hence the explicit mapping. */
static inline ept_entry ept_from_rights(unsigned rights)
{
    return ((rights & SLAT_R) ? EPT_R : 0) | ((rights & SLAT_W) ? EPT_W : 0) |
           ((rights & SLAT_KX) ? EPT_KX : 0) | ((rights & SLAT_UX) ? EPT_UX : 0);
}

static inline unsigned ept_rights(ept_entry e)
{
    return ((e & EPT_R) ? SLAT_R : 0u) | ((e & EPT_W) ? SLAT_W : 0u) |
           ((e & EPT_KX) ? SLAT_KX : 0u) | ((e & EPT_UX) ? SLAT_UX : 0u);
}

static inline uint64_t ept_spa(ept_entry e) { return e & EPT_PFN_MASK; }

#endif
