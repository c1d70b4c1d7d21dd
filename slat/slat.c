#include "slat/slat.h"

#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "slat/ept.h"

/* A flat table rather than a 4-level EPT: the GPA space is RAM only and small (MiBs to a
 * few GiB), and slat_check runs on every TLB fill, so one shift and one load beats a walk.
 * 256 MiB of RAM costs 512 KiB of table. */
struct slat {
    ept_entry *ept;       /* one leaf entry per GPA page in [0, gpa_limit) */
    uint64_t pages;
    uint64_t gpa_limit;
    uint64_t generation;
};

/* The frame field stops at bit 51: a GPA page above that could not be identity-mapped. */
#define SLAT_MAX_GPA_LIMIT BIT64(52)

ve_status slat_create(uint64_t gpa_limit, slat **out)
{
    if (!out || gpa_limit == 0 || !is_aligned(gpa_limit, PAGE_SIZE))
        return VE_E_INVAL;
    if (gpa_limit > SLAT_MAX_GPA_LIMIT)
        return VE_E_RANGE;
    slat *s = calloc(1, sizeof(*s));
    if (!s)
        return VE_E_NOMEM;
    s->pages = gpa_limit >> PAGE_SHIFT;
    s->gpa_limit = gpa_limit;
    s->ept = malloc(s->pages * sizeof(ept_entry));
    if (!s->ept) {
        free(s);
        return VE_E_NOMEM;
    }
    const ept_entry full = ept_from_rights(SLAT_RWX);
    for (uint64_t i = 0; i < s->pages; i++)
        s->ept[i] = (i << PAGE_SHIFT) | full;
    *out = s;
    return VE_OK;
}

void slat_destroy(slat *s)
{
    if (!s)
        return;
    free(s->ept);
    free(s);
}

uint64_t slat_gpa_limit(const slat *s) { return s->gpa_limit; }
uint64_t slat_generation(const slat *s) { return s->generation; }

ve_status slat_lookup(const slat *s, uint64_t gpa, slat_entry *out)
{
    if (!out)
        return VE_E_INVAL;
    uint64_t idx = gpa >> PAGE_SHIFT;
    /* gpa_limit is page-aligned, so comparing page numbers is exact. */
    if (idx >= s->pages)
        return VE_E_RANGE;
    ept_entry e = s->ept[idx];
    out->spa = ept_spa(e);
    out->rights = ept_rights(e);
    out->cow = (e & EPT_COW) != 0;
    return VE_OK;
}

/* The EPT bit an access needs, or 0 when the access is refused whatever the rights
 * (a write to a cow page). Execute picks KX or UX by CPL, as MBEC does. */
static ept_entry needed_bit(ept_entry e, slat_access acc, unsigned cpl)
{
    switch (acc) {
    case SLAT_ACC_READ:
        return EPT_R;
    case SLAT_ACC_WRITE:
        return (e & EPT_COW) ? 0 : EPT_W;
    case SLAT_ACC_EXEC:
        return cpl < 3 ? EPT_KX : EPT_UX;
    }
    return 0;
}

ve_status slat_check(const slat *s, uint64_t gpa, slat_access acc, unsigned cpl, uint64_t *spa_out)
{
    if (cpl > 3 || (unsigned)acc > SLAT_ACC_EXEC)
        return VE_E_INVAL;
    uint64_t idx = gpa >> PAGE_SHIFT;
    if (idx >= s->pages)
        return VE_E_RANGE;
    ept_entry e = s->ept[idx];
    ept_entry need = needed_bit(e, acc, cpl);
    if (!need || !(e & need))
        return VE_E_DENIED;
    if (spa_out)
        *spa_out = ept_spa(e) | (gpa & ~PAGE_MASK);
    return VE_OK;
}

unsigned slat_allowed_accesses(const slat *s, uint64_t gpa, unsigned cpl)
{
    uint64_t idx = gpa >> PAGE_SHIFT;
    if (cpl > 3 || idx >= s->pages)
        return 0;
    ept_entry e = s->ept[idx];
    unsigned mask = 0;
    for (unsigned acc = SLAT_ACC_READ; acc <= SLAT_ACC_EXEC; acc++) {
        ept_entry need = needed_bit(e, (slat_access)acc, cpl);
        if (need && (e & need))
            mask |= 1u << acc;
    }
    return mask;
}

ve_status slat_set_rights(slat *s, uint64_t gpa, uint64_t len, unsigned rights)
{
    if (len == 0 || rights > SLAT_RWX)
        return VE_E_INVAL;
    /* Validate the whole range before touching anything: a hypercall either applies
     * completely or leaves the table as it was. */
    if (!range_within(gpa, len, s->gpa_limit))
        return VE_E_RANGE;
    uint64_t first = gpa >> PAGE_SHIFT;
    uint64_t last = (gpa + len - 1) >> PAGE_SHIFT;
    ept_entry bits = ept_from_rights(rights);
    bool changed = false;
    for (uint64_t i = first; i <= last; i++) {
        ept_entry e = (s->ept[i] & ~EPT_RIGHTS_MASK) | bits;
        changed |= e != s->ept[i];
        s->ept[i] = e;
    }
    /* Re-applying the same rights changes no translation, so cached TLB entries stay
     * valid: no bump, no needless flush in every engine. */
    if (changed)
        s->generation++;
    return VE_OK;
}

ve_status slat_set_page(slat *s, uint64_t gpa, uint64_t spa, bool cow)
{
    if (!is_aligned(gpa, PAGE_SIZE) || (spa & ~EPT_PFN_MASK))
        return VE_E_INVAL;
    uint64_t idx = gpa >> PAGE_SHIFT;
    if (idx >= s->pages)
        return VE_E_RANGE;
    ept_entry old = s->ept[idx];
    ept_entry e = (old & ~(EPT_PFN_MASK | EPT_COW)) | spa | (cow ? EPT_COW : 0);
    s->ept[idx] = e;
    /* The cow bit alone changes whether a write is allowed, so it counts as a change. */
    if (e != old)
        s->generation++;
    return VE_OK;
}

const char *slat_rights_str(unsigned rights, char buf[5])
{
    buf[0] = (rights & SLAT_R) ? 'R' : '-';
    buf[1] = (rights & SLAT_W) ? 'W' : '-';
    buf[2] = (rights & SLAT_KX) ? 'K' : '-';
    buf[3] = (rights & SLAT_UX) ? 'U' : '-';
    buf[4] = '\0';
    return buf;
}

ve_status slat_clone(const slat *src, slat **out)
{
    if (!src || !out)
        return VE_E_INVAL;
    slat *s;
    ve_status st = slat_create(src->gpa_limit, &s);
    if (st != VE_OK)
        return st;
    memcpy(s->ept, src->ept, src->pages * sizeof(ept_entry));
    s->generation = src->generation;
    *out = s;
    return VE_OK;
}

ve_status slat_assign(slat *dst, const slat *src)
{
    if (!dst || !src)
        return VE_E_INVAL;
    if (dst->gpa_limit != src->gpa_limit)
        return VE_E_RANGE;
    memcpy(dst->ept, src->ept, src->pages * sizeof(ept_entry));
    /* Every translation may have changed: a new generation, never an old one. */
    dst->generation = (dst->generation > src->generation ? dst->generation : src->generation) + 1;
    return VE_OK;
}
