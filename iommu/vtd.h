/* Intel VT-d DMA-remapping formats, legacy (non-scalable) mode: root entry, context
 * entry, second-level paging entries, the fault reasons and the fault recording and
 * fault status registers (Intel VT-d spec, "Translation Structure Formats" and "Register
 * Descriptions"). Keeping the hardware layout means a VTL0 kernel can build its tables
 * as for real hardware and a table dump reads like one.
 *
 * What our remapping unit implements, as its capability registers would say:
 *   - host address width (HAW) 46 bits: address fields above bit 45 are reserved;
 *   - guest address widths (SAGAW) 39 bits (3-level table) and 48 bits (4-level);
 *   - 2 MiB and 1 GiB second-level pages;
 *   - pass-through (ECAP.PT) but no device-TLB (ECAP.DT), no snoop control (ECAP.SC),
 *     no second-level execute (ECAP.SLEE), no scalable mode, no IOTLB: every request
 *     walks the tables, so a table change takes effect on the next request. */
#ifndef IOMMU_VTD_H
#define IOMMU_VTD_H

#include <stdint.h>

#include "common/bits.h"

#define VTD_HAW              46u      /* host address width: bits of a table address / GPA */
#define VTD_MGAW             48u      /* widest input (IOVA) address */

/* ---- root table: 256 root entries (one per bus) in one 4 KiB page ----------------- */

typedef struct vtd_root_entry {
    uint64_t lo;
    uint64_t hi;                       /* reserved (all zero) in legacy mode */
} vtd_root_entry;
_Static_assert(sizeof(vtd_root_entry) == 16, "a root entry is 128 bits");

#define VTD_ROOT_ENTRIES     256u
_Static_assert(VTD_ROOT_ENTRIES * sizeof(vtd_root_entry) == PAGE_SIZE, "a root table is one page");

#define VTD_RE_P             BIT64(0)            /* present */
#define VTD_RE_CTP           MASK64(63, 12)      /* context-table pointer (GPA) */
#define VTD_RE_LO_RSVD       (MASK64(11, 1) | MASK64(63, VTD_HAW))
#define VTD_RE_HI_RSVD       (~UINT64_C(0))

/* ---- context table: 256 context entries (one per dev.fn) in one 4 KiB page -------- */

typedef struct vtd_context_entry {
    uint64_t lo;
    uint64_t hi;
} vtd_context_entry;
_Static_assert(sizeof(vtd_context_entry) == 16, "a legacy context entry is 128 bits");

#define VTD_CONTEXT_ENTRIES  256u
_Static_assert(VTD_CONTEXT_ENTRIES * sizeof(vtd_context_entry) == PAGE_SIZE, "a context table is one page");

/* lo */
#define VTD_CE_P             BIT64(0)            /* present */
#define VTD_CE_FPD           BIT64(1)            /* fault processing disable */
#define VTD_CE_TT            MASK64(3, 2)        /* translation type */
#define VTD_CE_TT_SHIFT      2
#define VTD_CE_SLPTPTR       MASK64(63, 12)      /* second-level page-table pointer (GPA) */
#define VTD_CE_LO_RSVD       (MASK64(11, 4) | MASK64(63, VTD_HAW))
/* hi */
#define VTD_CE_AW            MASK64(2, 0)        /* adjusted guest address width */
#define VTD_CE_DID           MASK64(23, 8)       /* domain id */
#define VTD_CE_DID_SHIFT     8
#define VTD_CE_HI_RSVD       (BIT64(7) | MASK64(63, 24))   /* bits 6:3 are ignored */

/* Translation types (TT). */
#define VTD_TT_SECOND_LEVEL  0u   /* untranslated requests walk the second-level table */
#define VTD_TT_DEVICE_TLB    1u   /* same, with ATS: needs ECAP.DT, which we lack */
#define VTD_TT_PASS_THROUGH  2u   /* untranslated requests pass with IOVA = GPA */
#define VTD_TT_RESERVED      3u

/* Address width (AW) values and the table depth they select. */
#define VTD_AW_39            1u   /* 39-bit AGAW, 3-level table */
#define VTD_AW_48            2u   /* 48-bit AGAW, 4-level table */

/* ---- second-level paging entries (SL-PML4E, SL-PDPE, SL-PDE, SL-PTE) ------------- */

typedef uint64_t vtd_sl_entry;
_Static_assert(sizeof(vtd_sl_entry) == 8, "a second-level paging entry is 64 bits");

#define VTD_SL_ENTRIES       512u
_Static_assert(VTD_SL_ENTRIES * sizeof(vtd_sl_entry) == PAGE_SIZE, "a paging structure is one page");

#define VTD_SL_R             BIT64(0)            /* read */
#define VTD_SL_W             BIT64(1)            /* write */
#define VTD_SL_RW            (VTD_SL_R | VTD_SL_W)
#define VTD_SL_PS            BIT64(7)            /* page size: 1 GiB in an SL-PDPE, 2 MiB in an SL-PDE */
#define VTD_SL_ADDR          MASK64(VTD_HAW - 1, 12)  /* next table or 4 KiB frame */
#define VTD_SL_ADDR_2M       MASK64(VTD_HAW - 1, 21)
#define VTD_SL_ADDR_1G       MASK64(VTD_HAW - 1, 30)

/* Reserved bits, checked in entries with R or W set (an entry with both clear is not
 * present and its other bits are ignored). Bit 11 is SNP (needs ECAP.SC), bit 62 TM
 * (needs ECAP.DT); bits 61:52 and 63 are ignored, and so are bits 10:8, 6:2 here. */
#define VTD_SL_RSVD          (BIT64(11) | MASK64(51, VTD_HAW) | BIT64(62))
#define VTD_SL_RSVD_PML4E    (VTD_SL_RSVD | VTD_SL_PS)       /* no 512 GiB pages */
#define VTD_SL_RSVD_2M       (VTD_SL_RSVD | MASK64(20, 12))  /* between the frame and bit 11 */
#define VTD_SL_RSVD_1G       (VTD_SL_RSVD | MASK64(29, 12))

/* ---- fault reasons (non-recoverable fault conditions, legacy mode) -------------- */
#define VTD_FR_ROOT_NOT_PRESENT       0x1u  /* present bit of the root entry clear */
#define VTD_FR_CONTEXT_NOT_PRESENT    0x2u  /* present bit of the context entry clear */
#define VTD_FR_CONTEXT_INVALID        0x3u  /* bad AW or TT, or SLPTPTR could not be read */
#define VTD_FR_ADDR_BEYOND_AW         0x4u  /* IOVA above 2^AGAW - 1 */
#define VTD_FR_NO_WRITE               0x5u  /* write through an entry without W (or not present) */
#define VTD_FR_NO_READ                0x6u  /* read through an entry without R (or not present) */
#define VTD_FR_PAGING_ENTRY_ACCESS    0x7u  /* a lower-level table (from an entry's ADDR) could not be read */
#define VTD_FR_ROOT_TABLE_ACCESS      0x8u  /* the root entry could not be read */
#define VTD_FR_CONTEXT_TABLE_ACCESS   0x9u  /* the context entry could not be read */
#define VTD_FR_ROOT_RESERVED          0xAu  /* non-zero reserved field in a present root entry */
#define VTD_FR_CONTEXT_RESERVED       0xBu  /* non-zero reserved field in a present context entry */
#define VTD_FR_PAGING_ENTRY_RESERVED  0xCu  /* non-zero reserved field in a present paging entry */
/* Not produced here: 0xD (translation requests, needs ATS), 0xE (interrupt address range). */

/* ---- fault recording register (FRCD), 128 bits per slot --------------------------- */

typedef struct vtd_frcd {
    uint64_t lo;
    uint64_t hi;
} vtd_frcd;
_Static_assert(sizeof(vtd_frcd) == 16, "a fault recording register is 128 bits");

/* lo */
#define VTD_FRCD_FI          MASK64(63, 12)      /* fault info: page address of the request */
/* hi */
#define VTD_FRCD_SID         MASK64(15, 0)       /* source id: requester id bus:dev.fn */
#define VTD_FRCD_FR          MASK64(39, 32)      /* fault reason */
#define VTD_FRCD_FR_SHIFT    32
#define VTD_FRCD_T           BIT64(62)           /* type: 1 read, 0 write */
#define VTD_FRCD_F           BIT64(63)           /* fault: set when recorded, software writes 1 to clear */

/* ---- fault status register (FSTS), 32 bits ---------------------------------------- */
#define VTD_FSTS_PFO         (1u << 0)           /* primary fault overflow; write 1 to clear */
#define VTD_FSTS_PPF         (1u << 1)           /* primary pending fault: some FRCD has F set */
#define VTD_FSTS_FRI_SHIFT   8                   /* fault record index: first pending record */
#define VTD_FSTS_FRI         (0xFFu << VTD_FSTS_FRI_SHIFT)

#endif
