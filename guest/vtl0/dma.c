/* dma0 and the DMA remapping unit: a small VT-d driver (dma.h).
 *
 * The registers are one uncached page at VTD_VA. Their protocol is VT-d's: GCMD is
 * write-only and its persistent bits (TE here) must be written again with every
 * one-shot command (SRTP), so the driver keeps them in `gcmd` and waits for GSTS to
 * confirm; after changing tables it invalidates the context cache and the IOTLB
 * globally, which the emulator (it caches nothing) completes at once. */
#include "guest/vtl0/dma.h"

#include "guest/lib/uart.h"
#include "guest/lib/vtd.h"
#include "guest/lib/vtlemu.h"
#include "guest/vtl0/frames.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/paging.h"
#include "guest/vtl0/panic.h"

#define DMA0_BUS     0
#define DMA0_DEVFN   (DMA0_RID & 0xFF)
#define DMA0_DOMAIN  1

static uint64_t root_pa, context_pa, pml4_pa;
static unsigned fro, nfr, iotlb_reg;
static uint32_t gcmd;               /* persistent GCMD bits: VTD_GCMD_TE */

static uint32_t rd32(unsigned off)
{
    return *(volatile uint32_t *)(VTD_VA + off);
}

static void wr32(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(VTD_VA + off) = v;
}

static uint64_t rd64(unsigned off)
{
    return *(volatile uint64_t *)(VTD_VA + off);
}

static void wr64(unsigned off, uint64_t v)
{
    *(volatile uint64_t *)(VTD_VA + off) = v;
}

/* Writes GCMD and waits (bounded) until GSTS shows `mask` equal to `want`. */
static bool command(uint32_t cmd, uint32_t mask, uint32_t want)
{
    wr32(VTD_REG_GCMD, cmd);
    for (int i = 0; i < 1000; i++)
        if ((rd32(VTD_REG_GSTS) & mask) == want)
            return true;
    return false;
}

/* After table changes: nothing stale may stay in the unit's caches. */
static void invalidate(void)
{
    wr64(VTD_REG_CCMD, VTD_CCMD_ICC | VTD_CCMD_CIRG_GLOBAL);
    for (int i = 0; i < 1000 && (rd64(VTD_REG_CCMD) & VTD_CCMD_ICC); i++)
        ;
    wr64(iotlb_reg, VTD_IOTLB_IVT | VTD_IOTLB_IIRG_GLOBAL);
    for (int i = 0; i < 1000 && (rd64(iotlb_reg) & VTD_IOTLB_IVT); i++)
        ;
}

void dma_init(void)
{
    paging_map(VTD_VA, VTD_MMIO_GPA, PTE_W | PTE_NX | PTE_PCD | PTE_PWT);
    uint32_t ver = rd32(VTD_REG_VER);
    uint64_t cap = rd64(VTD_REG_CAP), ecap = rd64(VTD_REG_ECAP);
    fro = VTD_CAP_FRO(cap);
    nfr = VTD_CAP_NFR(cap);
    iotlb_reg = VTD_ECAP_IRO(ecap) + 8;
    uart_printf("vtl0: dma: remapping unit at GPA %016lx (mapped at %016lx): version %u.%u, "
                "CAP %016lx: SAGAW 0x%lx, MGAW %u, %u fault recording registers at +0x%x\n",
                VTD_MMIO_GPA, VTD_VA, ver >> 4, ver & 0xF, cap, VTD_CAP_SAGAW(cap),
                VTD_CAP_MGAW(cap), nfr, fro);
    if (!(VTD_CAP_SAGAW(cap) & VTD_SAGAW_48) || nfr == 0 || fro < 0x40 || fro > 0x1000 - 16 * nfr)
        panic("dma: the remapping unit cannot do what the driver needs (CAP %016lx)", cap);

    /* Root entry for bus 0 -> context table; entry 00:03.0 -> 4-level table, domain 1. */
    root_pa = frame_alloc();
    context_pa = frame_alloc();
    pml4_pa = frame_alloc();
    struct vtd_root_entry *root = phys_to_virt(root_pa);
    struct vtd_context_entry *ctx = phys_to_virt(context_pa);
    root[DMA0_BUS].lo = context_pa | VTD_RE_P;
    ctx[DMA0_DEVFN].hi = VTD_CE_AW_48 | VTD_CE_DID(DMA0_DOMAIN);
    ctx[DMA0_DEVFN].lo = pml4_pa | VTD_CE_TT_SL | VTD_CE_P;

    wr64(VTD_REG_RTADDR, root_pa);
    if (!command(gcmd | VTD_GCMD_SRTP, VTD_GSTS_RTPS, VTD_GSTS_RTPS))
        panic("dma: the remapping unit did not take the root table pointer");
    invalidate();
    /* Whatever an earlier owner left in the fault log is not ours to report. */
    dma_take_faults(NULL);
    uart_printf("vtl0: dma: root table at GPA %016lx, context entry 00:03.0 -> 4-level "
                "table at GPA %016lx (domain %u), nothing mapped yet; translation off\n",
                root_pa, pml4_pa, DMA0_DOMAIN);
}

uint64_t dma_root_table(void)
{
    return root_pa;
}

uint64_t dma_sl_table(void)
{
    return pml4_pa;
}

/* The SL-PTE for iova, creating the tables above it (intermediate entries R+W: the
 * leaf decides). */
static uint64_t *sl_pte(uint64_t iova)
{
    uint64_t *table = phys_to_virt(pml4_pa);
    for (int level = 4; level > 1; level--) {
        uint64_t *e = &table[(iova >> (12 + 9 * (level - 1))) & 511];
        if (!(*e & (VTD_SL_R | VTD_SL_W)))
            *e = frame_alloc() | VTD_SL_R | VTD_SL_W;
        table = phys_to_virt(*e & VTD_SL_ADDR);
    }
    return &table[(iova >> 12) & 511];
}

void dma_map(uint64_t iova, uint64_t gpa, bool writable)
{
    *sl_pte(iova) = (gpa & VTD_SL_ADDR) | VTD_SL_R | (writable ? VTD_SL_W : 0);
    invalidate();
}

void dma_unmap(uint64_t iova)
{
    *sl_pte(iova) = 0;
    invalidate();
}

bool dma_translation(bool on)
{
    gcmd = on ? gcmd | VTD_GCMD_TE : gcmd & ~VTD_GCMD_TE;
    return command(gcmd, VTD_GSTS_TES, on ? VTD_GSTS_TES : 0);
}

uint32_t dma_copy(uint64_t src, uint64_t dst, uint32_t len, uint32_t *copied)
{
    return dma0_copy(src, dst, len, copied);
}

unsigned dma_take_faults(struct dma_fault *first)
{
    uint32_t fsts = rd32(VTD_REG_FSTS);
    unsigned start = (fsts & VTD_FSTS_PPF) ? VTD_FSTS_FRI(fsts) % nfr : 0, pending = 0;
    for (unsigned i = 0; i < nfr; i++) {
        unsigned slot = (start + i) % nfr, off = fro + 16 * slot;
        uint64_t hi = rd64(off + 8);
        if (!(hi & VTD_FRCD_F))
            continue;
        if (pending++ == 0 && first)
            *first = (struct dma_fault){
                .slot = slot,
                .reason = VTD_FRCD_FR(hi),
                .source_id = (uint16_t)VTD_FRCD_SID(hi),
                .address = rd64(off) & VTD_FRCD_FI_MASK,
                .read = (hi & VTD_FRCD_T) != 0,
            };
        wr64(off + 8, VTD_FRCD_F);          /* write 1 to clear */
    }
    if (fsts & VTD_FSTS_PFO)
        wr32(VTD_REG_FSTS, VTD_FSTS_PFO);
    return pending;
}

/* The names vtlemu's iommu_fault events use (iommu/fault.c). */
const char *dma_reason_name(unsigned reason)
{
    static const char *const names[] = {
        [VTD_FR_ROOT_NOT_PRESENT] = "root_entry_not_present",
        [VTD_FR_CONTEXT_NOT_PRESENT] = "context_entry_not_present",
        [VTD_FR_CONTEXT_INVALID] = "context_entry_invalid",
        [VTD_FR_ADDR_BEYOND_AW] = "address_beyond_width",
        [VTD_FR_NO_WRITE] = "no_write_permission",
        [VTD_FR_NO_READ] = "no_read_permission",
        [VTD_FR_PAGING_ENTRY_ACCESS] = "paging_entry_access_error",
        [VTD_FR_ROOT_TABLE_ACCESS] = "root_table_access_error",
        [VTD_FR_CONTEXT_TABLE_ACCESS] = "context_table_access_error",
        [VTD_FR_ROOT_RESERVED] = "root_entry_reserved_bits",
        [VTD_FR_CONTEXT_RESERVED] = "context_entry_reserved_bits",
        [VTD_FR_PAGING_ENTRY_RESERVED] = "paging_entry_reserved_bits",
    };
    if (reason == VTD_FR_VTLEMU_SLAT)
        return "slat_denied";
    if (reason < sizeof names / sizeof names[0] && names[reason])
        return names[reason];
    return "unknown";
}
