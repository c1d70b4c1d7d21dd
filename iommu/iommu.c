#include "iommu/iommu.h"

#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "iommu/iommu_priv.h"

ve_status iommu_create(const iommu_env *env, iommu **out)
{
    if (!env || !out || !env->read64 || !env->slat)
        return VE_E_INVAL;
    if (env->spa_size == 0 || !is_aligned(env->spa_size, PAGE_SIZE) || env->fault_slots > IOMMU_MAX_FAULT_SLOTS)
        return VE_E_INVAL;
    iommu *u = calloc(1, sizeof(*u));
    if (!u)
        return VE_E_NOMEM;
    u->env = *env;
    u->nslots = env->fault_slots ? env->fault_slots : IOMMU_DEFAULT_FAULT_SLOTS;
    u->env.fault_slots = u->nslots;
    u->slots = calloc(u->nslots, sizeof(*u->slots));
    u->bounce = env->spa_base ? malloc(IOMMU_DMA_MAX_LEN) : NULL;
    if (!u->slots || (env->spa_base && !u->bounce)) {
        iommu_destroy(u);
        return VE_E_NOMEM;
    }
    *out = u;
    return VE_OK;
}

void iommu_destroy(iommu *u)
{
    if (!u)
        return;
    free(u->slots);
    free(u->bounce);
    free(u);
}

void iommu_set_translation(iommu *u, bool enable) { u->translation = enable; }
bool iommu_translation_enabled(const iommu *u) { return u->translation; }
uint64_t iommu_root_table(const iommu *u) { return u->root; }
unsigned iommu_device_vtl(const iommu *u, uint16_t rid) { return u->vtl[rid]; }

ve_status iommu_set_root_table(iommu *u, uint64_t gpa)
{
    if (!is_aligned(gpa, PAGE_SIZE))
        return VE_E_INVAL;
    u->root = gpa;
    return VE_OK;
}

ve_status iommu_set_device_vtl(iommu *u, uint16_t rid, unsigned vtl)
{
    if (vtl >= IOMMU_VTLS)
        return VE_E_INVAL;
    u->vtl[rid] = (uint8_t)vtl;
    return VE_OK;
}

/* The SLAT step: the VTL's rights decide, a copy-on-write share is broken for a write
 * the VTL may do, and the SPA must lie in host RAM (anything else would be a bug in the
 * SLAT; refusing keeps the DMA copy inside the buffer). */
static bool slat_step(const iommu *u, unsigned vtl, uint64_t gpa, bool write, uint64_t *spa)
{
    const iommu_env *e = &u->env;
    if (!e->slat(e->ctx, vtl, gpa, write, spa)) {
        if (!write || !e->cow_write || !e->cow_write(e->ctx, vtl, gpa, spa))
            return false;
    }
    uint64_t page = *spa & PAGE_MASK;
    return page < e->spa_size && e->spa_size - page >= PAGE_SIZE;
}

ve_status iommu_translate(iommu *u, uint16_t rid, uint64_t iova, bool write, iommu_result *out)
{
    if (!u || !out)
        return VE_E_INVAL;
    memset(out, 0, sizeof(*out));
    out->rid = rid;
    out->vtl = u->vtl[rid];
    out->iova = iova;
    out->write = write;

    uint64_t gpa = iova;
    bool fpd = false;
    /* Only VTL0 programs the remapping unit, so only its devices go through it. */
    if (u->translation && out->vtl == 0) {
        iommu_walk w;
        iommu_remap(u, rid, out->vtl, iova, write, &w);
        out->remapped = true;
        out->reason = w.reason;
        gpa = w.gpa;
        fpd = w.fpd;
    }
    if (out->reason == IOMMU_FR_NONE) {
        out->gpa_known = true;
        out->gpa = gpa;
        uint64_t spa = 0;
        if (slat_step(u, out->vtl, gpa, write, &spa)) {
            out->spa = spa;
            return VE_OK;
        }
        out->reason = IOMMU_FR_SLAT;
    }
    iommu_record_fault(u, out, fpd);
    return VE_E_DENIED;
}
