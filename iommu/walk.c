/* The remapping walk of VT-d legacy mode: root entry -> context entry -> second-level
 * paging structures. The order of the checks follows the hardware: an entry is read,
 * then its present bit, then its reserved bits, then what it means; the first failure
 * is the fault. */
#include "common/bits.h"
#include "iommu/iommu_priv.h"

/* Table memory as the device's VTL sees it: a page the SLAT does not let it read is as
 * unreadable as one outside RAM. */
static bool table_read(const iommu *u, unsigned vtl, uint64_t gpa, uint64_t *val)
{
    uint64_t spa;
    if (!u->env.slat(u->env.ctx, vtl, gpa, false, &spa))
        return false;
    return u->env.read64(u->env.ctx, gpa, val);
}

static bool entry128_read(const iommu *u, unsigned vtl, uint64_t gpa, uint64_t *lo, uint64_t *hi)
{
    return table_read(u, vtl, gpa, lo) && table_read(u, vtl, gpa + 8, hi);
}

static uint8_t denied(bool write)
{
    return write ? VTD_FR_NO_WRITE : VTD_FR_NO_READ;
}

/* Reserved bits of a present second-level entry at `level` (4 = SL-PML4E ... 1 = SL-PTE). */
static uint64_t sl_reserved(unsigned level, bool leaf)
{
    if (level == 4)
        return VTD_SL_RSVD_PML4E;
    if (leaf && level == 3)
        return VTD_SL_RSVD_1G;
    if (leaf && level == 2)
        return VTD_SL_RSVD_2M;
    return VTD_SL_RSVD;
}

/* Second-level walk from the table at `table`, `levels` deep. Rights are ANDed over the
 * levels and checked at the leaf, so a reserved bit below an entry lacking the right
 * is still reported as such; a not-present entry (R = W = 0) stops the walk at once. */
static uint8_t sl_walk(const iommu *u, unsigned vtl, uint64_t table, unsigned levels, uint64_t iova,
                       bool write, uint64_t *gpa)
{
    uint64_t rights = VTD_SL_RW;
    for (unsigned level = levels; level >= 1; level--) {
        unsigned shift = PAGE_SHIFT + 9 * (level - 1);
        uint64_t at = table + ((iova >> shift) & (VTD_SL_ENTRIES - 1)) * sizeof(vtd_sl_entry);
        vtd_sl_entry e;
        if (!table_read(u, vtl, at, &e))
            /* The top table comes from the context entry's SLPTPTR: the spec files a
             * failure to read it under "invalid context entry". */
            return level == levels ? VTD_FR_CONTEXT_INVALID : VTD_FR_PAGING_ENTRY_ACCESS;
        if (!(e & VTD_SL_RW))
            return denied(write);
        bool leaf = level == 1 || ((level == 2 || level == 3) && (e & VTD_SL_PS));
        if (e & sl_reserved(level, leaf))
            return VTD_FR_PAGING_ENTRY_RESERVED;
        rights &= e;
        if (leaf) {
            if (!(rights & (write ? VTD_SL_W : VTD_SL_R)))
                return denied(write);
            uint64_t in_page = MASK64(shift - 1, 0);
            *gpa = (e & VTD_SL_ADDR & ~in_page) | (iova & in_page);
            return IOMMU_FR_NONE;
        }
        table = e & VTD_SL_ADDR;
    }
    return IOMMU_FR_NONE;   /* not reached: level 1 is always a leaf */
}

void iommu_remap(const iommu *u, uint16_t rid, unsigned vtl, uint64_t iova, bool write, iommu_walk *w)
{
    w->reason = IOMMU_FR_NONE;
    w->gpa = 0;
    w->fpd = false;

    vtd_root_entry re;
    uint64_t at = u->root + (uint64_t)(rid >> 8) * sizeof(vtd_root_entry);
    if (!entry128_read(u, vtl, at, &re.lo, &re.hi)) {
        w->reason = VTD_FR_ROOT_TABLE_ACCESS;
        return;
    }
    if (!(re.lo & VTD_RE_P)) {
        w->reason = VTD_FR_ROOT_NOT_PRESENT;
        return;
    }
    if ((re.lo & VTD_RE_LO_RSVD) || (re.hi & VTD_RE_HI_RSVD)) {
        w->reason = VTD_FR_ROOT_RESERVED;
        return;
    }

    vtd_context_entry ce;
    at = (re.lo & VTD_RE_CTP) + (uint64_t)(rid & 0xFFu) * sizeof(vtd_context_entry);
    if (!entry128_read(u, vtl, at, &ce.lo, &ce.hi)) {
        w->reason = VTD_FR_CONTEXT_TABLE_ACCESS;
        return;
    }
    /* The spec evaluates FPD whatever the present bit says. */
    w->fpd = (ce.lo & VTD_CE_FPD) != 0;
    if (!(ce.lo & VTD_CE_P)) {
        w->reason = VTD_FR_CONTEXT_NOT_PRESENT;
        return;
    }
    if ((ce.lo & VTD_CE_LO_RSVD) || (ce.hi & VTD_CE_HI_RSVD)) {
        w->reason = VTD_FR_CONTEXT_RESERVED;
        return;
    }
    unsigned tt = (unsigned)((ce.lo & VTD_CE_TT) >> VTD_CE_TT_SHIFT);
    unsigned aw = (unsigned)(ce.hi & VTD_CE_AW);
    /* Pass-through must name the widest AGAW the unit supports (spec, context entry AW). */
    bool aw_ok = tt == VTD_TT_PASS_THROUGH ? aw == VTD_AW_48 : (aw == VTD_AW_39 || aw == VTD_AW_48);
    if ((tt != VTD_TT_SECOND_LEVEL && tt != VTD_TT_PASS_THROUGH) || !aw_ok) {
        w->reason = VTD_FR_CONTEXT_INVALID;
        return;
    }
    unsigned agaw = aw == VTD_AW_39 ? 39 : 48;
    if (iova >> agaw) {
        w->reason = VTD_FR_ADDR_BEYOND_AW;
        return;
    }
    if (tt == VTD_TT_PASS_THROUGH) {
        w->gpa = iova;
        return;
    }
    unsigned levels = aw == VTD_AW_39 ? 3 : 4;
    w->reason = sl_walk(u, vtl, ce.lo & VTD_CE_SLPTPTR, levels, iova, write, &w->gpa);
}
