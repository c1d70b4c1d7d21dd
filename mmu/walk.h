/* x86-64 4-level guest page walk: GVA -> GPA with the exact #PF error code.
 * Page-table entries are read and written (A/D bits) through an accessor, so the walk
 * runs on a plain array in unit tests and through the SLAT in the emulator. */
#ifndef MMU_WALK_H
#define MMU_WALK_H

#include <stdbool.h>
#include <stdint.h>

typedef enum mmu_access {
    MMU_READ = 0,
    MMU_WRITE = 1,
    MMU_FETCH = 2,
} mmu_access;

/* Reads/writes one 8-byte page-table entry at a GPA. Returning false means the GPA
 * cannot be accessed (outside RAM or denied by the SLAT): the walk stops with
 * MMU_PT_ACCESS and reports that GPA. */
typedef struct mmu_mem {
    bool (*read64)(void *ctx, uint64_t gpa, uint64_t *val);
    bool (*write64)(void *ctx, uint64_t gpa, uint64_t val);
    void *ctx;
} mmu_mem;

/* The control state that shapes a walk. */
typedef struct mmu_ctrl {
    uint64_t cr0, cr3, cr4, efer;
    uint64_t maxphyaddr;   /* physical address width in bits (e.g. 40); bits above are reserved */
} mmu_ctrl;

typedef struct mmu_req {
    uint64_t gva;
    mmu_access access;
    unsigned cpl;          /* 0..3; 3 is a user-mode access */
    bool rflags_ac;        /* RFLAGS.AC: lets supervisor data access user pages under SMAP */
    bool set_ad;           /* write back accessed/dirty bits (false for debugger reads) */
} mmu_req;

typedef enum mmu_result_kind {
    MMU_OK = 0,
    MMU_PAGE_FAULT,        /* deliver #PF: error_code is exact, CR2 = gva */
    MMU_NONCANONICAL,      /* the GVA is not canonical: #GP(0) (or #SS) for the caller */
    MMU_PT_ACCESS,         /* reading or updating a paging-structure entry failed at pt_gpa */
    MMU_NO_PAGING,         /* CR0.PG clear: gpa = gva, no rights apply */
} mmu_result_kind;

/* #PF error-code bits (Intel SDM vol. 3 §4.7). */
#define MMU_PF_P     (1u << 0)
#define MMU_PF_W     (1u << 1)
#define MMU_PF_U     (1u << 2)
#define MMU_PF_RSVD  (1u << 3)
#define MMU_PF_I     (1u << 4)

typedef struct mmu_result {
    mmu_result_kind kind;
    uint64_t gpa;           /* translated address (with the page offset) when OK */
    uint64_t page_size;     /* 4 KiB, 2 MiB or 1 GiB when OK */
    uint32_t error_code;    /* #PF error code when MMU_PAGE_FAULT */
    uint64_t pt_gpa;        /* the entry's GPA when MMU_PT_ACCESS */
    bool pt_write;          /* MMU_PT_ACCESS: updating A/D failed (else reading the entry) */
    /* Rights of this translation for the requesting CPL/AC when OK: which other
     * accesses to the same page would also succeed now without a fault or a
     * further A/D write. The emulator caches the page with exactly these rights. */
    bool can_read, can_write, can_fetch;
} mmu_result;

/* Translate one access. Never fails in any other way: every outcome is in *out. */
void mmu_walk(const mmu_ctrl *ctrl, const mmu_mem *mem, const mmu_req *req, mmu_result *out);

#endif
