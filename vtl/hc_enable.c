/* HvCallEnablePartitionVtl and HvCallEnableVpVtl: bringing up a higher VTL, first for
 * the partition, then on the (one) VP with its initial context. */
#include <string.h>

#include "vtl/hc_priv.h"

/* Checks in this order: partition id (5), target VTL exists (5), not already enabled
 * (0x86), target above the caller (6), flags zero (5). The reserved bytes are not
 * checked, in memory or (fast) in R8 bits 63:16. */
uint16_t hc_enable_partition_vtl(hc_call *c)
{
    hv_input_enable_partition_vtl in;
    if (c->fast) {
        /* Fast input: RDX = partition id, R8 bits 7:0 target VTL, 15:8 flags. */
        memset(&in, 0, sizeof(in));
        in.partition_id = c->rdx;
        in.target_vtl = (uint8_t)(c->r8 & 0xFF);
        in.flags = (uint8_t)((c->r8 >> 8) & 0xFF);
    } else if (!hc_read(c, c->rdx, 0, &in, sizeof(in))) {
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    }
    if (in.partition_id != HV_PARTITION_ID_SELF)
        return HV_STATUS_INVALID_PARAMETER;
    const unsigned target = in.target_vtl;
    if (target >= VTL_COUNT)
        return HV_STATUS_INVALID_PARAMETER;
    if (c->st->partition_enabled[target])
        return HV_STATUS_VTL_ALREADY_ENABLED;
    /* Every VTL at or below the running one is enabled, so with two VTLs this cannot
     * refuse anything the check above let through; kept for the rule's sake. */
    if (target <= c->caller)
        return HV_STATUS_ACCESS_DENIED;
    if (in.flags != 0)
        return HV_STATUS_INVALID_PARAMETER;
    c->st->partition_enabled[target] = true;
    return HV_STATUS_SUCCESS;
}

/* Checks in this order: partition id (5), VP index 0 or self (5), target VTL exists
 * (5), enabled for the partition (5), not already enabled on the VP (0x86), caller
 * allowed (6), then the machine brings the VTL up (its failure: 5).
 * Who may enable: a VTL at or above the target (as the TLFS has VTL1 bring up its own
 * VTL on further VPs), or the VTL just below it (VTL0 bringing up VTL1 after
 * EnablePartitionVtl). With two VTLs every caller passes; the rule matters only for
 * more VTLs (VTL0 enabling VTL2). The reserved bytes are not checked. */
uint16_t hc_enable_vp_vtl(hc_call *c)
{
    hv_input_enable_vp_vtl in;
    if (!hc_read(c, c->rdx, 0, &in, sizeof(in)))
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (!hc_names_own_vp(in.partition_id, in.vp_index))
        return HV_STATUS_INVALID_PARAMETER;
    const unsigned target = in.target_vtl;
    if (target >= VTL_COUNT || !c->st->partition_enabled[target])
        return HV_STATUS_INVALID_PARAMETER;
    if (c->st->vp_enabled[target])
        return HV_STATUS_VTL_ALREADY_ENABLED;
    if (!(target <= c->caller || target == c->caller + 1))
        return HV_STATUS_ACCESS_DENIED;
    if (c->ops->enable_vp(c->ops->ctx, target, &in.context) != VE_OK)
        return HV_STATUS_INVALID_PARAMETER;
    c->st->vp_enabled[target] = true;
    return HV_STATUS_SUCCESS;
}
