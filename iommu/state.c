/* Saving and restoring the remapping unit's guest-visible state (for snapshots). */
#include <stdlib.h>
#include <string.h>

#include "iommu/iommu_priv.h"

struct iommu_state {
    bool translation;
    uint64_t root;
    uint8_t vtl[1u << 16];
    iommu_fault_record *slots;
    unsigned nslots, next, npending, fri;
    bool overflow;
    uint64_t dropped;
};

iommu_state *iommu_save(const iommu *u)
{
    iommu_state *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->slots = calloc(u->nslots, sizeof(*s->slots));
    if (!s->slots) {
        free(s);
        return NULL;
    }
    s->translation = u->translation;
    s->root = u->root;
    memcpy(s->vtl, u->vtl, sizeof(s->vtl));
    memcpy(s->slots, u->slots, u->nslots * sizeof(*s->slots));
    s->nslots = u->nslots;
    s->next = u->next;
    s->npending = u->npending;
    s->fri = u->fri;
    s->overflow = u->overflow;
    s->dropped = u->dropped;
    return s;
}

ve_status iommu_load(iommu *u, const iommu_state *s)
{
    if (!u || !s || s->nslots != u->nslots)
        return VE_E_INVAL;
    u->translation = s->translation;
    u->root = s->root;
    memcpy(u->vtl, s->vtl, sizeof(u->vtl));
    memcpy(u->slots, s->slots, u->nslots * sizeof(*u->slots));
    u->next = s->next;
    u->npending = s->npending;
    u->fri = s->fri;
    u->overflow = s->overflow;
    u->dropped = s->dropped;
    return VE_OK;
}

void iommu_state_free(iommu_state *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s);
}
