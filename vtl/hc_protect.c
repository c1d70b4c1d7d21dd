/* HvCallModifyVtlProtectionMask: a higher VTL sets a lower VTL's SLAT rights on a list
 * of GPA pages (rep call). */
#include "common/bits.h"
#include "vtl/hc_priv.h"

#define HC_PROTECT_RIGHTS_MASK \
    (HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_KERNEL_EXEC | HV_MAP_GPA_USER_EXEC)

/* Header checks in this order: partition id (5), map flags only known bits (5), target
 * below the caller (6; so VTL0 is always refused), target enabled for the partition
 * (5; with two VTLs the target is VTL0, always enabled). Then each rep from rep_start:
 * page number i is the u64 at RDX + 16 + 8*i. An unreadable entry stops the call with
 * status 3; a page number whose GPA does not fit in 64 bits, or a page the machine
 * refuses (VE_E_RANGE: outside RAM, or any other error), stops it with status 5. Either
 * way reps_done counts the reps completed before the one that failed. The input may
 * span pages (the TLFS one-page limit on input is not enforced). */
uint16_t hc_modify_vtl_protection_mask(hc_call *c)
{
    hv_input_modify_vtl_protection_mask in;
    if (!hc_read(c, c->rdx, 0, &in, sizeof(in)))
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (in.partition_id != HV_PARTITION_ID_SELF)
        return HV_STATUS_INVALID_PARAMETER;
    if (in.map_flags & ~HV_MAP_VALID_MASK)
        return HV_STATUS_INVALID_PARAMETER;
    const unsigned target = in.target_vtl;
    if (target >= c->caller)
        return HV_STATUS_ACCESS_DENIED;
    if (!c->st->partition_enabled[target])
        return HV_STATUS_INVALID_PARAMETER;
    const unsigned rights = in.map_flags & HC_PROTECT_RIGHTS_MASK;
    const bool cow = (in.map_flags & HV_MAP_VTLEMU_COW_SHARE) != 0;
    for (unsigned i = c->rep_start; i < c->rep_count; i++) {
        uint64_t page;
        if (!hc_read(c, c->rdx, sizeof(in) + UINT64_C(8) * i, &page, sizeof(page)))
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        if (page > (UINT64_MAX >> PAGE_SHIFT))
            return HV_STATUS_INVALID_PARAMETER;
        if (c->ops->protect(c->ops->ctx, c->caller, target, page << PAGE_SHIFT, rights, cow) != VE_OK)
            return HV_STATUS_INVALID_PARAMETER;
        c->reps_done = i + 1;
    }
    return HV_STATUS_SUCCESS;
}
