/* Primary fault logging as VT-d does it: a ring of fault recording registers filled in
 * turn, an overflow flag instead of overwriting, and the status register software polls. */
#include "common/bits.h"
#include "iommu/iommu_priv.h"

/* The faults the spec lets a context entry's FPD silence: those that arise once the
 * context entry has been located. Root-level faults, table access errors and reserved
 * bits in the context entry itself cannot be trusted to a bit of that entry. */
static bool qualified(uint8_t reason)
{
    switch (reason) {
    case VTD_FR_CONTEXT_NOT_PRESENT:
    case VTD_FR_CONTEXT_INVALID:
    case VTD_FR_ADDR_BEYOND_AW:
    case VTD_FR_NO_WRITE:
    case VTD_FR_NO_READ:
    case VTD_FR_PAGING_ENTRY_ACCESS:
    case VTD_FR_PAGING_ENTRY_RESERVED:
        return true;
    default:
        return false;
    }
}

void iommu_record_fault(iommu *u, iommu_result *r, bool fpd)
{
    r->recorded = false;
    /* The queue belongs to VTL0's view of the unit: a secure device's faults would tell
     * VTL0 what VTL1 does. */
    if (r->vtl != 0)
        return;
    if (fpd && qualified(r->reason))
        return;
    iommu_fault_record *slot = &u->slots[u->next];
    if (u->overflow || slot->pending) {
        u->overflow = true;
        u->dropped++;
        return;
    }
    *slot = (iommu_fault_record){
        .pending = true,
        .reason = r->reason,
        .rid = r->rid,
        .vtl = r->vtl,
        .iova = r->iova,
        .write = r->write,
        .gpa_known = r->gpa_known,
        .gpa = r->gpa,
    };
    if (u->npending++ == 0)
        u->fri = u->next;
    u->next = (u->next + 1) % u->nslots;
    r->recorded = true;
}

unsigned iommu_fault_slots(const iommu *u) { return u->nslots; }
uint64_t iommu_faults_dropped(const iommu *u) { return u->dropped; }
void iommu_fault_clear_overflow(iommu *u) { u->overflow = false; }

ve_status iommu_fault_read(const iommu *u, unsigned slot, iommu_fault_record *out)
{
    if (!out)
        return VE_E_INVAL;
    if (slot >= u->nslots)
        return VE_E_RANGE;
    *out = u->slots[slot];
    return VE_OK;
}

ve_status iommu_fault_clear(iommu *u, unsigned slot)
{
    if (slot >= u->nslots)
        return VE_E_RANGE;
    if (u->slots[slot].pending) {
        u->slots[slot].pending = false;
        u->npending--;
    }
    return VE_OK;
}

uint32_t iommu_fault_status(const iommu *u)
{
    uint32_t s = (u->fri << VTD_FSTS_FRI_SHIFT) & VTD_FSTS_FRI;
    if (u->overflow)
        s |= VTD_FSTS_PFO;
    if (u->npending)
        s |= VTD_FSTS_PPF;
    return s;
}

vtd_frcd iommu_fault_encode(const iommu_fault_record *r)
{
    vtd_frcd f;
    f.lo = r->iova & VTD_FRCD_FI;
    f.hi = ((uint64_t)r->rid & VTD_FRCD_SID) | ((uint64_t)r->reason << VTD_FRCD_FR_SHIFT);
    if (!r->write)
        f.hi |= VTD_FRCD_T;
    if (r->pending)
        f.hi |= VTD_FRCD_F;
    return f;
}

const char *iommu_reason_name(uint8_t reason)
{
    switch (reason) {
    case IOMMU_FR_NONE:                return "none";
    case VTD_FR_ROOT_NOT_PRESENT:      return "root_entry_not_present";
    case VTD_FR_CONTEXT_NOT_PRESENT:   return "context_entry_not_present";
    case VTD_FR_CONTEXT_INVALID:       return "context_entry_invalid";
    case VTD_FR_ADDR_BEYOND_AW:        return "address_beyond_width";
    case VTD_FR_NO_WRITE:              return "no_write_permission";
    case VTD_FR_NO_READ:               return "no_read_permission";
    case VTD_FR_PAGING_ENTRY_ACCESS:   return "paging_entry_access_error";
    case VTD_FR_ROOT_TABLE_ACCESS:     return "root_table_access_error";
    case VTD_FR_CONTEXT_TABLE_ACCESS:  return "context_table_access_error";
    case VTD_FR_ROOT_RESERVED:         return "root_entry_reserved_bits";
    case VTD_FR_CONTEXT_RESERVED:      return "context_entry_reserved_bits";
    case VTD_FR_PAGING_ENTRY_RESERVED: return "paging_entry_reserved_bits";
    case IOMMU_FR_SLAT:                return "slat_denied";
    }
    return "unknown";
}
