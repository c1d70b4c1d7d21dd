/* The remapping unit's state, shared by the files of iommu/ only. */
#ifndef IOMMU_IOMMU_PRIV_H
#define IOMMU_IOMMU_PRIV_H

#include "iommu/iommu.h"

/* A 1 MiB transfer crosses at most 256 page boundaries in each range. */
#define IOMMU_DMA_MAX_CHUNKS ((unsigned)(2 * (IOMMU_DMA_MAX_LEN / PAGE_SIZE) + 2))

/* One piece of a transfer that lies in a single source page and a single destination page. */
typedef struct iommu_chunk {
    uint64_t src_spa;
    uint64_t dst_spa;
    uint32_t len;
} iommu_chunk;

struct iommu {
    iommu_env env;
    bool translation;
    uint64_t root;
    uint8_t vtl[1u << 16];          /* per requester id */

    /* fault recording */
    iommu_fault_record *slots;
    unsigned nslots;
    unsigned next;                  /* slot the next fault goes to */
    unsigned npending;
    unsigned fri;
    bool overflow;                  /* PFO */
    uint64_t dropped;

    /* DMA scratch: the translated pieces and the bytes read before any is written */
    iommu_chunk chunks[IOMMU_DMA_MAX_CHUNKS];
    uint8_t *bounce;
};

/* walk.c: IOVA -> GPA through the guest's tables for a device of `vtl` (whose SLAT
 * checks every table read). reason IOMMU_FR_NONE with gpa, or the VT-d fault reason;
 * fpd tells whether a context entry with FPD set was reached. */
typedef struct iommu_walk {
    uint8_t reason;
    uint64_t gpa;
    bool fpd;
} iommu_walk;
void iommu_remap(const iommu *u, uint16_t rid, unsigned vtl, uint64_t iova, bool write, iommu_walk *w);

/* fault.c: file a fault of a translation (reason != 0) per the recording rules.
 * fpd: the context entry that processed it had FPD set. Sets r->recorded. */
void iommu_record_fault(iommu *u, iommu_result *r, bool fpd);

#endif
