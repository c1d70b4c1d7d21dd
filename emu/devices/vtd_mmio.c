/* The remapping unit's registers for the VTL0 kernel: MMIO at GPA 0xFED90000 in the
 * Intel VT-d layout, the subset a driver needs (documented in docs/abi.md). */
#include "emu/machine_priv.h"

#define VTD_VER      0x000
#define VTD_CAP      0x008
#define VTD_ECAP     0x010
#define VTD_GCMD     0x018
#define VTD_GSTS     0x01C
#define VTD_RTADDR   0x020
#define VTD_CCMD     0x028
#define VTD_FSTS     0x034
#define VTD_FECTL    0x038
#define VTD_IOTLB    0x108      /* IOTLB invalidate (ECAP.IRO = 0x10 -> 0x100, +8) */
#define VTD_FRCD     0x200      /* fault recording registers, 16 bytes each (CAP.FRO) */

#define GCMD_TE      (1u << 31)
#define GCMD_SRTP    (1u << 30)

static uint64_t cap(const vtl_machine *m)
{
    uint64_t nfr = iommu_fault_slots(m->iommu) - 1;
    return 2u                                  /* ND: 256 domain ids */
           | (UINT64_C(0x6) << 8)              /* SAGAW: 39-bit (3-level) and 48-bit (4-level) */
           | (UINT64_C(47) << 16)              /* MGAW: 48-bit guest addresses */
           | ((uint64_t)(VTD_FRCD / 16) << 24) /* FRO */
           | (UINT64_C(0x3) << 34)             /* SLLPS: 2 MiB and 1 GiB second-level pages */
           | (nfr << 40);                      /* NFR */
}

static uint64_t reg_read(vtl_machine *m, uint64_t off)
{
    switch (off) {
    case VTD_VER:    return 0x10;              /* version 1.0 */
    case VTD_CAP:    return cap(m);
    case VTD_ECAP:   return ((uint64_t)(0x100 / 16) << 8) | (1u << 6);   /* IRO; PT: pass-through */
    case VTD_GSTS:   return (iommu_translation_enabled(m->iommu) ? GCMD_TE : 0) | (m->vtd.root_set ? GCMD_SRTP : 0);
    case VTD_RTADDR: return m->vtd.rtaddr;
    case VTD_FSTS:   return iommu_fault_status(m->iommu);
    case VTD_FECTL:  return m->vtd.fectl;
    default:
        break;
    }
    if (off >= VTD_FRCD && off < VTD_FRCD + 16u * iommu_fault_slots(m->iommu)) {
        unsigned slot = (unsigned)((off - VTD_FRCD) / 16);
        iommu_fault_record r;
        if (iommu_fault_read(m->iommu, slot, &r) != VE_OK)
            return 0;
        vtd_frcd f = iommu_fault_encode(&r);
        return (off & 8) ? f.hi : f.lo;
    }
    return 0;   /* CCMD and IOTLB complete at once; other registers read as zero */
}

static void reg_write(vtl_machine *m, uint64_t off, uint64_t v)
{
    switch (off) {
    case VTD_GCMD:
        if (v & GCMD_SRTP) {
            if (iommu_set_root_table(m->iommu, m->vtd.rtaddr & ~UINT64_C(0xFFF)) == VE_OK)
                m->vtd.root_set = true;
        }
        iommu_set_translation(m->iommu, (v & GCMD_TE) != 0);
        break;
    case VTD_RTADDR:
        m->vtd.rtaddr = v;
        break;
    case VTD_FSTS:
        if (v & VTD_FSTS_PFO)
            iommu_fault_clear_overflow(m->iommu);
        break;
    case VTD_FECTL:
        m->vtd.fectl = (uint32_t)v;
        break;
    default:
        if (off >= VTD_FRCD && off < VTD_FRCD + 16u * iommu_fault_slots(m->iommu) && (off & 8) &&
            (v & VTD_FRCD_F))
            iommu_fault_clear(m->iommu, (unsigned)((off - VTD_FRCD) / 16));
        break;   /* CCMD, IOTLB: no caches to invalidate */
    }
}

static bool is_reg32(uint64_t off)
{
    return off == VTD_VER || off == VTD_GCMD || off == VTD_GSTS || off == VTD_FSTS || off == VTD_FECTL;
}

/* Registers are 32 or 64 bits; 64-bit ones may be accessed as two 32-bit halves. */
uint64_t emu_vtd_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *ud)
{
    (void)uc;
    vtl_machine *m = ud;
    uint64_t v;
    if (is_reg32(offset & ~UINT64_C(3)))
        v = reg_read(m, offset & ~UINT64_C(3)) >> ((offset & 3) * 8);
    else
        v = reg_read(m, offset & ~UINT64_C(7)) >> ((offset & 7) * 8);
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

void emu_vtd_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ud)
{
    (void)uc;
    vtl_machine *m = ud;
    if (is_reg32(offset)) {
        reg_write(m, offset, value & 0xFFFFFFFF);
        if (size >= 8 && is_reg32(offset + 4))
            reg_write(m, offset + 4, value >> 32);
        return;
    }
    uint64_t base = offset & ~UINT64_C(7);
    if (size >= 8) {
        reg_write(m, base, value);
        return;
    }
    /* A 32-bit half: merge with the other half as it reads now (FRCD's W1C bit is in the
     * high half, whose other bits are read-only). */
    uint64_t old = reg_read(m, base);
    if (base >= VTD_FRCD)
        old = 0;
    if (offset & 4)
        reg_write(m, base, (old & 0xFFFFFFFF) | (value << 32));
    else
        reg_write(m, base, (old & ~UINT64_C(0xFFFFFFFF)) | (value & 0xFFFFFFFF));
}
