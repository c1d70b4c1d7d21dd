/* Code coherency across engines (DESIGN.md §2): an engine never sees that another engine
 * or the host changed a page it has translated code from. Per SPA page we keep which
 * engines hold code from it (FETCH fills) and which may write it (WRITE fills); before an
 * engine resumes, its translations of pages another writer may have changed are dropped.
 * Normally that set is empty. */
#ifndef EMU_COHERENCY_H
#define EMU_COHERENCY_H

#include <stdbool.h>
#include <stdint.h>

struct vtl_machine;
struct vcpu;

typedef struct coh_state {
    uint8_t *flags;          /* per SPA page: COH_CODE | COH_WRITABLE | COH_LISTED */
    uint64_t *code_va;       /* per SPA page: a GVA this engine fetched it through */
    uint64_t *list;          /* SPA pages to drop before resuming */
    uint64_t nlist, cap;
    uint64_t *shared;        /* SPA pages both written by another engine and code here */
    uint64_t nshared, shared_cap;
} coh_state;

bool coh_init(coh_state *c, uint64_t spa_pages);
void coh_free(coh_state *c);

void coh_fetch_fill(struct vtl_machine *m, struct vcpu *v, uint64_t spa, uint64_t va);
void coh_write_fill(struct vtl_machine *m, struct vcpu *v, uint64_t spa);
/* The host (hypervisor, CoW copy, debugger, DMA) wrote into this SPA range. */
void coh_host_write(struct vtl_machine *m, uint64_t spa, uint64_t len);
/* Before `v` runs: drop what may be stale. */
void coh_before_resume(struct vtl_machine *m, struct vcpu *v);
/* After a TLB flush of `v`: it can no longer write without a new fill. */
void coh_tlb_flushed(struct vcpu *v);

#endif
