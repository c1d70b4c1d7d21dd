/* vtlemu's DMA remapping unit as a guest driver sees it (docs/abi.md, "DMA and the
 * IOMMU"): the Intel VT-d register subset at VTD_MMIO_GPA and the legacy-mode table
 * formats (root table, context table, second-level page tables). The emulator's own
 * iommu/vtd.h has the same formats; this copy exists because that one pulls in
 * emulator headers. */
#ifndef GUEST_LIB_VTD_H
#define GUEST_LIB_VTD_H

#include <stdint.h>

#define VTD_MMIO_GPA       UINT64_C(0xFED90000)   /* one 4 KiB page, never executable */

/* Registers (offsets in the page). 32-bit: VER, GCMD, GSTS, FSTS, FECTL; the others
 * are 64-bit (and may be accessed as two 32-bit halves). */
#define VTD_REG_VER        0x000    /* 0x10: version 1.0 */
#define VTD_REG_CAP        0x008
#define VTD_REG_ECAP       0x010
#define VTD_REG_GCMD       0x018    /* global command (write) */
#define VTD_REG_GSTS       0x01C    /* global status (read) */
#define VTD_REG_RTADDR     0x020    /* root table GPA, 4 KiB aligned */
#define VTD_REG_CCMD       0x028    /* context-cache invalidation: accepted, nothing cached */
#define VTD_REG_FSTS       0x034    /* fault status */
#define VTD_REG_FECTL      0x038    /* fault event control (kept, no interrupts) */

/* CAP fields. */
#define VTD_CAP_SAGAW(c)   (((c) >> 8) & 0x1F)            /* bit 1: 39-bit, bit 2: 48-bit */
#define VTD_CAP_MGAW(c)    ((unsigned)(((c) >> 16) & 0x3F) + 1)
#define VTD_CAP_FRO(c)     ((unsigned)(((c) >> 24) & 0x3FF) * 16)  /* FRCD offset */
#define VTD_CAP_NFR(c)     ((unsigned)(((c) >> 40) & 0xFF) + 1)    /* FRCD slots */
#define VTD_SAGAW_39       (1u << 1)
#define VTD_SAGAW_48       (1u << 2)
/* ECAP.IRO: IOTLB registers at IRO * 16; the invalidate register is at +8. */
#define VTD_ECAP_IRO(e)    ((unsigned)(((e) >> 8) & 0x3FF) * 16)

/* GCMD and GSTS. */
#define VTD_GCMD_TE        (1u << 31)   /* translation enable */
#define VTD_GCMD_SRTP      (1u << 30)   /* set root table pointer (from RTADDR), one-shot */
#define VTD_GSTS_TES       (1u << 31)   /* translation enabled */
#define VTD_GSTS_RTPS      (1u << 30)   /* root table pointer set */

/* Global invalidations a driver issues after changing tables (vtlemu keeps no caches:
 * they complete at once). */
#define VTD_CCMD_ICC             (1ull << 63)
#define VTD_CCMD_CIRG_GLOBAL     (1ull << 61)
#define VTD_IOTLB_IVT            (1ull << 63)
#define VTD_IOTLB_IIRG_GLOBAL    (1ull << 60)

/* FSTS. */
#define VTD_FSTS_PFO       (1u << 0)    /* primary fault overflow, write 1 to clear */
#define VTD_FSTS_PPF       (1u << 1)    /* some fault recording register has F set */
#define VTD_FSTS_FRI(s)    (((s) >> 8) & 0xFF)

/* Fault recording register (16 bytes per slot at CAP.FRO). */
#define VTD_FRCD_FI_MASK   UINT64_C(0xFFFFFFFFFFFFF000)   /* low qword: page of the request */
#define VTD_FRCD_SID(hi)   ((unsigned)((hi) & 0xFFFF))    /* source id bus:dev.fn */
#define VTD_FRCD_FR(hi)    ((unsigned)(((hi) >> 32) & 0xFF))
#define VTD_FRCD_T         (1ull << 62)  /* 1: read, 0: write */
#define VTD_FRCD_F         (1ull << 63)  /* fault pending; write 1 to clear */

/* Fault reasons (VT-d legacy mode) and vtlemu's own. */
#define VTD_FR_ROOT_NOT_PRESENT      0x1
#define VTD_FR_CONTEXT_NOT_PRESENT   0x2
#define VTD_FR_CONTEXT_INVALID       0x3
#define VTD_FR_ADDR_BEYOND_AW        0x4
#define VTD_FR_NO_WRITE              0x5
#define VTD_FR_NO_READ               0x6
#define VTD_FR_PAGING_ENTRY_ACCESS   0x7
#define VTD_FR_ROOT_TABLE_ACCESS     0x8
#define VTD_FR_CONTEXT_TABLE_ACCESS  0x9
#define VTD_FR_ROOT_RESERVED         0xA
#define VTD_FR_CONTEXT_RESERVED      0xB
#define VTD_FR_PAGING_ENTRY_RESERVED 0xC
#define VTD_FR_VTLEMU_SLAT           0xF0  /* the SLAT of the device's VTL refused the GPA */

/* Root table: 256 entries of 16 bytes, one per bus. */
struct vtd_root_entry {
    uint64_t lo;                /* bit 0 present, 63:12 context table GPA */
    uint64_t hi;                /* reserved, 0 */
};
_Static_assert(sizeof(struct vtd_root_entry) == 16, "VT-d root entry");
#define VTD_RE_P           (1ull << 0)

/* Context table: 256 entries of 16 bytes, one per dev.fn. */
struct vtd_context_entry {
    uint64_t lo;                /* bit 0 P, bit 1 FPD, 3:2 TT, 63:12 second-level table GPA */
    uint64_t hi;                /* 2:0 AW, 23:8 domain id */
};
_Static_assert(sizeof(struct vtd_context_entry) == 16, "VT-d context entry");
#define VTD_CE_P           (1ull << 0)
#define VTD_CE_FPD         (1ull << 1)
#define VTD_CE_TT_SL       (0ull << 2)   /* translate through the second-level tables */
#define VTD_CE_AW_39       1ull          /* 3-level table */
#define VTD_CE_AW_48       2ull          /* 4-level table */
#define VTD_CE_DID(d)      ((uint64_t)((d) & 0xFFFF) << 8)

/* Second-level paging entries: like x86 4-level tables, with R and W instead of P. */
#define VTD_SL_R           (1ull << 0)
#define VTD_SL_W           (1ull << 1)
#define VTD_SL_PS          (1ull << 7)   /* 2 MiB (PDE) or 1 GiB (PDPE) page */
#define VTD_SL_ADDR        UINT64_C(0x000FFFFFFFFFF000)

/* Requester id from bus, device, function: dma0 is 00:03.0 = 0x0018. */
#define VTD_RID(bus, dev, fn) ((uint16_t)(((bus) << 8) | ((dev) << 3) | (fn)))

#endif
