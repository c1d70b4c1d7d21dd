/* Inside the hypercall dispatcher: one decoded call as the handlers see it, and the
 * handlers of each group of calls (hc_enable.c, hc_protect.c, hc_registers.c,
 * hypercall.c). Not for use outside vtl/. */
#ifndef VTL_HC_PRIV_H
#define VTL_HC_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vtl/hypercall.h"

/* A call that passed the control-word checks of the dispatcher (code known, rep fields
 * valid for the call, fast bit allowed, input/output GPAs aligned). A handler returns
 * the HV_STATUS_*; rep handlers advance reps_done (which starts at rep_start) after
 * each completed rep, and the VTL switch calls set action/next_vtl. */
typedef struct hc_call {
    vtl_state *st;
    const vtl_ops *ops;
    unsigned caller;        /* st->current when the call was made */
    bool fast;
    unsigned rep_count, rep_start;
    uint64_t rdx, r8;
    unsigned reps_done;
    vtl_hc_action action;
    unsigned next_vtl;
} hc_call;

/* An input naming a virtual processor must name the caller's own: its partition
 * (HV_PARTITION_ID_SELF) and VP 0, the only one, by number or as HV_VP_INDEX_SELF. */
static inline bool hc_names_own_vp(uint64_t partition_id, uint32_t vp_index)
{
    return partition_id == HV_PARTITION_ID_SELF && (vp_index == 0 || vp_index == HV_VP_INDEX_SELF);
}

/* Guest input/output at base + offset through the caller's SLAT view. A base + offset
 * that wraps past 2^64 is refused like an unreadable page (status 3 at the caller). */
static inline bool hc_read(const hc_call *c, uint64_t base, uint64_t offset, void *buf, size_t len)
{
    if (base + offset < base)
        return false;
    return c->ops->read_gpa(c->ops->ctx, c->caller, base + offset, buf, len);
}

static inline bool hc_write(const hc_call *c, uint64_t base, uint64_t offset, const void *buf,
                            size_t len)
{
    if (base + offset < base)
        return false;
    return c->ops->write_gpa(c->ops->ctx, c->caller, base + offset, buf, len);
}

uint16_t hc_enable_partition_vtl(hc_call *c);
uint16_t hc_enable_vp_vtl(hc_call *c);
uint16_t hc_modify_vtl_protection_mask(hc_call *c);
uint16_t hc_get_vp_registers(hc_call *c);
uint16_t hc_set_vp_registers(hc_call *c);
uint16_t hc_assign_device(hc_call *c);

#endif
