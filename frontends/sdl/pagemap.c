/* The memory map's view of pages: each VTL's SLAT rights per guest-physical page, with
 * what the event stream adds (copy-on-write breaks) and the secure kernel's ranges. */
#include <stdlib.h>

#include "frontends/sdl/model.h"

void dbg_rights_str(unsigned r, char out[5])
{
    out[0] = (r & DBG_R) ? 'R' : '-';
    out[1] = (r & DBG_W) ? 'W' : '-';
    out[2] = (r & DBG_KX) ? 'K' : '-';
    out[3] = (r & DBG_UX) ? 'U' : '-';
    out[4] = 0;
}

void dbg_page_note(dbg_ranges *r, uint64_t addr, uint64_t len)
{
    uint64_t first = addr / DBG_PAGE, last = (addr + len - 1) / DBG_PAGE;
    if (len == 0 || addr + len < addr)
        return;
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].first == first && r->v[i].count == last - first + 1)
            return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        dbg_range *v = realloc(r->v, cap * sizeof(*v));
        if (!v)
            return;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = (dbg_range){ first, last - first + 1 };
}

static bool in_ranges(const dbg_ranges *r, uint64_t page)
{
    for (size_t i = 0; i < r->n; i++)
        if (page >= r->v[i].first && page - r->v[i].first < r->v[i].count)
            return true;
    return false;
}

static bool in_range(uint64_t gpa, uint64_t lo, uint64_t hi)
{
    return lo < hi && gpa >= lo && gpa < hi;
}

void dbg_page_get(const dbg_model *d, unsigned vtl, uint64_t gpa, dbg_page *out)
{
    *out = (dbg_page){ 0 };
    gpa &= ~(DBG_PAGE - 1);
    if (vtl >= DBG_VTLS || gpa / DBG_PAGE >= d->ram_pages || !emu_vtl_enabled(d->m, vtl))
        return;
    out->ok = emu_slat_get(d->m, vtl, gpa, &out->rights, &out->spa, &out->cow) == VE_OK;
    out->cow_broken = in_ranges(&d->cow_broken, gpa / DBG_PAGE);
    out->dma = in_ranges(&d->dma, gpa / DBG_PAGE);
    out->secure = in_range(gpa, d->secure_lo[0], d->secure_hi[0]) || in_range(gpa, d->secure_lo[1], d->secure_hi[1]);
}

dbg_cat dbg_page_cat(const dbg_page *p, unsigned vtl)
{
    if (!p->ok)
        return DBG_CAT_ABSENT;
    if (p->cow)
        return DBG_CAT_COW;
    /* In VTL1 a private copy of a broken page is VTL1's own: only VTL0 shows the break. */
    if (p->cow_broken && vtl == 0)
        return DBG_CAT_COW_BROKEN;
    bool r = p->rights & DBG_R, w = p->rights & DBG_W, x = p->rights & (DBG_KX | DBG_UX);
    if (!r && !w && !x)
        return DBG_CAT_NONE;
    if (!r)
        return DBG_CAT_X;
    if (w && x)
        return p->secure ? DBG_CAT_SECURE : p->dma ? DBG_CAT_DMA : DBG_CAT_RWX;
    if (w)
        return DBG_CAT_RW;
    return x ? DBG_CAT_RX : DBG_CAT_R;
}

dbg_cat dbg_cat_of_range(const dbg_model *d, unsigned vtl, uint64_t first, uint64_t n, uint64_t max_probe)
{
    dbg_cat best = DBG_CAT_ABSENT;
    uint64_t step = (max_probe && n > max_probe) ? n / max_probe : 1;
    for (uint64_t i = 0; i < n; i += step) {
        dbg_page p;
        dbg_page_get(d, vtl, (first + i) * DBG_PAGE, &p);
        dbg_cat c = dbg_page_cat(&p, vtl);
        if (c > best)
            best = c;
    }
    return best;
}

const char *dbg_cat_name(dbg_cat c)
{
    static const char *const names[DBG_CAT_COUNT] = {
        [DBG_CAT_ABSENT] = "absent",       [DBG_CAT_RWX] = "read/write/execute",
        [DBG_CAT_SECURE] = "secure kernel", [DBG_CAT_DMA] = "DMA buffer", [DBG_CAT_RW] = "read/write",
        [DBG_CAT_RX] = "read/execute",     [DBG_CAT_R] = "read only",
        [DBG_CAT_X] = "execute only",      [DBG_CAT_NONE] = "no access",
        [DBG_CAT_COW] = "copy-on-write shared", [DBG_CAT_COW_BROKEN] = "copy-on-write broken",
    };
    return (unsigned)c < DBG_CAT_COUNT ? names[c] : "?";
}
