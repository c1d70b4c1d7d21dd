/* Access rights of a completed translation (Intel SDM vol. 3 §4.6): whether an access
 * of a given kind by a given CPL may use a page, given the rights combined over all
 * levels of the walk. Internal to mmu/. */
#ifndef MMU_RIGHTS_H
#define MMU_RIGHTS_H

#include <stdbool.h>

#include "mmu/walk.h"

/* Combined over every entry used: user and writable are ANDed, nx ORed. */
typedef struct mmu_rights {
    bool user;       /* U/S = 1 at every level */
    bool writable;   /* R/W = 1 at every level */
    bool nx;         /* XD = 1 at some level, and EFER.NXE = 1 */
} mmu_rights;

/* True when `access` by `cpl` (with RFLAGS.AC = `ac`) is permitted on a page with
 * rights `r` under the control state `ctrl`. A/D bits play no part here. */
bool mmu_rights_allow(const mmu_ctrl *ctrl, unsigned cpl, bool ac, mmu_access access, mmu_rights r);

#endif
