/* The kernel's driver for the DMA engine dma0 and the DMA remapping unit (an Intel VT-d
 * subset, guest/lib/vtd.h; docs/abi.md "DMA and the IOMMU").
 *
 * dma_init maps the unit's registers and builds dma0's remapping: a root table, a
 * context table whose entry for 00:03.0 points to a 4-level second-level table (domain
 * 1), and that table, empty. dma_map adds single 4 KiB pages to it — the kernel maps
 * only its own DMA buffers — and dma_translation turns remapping on or off. With it
 * off, IOVA = GPA. Either way the device's VTL's SLAT has the last word: the emulator
 * checks every page a transfer touches against it. */
#ifndef VTL0_DMA_H
#define VTL0_DMA_H

#include <stdbool.h>
#include <stdint.h>

/* Where the kernel puts its DMA buffers in dma0's IOVA space: at 4 GiB, far from their
 * GPAs, so a transfer that works with remapping on went through the kernel's tables
 * (an IOVA equal to the buffer's GPA is refused). */
#define DMA_IOVA_BASE  UINT64_C(0x100000000)

/* One fault recording register, decoded. */
struct dma_fault {
    unsigned slot;
    unsigned reason;            /* VTD_FR_* */
    uint16_t source_id;         /* requester bus:dev.fn */
    uint64_t address;           /* page of the refused request (IOVA) */
    bool read;                  /* else a write */
};

/* Maps the registers (VTD_VA), checks the unit can do 4-level tables, builds dma0's
 * empty remapping and sets the root table pointer. Translation stays off. */
void dma_init(void);

/* Maps the 4 KiB page at iova to gpa for dma0 (read, and write if asked); unmaps it. */
void dma_map(uint64_t iova, uint64_t gpa, bool writable);
void dma_unmap(uint64_t iova);

/* GCMD.TE; true when GSTS.TES then says the same. */
bool dma_translation(bool on);

/* GPAs of the remapping structures, for the log. */
uint64_t dma_root_table(void);
uint64_t dma_sl_table(void);

/* One dma0 copy: the status register (DMA0_ST_*), the bytes copied in *copied. */
uint32_t dma_copy(uint64_t src, uint64_t dst, uint32_t len, uint32_t *copied);

/* Reads every pending fault recording register (FSTS.FRI first) and clears it, and the
 * overflow flag: returns how many were pending, the first in *first (may be NULL). */
unsigned dma_take_faults(struct dma_fault *first);

/* "no_read_permission", "slat_denied", ... as the trace names the reason. */
const char *dma_reason_name(unsigned reason);

/* dmademo.c: dma_init and the kernel's two DMA buffers (A and B), at boot. */
void dma_demo_init(void);

/* Stages of the demo (dmademo.c). Two-VTL demo: the attacker module's DMA attacks, then
 * VTL1 takes dma0 for itself and gives it back. */
void dma_attack_run(void);
void dma_reassign_run(void);
/* Single-VTL run: the driver on its own (a copy with and without remapping, and an IOVA
 * the remapping does not map). False if a check failed; *code is its exit status. */
bool dma_selftest(int *code);

#endif
