#include "emu/coherency.h"

#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

#define COH_CODE      1u
#define COH_WRITABLE  2u
#define COH_LISTED    4u   /* in `shared` */
#define COH_STALE     8u   /* in `list` */

bool coh_init(coh_state *c, uint64_t spa_pages)
{
    memset(c, 0, sizeof(*c));
    c->flags = calloc(spa_pages, 1);
    c->code_va = calloc(spa_pages, sizeof(uint64_t));
    return c->flags && c->code_va;
}

void coh_free(coh_state *c)
{
    free(c->flags);
    free(c->code_va);
    free(c->list);
    free(c->shared);
    memset(c, 0, sizeof(*c));
}

static void push(uint64_t **arr, uint64_t *n, uint64_t *cap, uint64_t v)
{
    if (*n == *cap) {
        uint64_t ncap = *cap ? *cap * 2 : 16;
        uint64_t *p = realloc(*arr, ncap * sizeof(uint64_t));
        if (!p)
            return;   /* out of memory: worst case a stale translation, never a crash */
        *arr = p;
        *cap = ncap;
    }
    (*arr)[(*n)++] = v;
}

static void add_shared(coh_state *c, uint64_t page)
{
    if (c->flags[page] & COH_LISTED)
        return;
    c->flags[page] |= COH_LISTED;
    push(&c->shared, &c->nshared, &c->shared_cap, page);
}

static void add_stale(coh_state *c, uint64_t page)
{
    if (c->flags[page] & COH_STALE)
        return;
    c->flags[page] |= COH_STALE;
    push(&c->list, &c->nlist, &c->cap, page);
}

static vcpu *other(vtl_machine *m, vcpu *v)
{
    vcpu *o = &m->vp[v->vtl ^ 1];
    return o->uc ? o : NULL;
}

void coh_fetch_fill(vtl_machine *m, vcpu *v, uint64_t spa, uint64_t va)
{
    uint64_t page = spa >> PAGE_SHIFT;
    v->coh.flags[page] |= COH_CODE;
    v->coh.code_va[page] = align_down(va, PAGE_SIZE);
    vcpu *o = other(m, v);
    if (o && (o->coh.flags[page] & COH_WRITABLE))
        add_shared(&v->coh, page);
}

void coh_write_fill(vtl_machine *m, vcpu *v, uint64_t spa)
{
    uint64_t page = spa >> PAGE_SHIFT;
    v->coh.flags[page] |= COH_WRITABLE;
    vcpu *o = other(m, v);
    if (o && (o->coh.flags[page] & COH_CODE))
        add_shared(&o->coh, page);
}

void coh_host_write(vtl_machine *m, uint64_t spa, uint64_t len)
{
    if (!len)
        return;
    uint64_t first = spa >> PAGE_SHIFT, last = (spa + len - 1) >> PAGE_SHIFT;
    for (unsigned i = 0; i < VTL_COUNT; i++) {
        vcpu *v = &m->vp[i];
        if (!v->uc)
            continue;
        for (uint64_t p = first; p <= last; p++)
            if (v->coh.flags[p] & COH_CODE)
                add_stale(&v->coh, p);
    }
}

static void drop(vcpu *v, uint64_t page)
{
    uint64_t va = v->coh.code_va[page];
    uc_ctl_remove_cache(v->uc, va, va + PAGE_SIZE);
}

void coh_before_resume(vtl_machine *m, vcpu *v)
{
    (void)m;
    coh_state *c = &v->coh;
    for (uint64_t i = 0; i < c->nlist; i++) {
        drop(v, c->list[i]);
        c->flags[c->list[i]] &= (uint8_t)~COH_STALE;
    }
    c->nlist = 0;
    for (uint64_t i = 0; i < c->nshared; i++)
        drop(v, c->shared[i]);
}

void coh_tlb_flushed(vcpu *v)
{
    (void)v;
    /* Kept conservative: a page once writable stays on the shared list. The list is
     * normally empty, and dropping a translation too often only costs time. */
}
