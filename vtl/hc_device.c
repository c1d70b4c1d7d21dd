/* HvCallVtlemuAssignDevice (0x8001), a vtlemu extension: a higher VTL takes a DMA
 * device for itself (or gives it back), so that its remapping and its SLAT checks are
 * those of that VTL, and the VTL0 kernel can no longer program it. */
#include "vtl/hc_priv.h"

/* Checks in this order: partition id (5), target VTL exists (5), the caller runs above
 * VTL0 and at or above the target (6), the device exists (5). */
uint16_t hc_assign_device(hc_call *c)
{
    hv_input_vtlemu_assign_device in;
    if (!hc_read(c, c->rdx, 0, &in, sizeof(in)))
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (in.partition_id != HV_PARTITION_ID_SELF)
        return HV_STATUS_INVALID_PARAMETER;
    if (in.target_vtl >= VTL_COUNT)
        return HV_STATUS_INVALID_PARAMETER;
    if (c->caller == 0 || in.target_vtl > c->caller)
        return HV_STATUS_ACCESS_DENIED;
    if (!c->ops->assign_device || c->ops->assign_device(c->ops->ctx, in.requester_id, in.target_vtl) != VE_OK)
        return HV_STATUS_INVALID_PARAMETER;
    return HV_STATUS_SUCCESS;
}
