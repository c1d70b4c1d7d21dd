/* Snapshots: everything a run can change, to rewind one boot for many attack variants.
 * After a restore both engines forget their TLBs, translated code and block counts,
 * since memory changed underneath them. */
#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "emu/vtl_switch.h"

typedef struct vcpu_snap {
    bool exists, enabled;
    uc_context *ctx;
    slat *slat;
    uint64_t vp_assist_page;
} vcpu_snap;

struct emu_snapshot {
    physmem_image *mem;
    iommu_state *iommu;
    dma0_regs dma0;
    vtd_regs vtd;
    vcpu_snap vp[VTL_COUNT];
    vtl_state vs;
    unsigned cur;
    bool vp0_started, vtl1_at_boot, started, finished, exited;
    uint64_t icount;
    int exit_status;
    emu_exit_reason exit_reason;
    char exit_msg[200];
    uint64_t exit_rip;
    bool exit_rip_known;
    event_log log;                    /* a copy, strings included */
    console_text console[VTL_COUNT];
    char con[512];
    size_t con_len;
    uint64_t con_icount, con_rip;
    unsigned con_cpl, con_vtl;
};

void emu_snapshot_free(emu_snapshot *s)
{
    if (!s)
        return;
    physmem_image_free(s->mem);
    iommu_state_free(s->iommu);
    emu_log_copy_free(&s->log, s->console);
    for (unsigned i = 0; i < VTL_COUNT; i++) {
        if (s->vp[i].ctx)
            uc_context_free(s->vp[i].ctx);
        slat_destroy(s->vp[i].slat);
    }
    free(s);
}

emu_snapshot *emu_snapshot_take(vtl_machine *m)
{
    emu_flush_slat_changes(m);
    emu_snapshot *s = calloc(1, sizeof(*s));
    if (!s || physmem_save(m->pm, &s->mem) != VE_OK || !(s->iommu = iommu_save(m->iommu)))
        goto fail;
    s->dma0 = m->dma0;
    s->vtd = m->vtd;
    for (unsigned i = 0; i < VTL_COUNT; i++) {
        vcpu *v = &m->vp[i];
        if (!v->uc)
            continue;
        vcpu_snap *vs = &s->vp[i];
        vs->exists = true;
        vs->enabled = v->enabled;
        vs->vp_assist_page = v->vp_assist_page;
        if (uc_context_alloc(v->uc, &vs->ctx) != UC_ERR_OK || uc_context_save(v->uc, vs->ctx) != UC_ERR_OK ||
            slat_clone(v->slat, &vs->slat) != VE_OK)
            goto fail;
    }
    s->vs = m->vs;
    s->cur = m->cur->vtl;
    s->vp0_started = m->vp0_started;
    s->vtl1_at_boot = m->vtl1_at_boot;
    s->started = m->started;
    s->finished = m->finished;
    s->exited = m->stop == STOP_EXIT;
    s->icount = m->icount;
    s->exit_status = m->exit_status;
    s->exit_reason = m->exit_reason;
    memcpy(s->exit_msg, m->exit_msg, sizeof(s->exit_msg));
    s->exit_rip = m->exit_rip;
    s->exit_rip_known = m->exit_rip_known;
    if (emu_log_copy(m, &s->log, s->console) != VE_OK)
        goto fail;
    memcpy(s->con, m->con, sizeof(s->con));
    s->con_len = m->con_len;
    s->con_icount = m->con_icount;
    s->con_rip = m->con_rip;
    s->con_cpl = m->con_cpl;
    s->con_vtl = m->con_vtl;
    return s;
fail:
    emu_snapshot_free(s);
    return NULL;
}

/* An engine whose memory changed underneath it starts afresh. */
static void forget_translations(vtl_machine *m, vcpu *v)
{
    uc_ctl_flush_tlb(v->uc);
    uc_ctl_flush_tb(v->uc);
    memset(v->icache, 0, ICOUNT_SLOTS * sizeof(icount_slot));
    uint64_t pages = physmem_total_size(m->pm) / PAGE_SIZE;
    memset(v->coh.flags, 0, pages);
    v->coh.nlist = 0;
    v->coh.nshared = 0;
    v->io_checked_pc = 0;
    v->nxe_seen = UINT64_MAX;
}

ve_status emu_snapshot_restore(vtl_machine *m, const emu_snapshot *s)
{
    if (!s)
        return VE_E_INVAL;
    ve_status st = physmem_restore(m->pm, s->mem);
    if (st == VE_OK)
        st = iommu_load(m->iommu, s->iommu);
    if (st != VE_OK)
        return st;
    m->dma0 = s->dma0;
    m->vtd = s->vtd;
    for (unsigned i = 0; i < VTL_COUNT; i++) {
        vcpu *v = &m->vp[i];
        const vcpu_snap *vs = &s->vp[i];
        if (!v->uc)
            continue;
        if (!vs->exists) {
            v->enabled = false;   /* created after the snapshot: never scheduled again */
            continue;
        }
        if (uc_context_restore(v->uc, vs->ctx) != UC_ERR_OK || slat_assign(v->slat, vs->slat) != VE_OK)
            return VE_E_STATE;
        v->enabled = vs->enabled;
        v->vp_assist_page = vs->vp_assist_page;
        forget_translations(m, v);
    }
    m->chg.pages = 0;
    m->vs = s->vs;
    emu_set_cur(m, &m->vp[s->cur]);
    m->vp0_started = s->vp0_started;
    m->vtl1_at_boot = s->vtl1_at_boot;
    m->started = s->started;
    m->finished = s->finished;
    m->stop = s->exited ? STOP_EXIT : STOP_NONE;
    m->icount = s->icount;
    m->exit_status = s->exit_status;
    m->exit_reason = s->exit_reason;
    memcpy(m->exit_msg, s->exit_msg, sizeof(m->exit_msg));
    m->exit_rip = s->exit_rip;
    m->exit_rip_known = s->exit_rip_known;
    st = emu_log_restore(m, &s->log, s->console);
    if (st != VE_OK)
        return st;
    memcpy(m->con, s->con, sizeof(m->con));
    m->con_len = s->con_len;
    m->con_icount = s->con_icount;
    m->con_rip = s->con_rip;
    m->con_cpl = s->con_cpl;
    m->con_vtl = s->con_vtl;
    return VE_OK;
}
