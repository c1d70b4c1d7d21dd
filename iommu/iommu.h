/* Device DMA remapping tagged per VTL: an Intel VT-d style remapping unit (legacy mode,
 * formats in iommu/vtd.h) that the VTL0 kernel programs, composed with the SLAT of the
 * VTL each device is assigned to.
 *
 * One access by a device (requester id bus:dev.fn) at an IOVA:
 *   1. IOVA -> GPA. A device of VTL0 with translation enabled walks the guest's tables:
 *      root entry (by bus) -> context entry (by dev.fn) -> second-level table (4 KiB,
 *      2 MiB and 1 GiB pages; R/W rights ANDed over the levels), or passes through when
 *      the context entry says so. With translation disabled, GPA = IOVA.
 *      A device assigned to a higher VTL never uses these tables (GPA = IOVA): they are
 *      VTL0's, and VTL0 must not be able to redirect a secure device's DMA.
 *   2. GPA -> SPA. ALWAYS the SLAT of the device's VTL, read or write: a device of VTL0
 *      reaches nothing VTL1 denied VTL0, whatever VTL0 programs in step 1.
 * Table entries are read as the device's VTL sees memory: each 8-byte read is first
 * SLAT-checked for read (so VTL0 cannot point its tables into VTL1 memory and learn its
 * bytes from fault reasons), then read through env.read64. A refused read is the
 * spec's "access error" reason for that level (0x8, 0x9, 0x3 or 0x7).
 *
 * Faults of VTL0 devices go to a VT-d style fault recording queue (the one the VTL0
 * kernel reads through the remapping registers); faults of higher-VTL devices are only
 * reported to the caller, never to VTL0. The remapping unit keeps no IOTLB. */
#ifndef IOMMU_IOMMU_H
#define IOMMU_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "common/status.h"
#include "iommu/vtd.h"

typedef struct iommu iommu;

#define IOMMU_VTLS                2u       /* VTL0 and VTL1 */
#define IOMMU_DEFAULT_FAULT_SLOTS 8u
#define IOMMU_MAX_FAULT_SLOTS     256u     /* FSTS.FRI is 8 bits */
#define IOMMU_DMA_MAX_LEN         (UINT64_C(1) << 20)   /* DESIGN.md §4: 1..1 MiB */

/* Fault reasons: the VT-d codes VTD_FR_* of vtd.h, plus this vtlemu extension (outside
 * every range the spec assigns): the remapping allowed the access (or was not used) but
 * the SLAT of the device's VTL refused the GPA, or mapped it outside host RAM. */
#define IOMMU_FR_NONE             0x00u
#define IOMMU_FR_SLAT             0xF0u

/* Requester id (PCI source id) from bus, device (0-31) and function (0-7). */
static inline uint16_t iommu_rid(unsigned bus, unsigned dev, unsigned fn)
{
    return (uint16_t)(((bus & 0xFFu) << 8) | ((dev & 0x1Fu) << 3) | (fn & 0x7u));
}

/* What the unit needs from the machine; ctx is passed back to every callback. */
typedef struct iommu_env {
    /* One 8-byte table entry at a GPA (already SLAT-checked for read by the unit).
     * false: the GPA cannot be read (outside RAM): an access-error fault. */
    bool (*read64)(void *ctx, uint64_t gpa, uint64_t *val);
    /* The SLAT of `vtl`: may this VTL read (write=false) or write the page holding gpa?
     * true with *spa = the SPA of gpa (page offset kept). A write to a page shared
     * copy-on-write answers false here, as slat_check does. */
    bool (*slat)(void *ctx, unsigned vtl, uint64_t gpa, bool write, uint64_t *spa);
    /* Optional (NULL: none). Called when the SLAT refused a write: if the page is
     * shared copy-on-write for this VTL and the VTL has the write right, break the
     * share like a CPU write would and return true with *spa = SPA of gpa in the
     * private copy; otherwise false (the refusal stands). */
    bool (*cow_write)(void *ctx, unsigned vtl, uint64_t gpa, uint64_t *spa);
    void *ctx;
    /* Host RAM holding SPA [0, spa_size) (a multiple of 4 KiB). An SPA outside it is
     * refused like a SLAT denial. spa_base may be NULL when iommu_dma is not used. */
    uint8_t *spa_base;
    uint64_t spa_size;
    unsigned fault_slots;    /* fault recording registers: 1..256, 0 = default 8 */
} iommu_env;

/* VE_E_INVAL for a NULL env/out, a missing read64 or slat, an unaligned or zero
 * spa_size, or fault_slots above 256; VE_E_NOMEM. Starts with translation disabled,
 * root table 0, every device in VTL0, no fault recorded. The env is copied. */
ve_status iommu_create(const iommu_env *env, iommu **out);
void iommu_destroy(iommu *u);

/* Remapping state the guest sets through the registers (GCMD.TE, RTADDR + SRTP). */
void iommu_set_translation(iommu *u, bool enable);
bool iommu_translation_enabled(const iommu *u);
/* VE_E_INVAL for an address that is not 4 KiB aligned (nothing changed). */
ve_status iommu_set_root_table(iommu *u, uint64_t gpa);
uint64_t iommu_root_table(const iommu *u);

/* Which VTL a device belongs to (VTL0 until set). VE_E_INVAL for vtl >= IOMMU_VTLS. */
ve_status iommu_set_device_vtl(iommu *u, uint16_t rid, unsigned vtl);
unsigned iommu_device_vtl(const iommu *u, uint16_t rid);

/* Outcome of one access. Fields not listed for a case are zero. */
typedef struct iommu_result {
    uint8_t reason;          /* IOMMU_FR_NONE, VTD_FR_* or IOMMU_FR_SLAT */
    uint16_t rid;
    unsigned vtl;            /* the device's VTL: whose SLAT decides */
    uint64_t iova;
    bool write;
    bool remapped;           /* went through the guest's tables (VTL0, translation on) */
    bool gpa_known;          /* the IOVA reached a GPA: always when OK or IOMMU_FR_SLAT */
    uint64_t gpa;            /* with the page offset */
    uint64_t spa;            /* when OK, with the page offset */
    bool recorded;           /* the fault took a fault recording slot */
} iommu_result;

/* Translate one access (it covers the 4 KiB page holding iova). VE_OK: out->gpa and
 * out->spa are valid. VE_E_DENIED: a fault, described in *out, recorded per the rules
 * of iommu_fault_*. VE_E_INVAL for NULL u or out. */
ve_status iommu_translate(iommu *u, uint16_t rid, uint64_t iova, bool write, iommu_result *out);

/* ---- fault recording ------------------------------------------------------------------
 * VT-d primary fault logging: slots are filled in turn (an internal index wrapping at
 * the slot count). A fault is dropped, and counted, when the overflow flag (PFO) is set
 * or when the next slot still holds a pending fault, which also sets PFO. Software
 * clears slots (F) and PFO by writing 1s. Not recorded at all: faults of devices outside
 * VTL0, and the faults the spec calls qualified (0x2-0x7, 0xC) when the context entry
 * has FPD set; SLAT refusals are always recorded for a VTL0 device. Faults are not
 * collapsed per requester. */
typedef struct iommu_fault_record {
    bool pending;            /* F */
    uint8_t reason;
    uint16_t rid;
    unsigned vtl;
    uint64_t iova;
    bool write;              /* else a read (T = 1) */
    bool gpa_known;
    uint64_t gpa;
} iommu_fault_record;

unsigned iommu_fault_slots(const iommu *u);
/* VE_E_RANGE for slot >= iommu_fault_slots, VE_E_INVAL for a NULL out. */
ve_status iommu_fault_read(const iommu *u, unsigned slot, iommu_fault_record *out);
/* Clears F of one slot (no effect when already clear). VE_E_RANGE as above. */
ve_status iommu_fault_clear(iommu *u, unsigned slot);
/* The fault status register: VTD_FSTS_PFO, VTD_FSTS_PPF (some slot pending) and FRI
 * (the slot of the first fault recorded while none was pending; valid with PPF). */
uint32_t iommu_fault_status(const iommu *u);
void iommu_fault_clear_overflow(iommu *u);
/* Faults lost to a full queue or to PFO since creation. */
uint64_t iommu_faults_dropped(const iommu *u);
/* A record in the FRCD register layout (F, T, FR, SID, FI). */
vtd_frcd iommu_fault_encode(const iommu_fault_record *r);

/* Stable snake_case name of a reason for traces ("root_entry_not_present", ...,
 * "slat_denied"); "none" for IOMMU_FR_NONE, "unknown" otherwise. */
const char *iommu_reason_name(uint8_t reason);

/* ---- DMA transfers ---------------------------------------------------------------- */

/* DESIGN.md §4 status register values. */
typedef enum iommu_dma_status {
    IOMMU_DMA_DONE = 1,
    IOMMU_DMA_BLOCKED = 2,       /* a page was refused: see fault */
    IOMMU_DMA_BAD_REQUEST = 3,   /* len 0, len > 1 MiB, or a range wrapping past 2^64 */
} iommu_dma_status;

typedef struct iommu_dma_result {
    iommu_dma_status status;
    uint64_t copied;             /* bytes of the range's prefix moved */
    uint64_t src_gpa, dst_gpa;   /* GPAs of the first byte of each range, when copied > 0 */
    iommu_result fault;          /* BLOCKED: the refused access (reason != 0) */
} iommu_dma_result;

/* Copy len bytes from src to dst (both IOVAs of device rid). Every page of both ranges
 * is translated first, in transfer order (at each step the source page before the
 * destination page); the first fault ends the walk. Then the prefix before the first
 * faulting byte moves as one memmove: the result is as if the whole prefix were read
 * before any of it is written, also when remapping makes the ranges alias. Nothing of
 * the destination at or past that byte is written, and at most one fault is recorded.
 * VE_OK with *out filled (whatever the DMA status); VE_E_INVAL for NULL u or out;
 * VE_E_STATE when the env has no spa_base. */
ve_status iommu_dma(iommu *u, uint16_t rid, uint64_t src, uint64_t dst, uint64_t len, iommu_dma_result *out);

/* ---- snapshots --------------------------------------------------------------------
 * Everything the guest and the hypervisor can change (translation enable, root table,
 * device assignments, fault queue), saved and loaded whole. */
typedef struct iommu_state iommu_state;
iommu_state *iommu_save(const iommu *u);          /* NULL when out of memory */
ve_status iommu_load(iommu *u, const iommu_state *s);
void iommu_state_free(iommu_state *s);

#endif
