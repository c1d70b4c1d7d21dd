/* The SDM §4.6 access-rights rules, one access kind at a time. */
#include "mmu/rights.h"

#include "mmu/cr.h"

static bool supervisor_data_ok(const mmu_ctrl *ctrl, bool ac, bool write, mmu_rights r)
{
    /* SMAP blocks explicit supervisor data accesses to user pages unless AC opens them. */
    if (r.user && (ctrl->cr4 & MMU_CR4_SMAP) && !ac)
        return false;
    if (!write)
        return true;
    /* WP = 0 lets the kernel write any page, user pages included; WP = 1 honours R/W. */
    return r.writable || !(ctrl->cr0 & MMU_CR0_WP);
}

static bool supervisor_fetch_ok(const mmu_ctrl *ctrl, mmu_rights r)
{
    if (r.user && (ctrl->cr4 & MMU_CR4_SMEP))
        return false;
    return !r.nx;
}

static bool user_ok(mmu_access access, mmu_rights r)
{
    if (!r.user)
        return false;
    if (access == MMU_WRITE)
        return r.writable;   /* CR0.WP does not matter at CPL 3 */
    if (access == MMU_FETCH)
        return !r.nx;
    return true;
}

bool mmu_rights_allow(const mmu_ctrl *ctrl, unsigned cpl, bool ac, mmu_access access, mmu_rights r)
{
    if (cpl >= 3)
        return user_ok(access, r);
    if (access == MMU_FETCH)
        return supervisor_fetch_ok(ctrl, r);
    return supervisor_data_ok(ctrl, ac, access == MMU_WRITE, r);
}
