/* The 4-level guest page walk (Intel SDM vol. 3 §4.5): reads the four levels top-down,
 * stops at the first not-present or reserved-bit entry, checks the combined rights
 * (rights.c) and only then sets A/D bits, so a faulting access leaves memory untouched.
 * Only 4-level paging is modelled: with CR0.PG set the caller is in long mode (CR4.PAE,
 * EFER.LMA); CR4.LA57, protection keys and CET shadow stacks are not. */
#include "mmu/walk.h"

#include <string.h>

#include "common/bits.h"
#include "mmu/cr.h"
#include "mmu/pte.h"
#include "mmu/rights.h"

/* One entry on the path of a GVA: where it lives and what it holds. */
typedef struct walk_step {
    uint64_t gpa;
    mmu_pte pte;
} walk_step;

typedef struct walk_path {
    walk_step step[4];     /* step[0] is the PML4E; the last used one is the leaf */
    int n;                 /* 2 for a 1 GiB page, 3 for 2 MiB, 4 for 4 KiB */
    uint64_t page_size;
    mmu_rights rights;
} walk_path;

/* Physical-address bits from MAXPHYADDR up to bit 51. */
static uint64_t phys_rsvd_mask(const mmu_ctrl *ctrl)
{
    uint64_t width = ctrl->maxphyaddr;
    if (width >= 52)
        return 0;
    if (width < PAGE_SHIFT)   /* a nonsense width must still not reserve the flag bits */
        width = PAGE_SHIFT;
    return MASK64(51, width);
}

static uint64_t rsvd_mask(const mmu_ctrl *ctrl, int level, mmu_pte pte)
{
    uint64_t mask = phys_rsvd_mask(ctrl);
    if (!(ctrl->efer & MMU_EFER_NXE))
        mask |= MMU_PTE_XD;
    if (level == MMU_LEVEL_PML4)
        mask |= MMU_PTE_PS;
    else if (level == MMU_LEVEL_PDPT && (pte & MMU_PTE_PS))
        mask |= MMU_PTE_RSVD_1G;
    else if (level == MMU_LEVEL_PD && (pte & MMU_PTE_PS))
        mask |= MMU_PTE_RSVD_2M;
    return mask;
}

/* Bit 7 of a PTE is PAT, so a PTE is always a leaf; a PML4E never is (PS is reserved). */
static bool is_leaf(int level, mmu_pte pte)
{
    return level == MMU_LEVEL_PT || (pte & MMU_PTE_PS);
}

/* The error code describes the access, not the page (SDM §4.7). */
static void page_fault(const mmu_ctrl *ctrl, const mmu_req *req, uint32_t cause, mmu_result *out)
{
    uint32_t ec = cause;
    if (req->access == MMU_WRITE)
        ec |= MMU_PF_W;
    if (req->cpl >= 3)
        ec |= MMU_PF_U;
    /* I/D is only reported when execute rights exist to violate: NXE or SMEP. */
    if (req->access == MMU_FETCH && ((ctrl->efer & MMU_EFER_NXE) || (ctrl->cr4 & MMU_CR4_SMEP)))
        ec |= MMU_PF_I;
    out->kind = MMU_PAGE_FAULT;
    out->error_code = ec;
}

/* Reads the path of req->gva into *path. False when the walk ended in *out. */
static bool read_path(const mmu_ctrl *ctrl, const mmu_mem *mem, const mmu_req *req,
                      walk_path *path, mmu_result *out)
{
    bool nxe = (ctrl->efer & MMU_EFER_NXE) != 0;
    uint64_t table = ctrl->cr3 & MMU_CR3_BASE;

    path->n = 0;
    path->rights = (mmu_rights){ .user = true, .writable = true, .nx = false };
    for (int level = MMU_LEVEL_PML4; level >= MMU_LEVEL_PT; level--) {
        walk_step *s = &path->step[path->n++];
        s->gpa = table + mmu_pt_index(req->gva, level) * sizeof(mmu_pte);
        if (!mem->read64(mem->ctx, s->gpa, &s->pte)) {
            out->kind = MMU_PT_ACCESS;
            out->pt_gpa = s->gpa;
            return false;
        }
        /* Nothing else in a not-present entry is looked at, reserved bits included. */
        if (!(s->pte & MMU_PTE_P)) {
            page_fault(ctrl, req, 0, out);
            return false;
        }
        if (s->pte & rsvd_mask(ctrl, level, s->pte)) {
            page_fault(ctrl, req, MMU_PF_P | MMU_PF_RSVD, out);
            return false;
        }
        path->rights.user = path->rights.user && (s->pte & MMU_PTE_US);
        path->rights.writable = path->rights.writable && (s->pte & MMU_PTE_RW);
        path->rights.nx = path->rights.nx || (nxe && (s->pte & MMU_PTE_XD));
        if (is_leaf(level, s->pte)) {
            path->page_size = UINT64_C(1) << mmu_level_shift(level);
            return true;
        }
        table = s->pte & MMU_PTE_ADDR;
    }
    return false;   /* not reached: level 1 is always a leaf */
}

/* Sets A on every entry of the path and D on the leaf for a write, writing only the
 * entries that change. False when a write failed (reported in *out). */
static bool update_ad(const mmu_mem *mem, bool dirty, walk_path *path, mmu_result *out)
{
    for (int i = 0; i < path->n; i++) {
        walk_step *s = &path->step[i];
        mmu_pte want = s->pte | MMU_PTE_A;
        if (dirty && i == path->n - 1)
            want |= MMU_PTE_D;
        if (want == s->pte)
            continue;
        if (!mem->write64(mem->ctx, s->gpa, want)) {
            out->kind = MMU_PT_ACCESS;
            out->pt_gpa = s->gpa;
            out->pt_write = true;
            return false;
        }
        s->pte = want;
    }
    return true;
}

static void no_paging(const mmu_req *req, mmu_result *out)
{
    out->kind = MMU_NO_PAGING;
    out->gpa = req->gva;
    out->page_size = PAGE_SIZE;
    out->can_read = out->can_write = out->can_fetch = true;
}

void mmu_walk(const mmu_ctrl *ctrl, const mmu_mem *mem, const mmu_req *req, mmu_result *out)
{
    walk_path path;

    memset(out, 0, sizeof *out);
    if (!(ctrl->cr0 & MMU_CR0_PG)) {
        no_paging(req, out);
        return;
    }
    if (!is_canonical48(req->gva)) {
        out->kind = MMU_NONCANONICAL;
        return;
    }
    if (!read_path(ctrl, mem, req, &path, out))
        return;
    if (!mmu_rights_allow(ctrl, req->cpl, req->rflags_ac, req->access, path.rights)) {
        page_fault(ctrl, req, MMU_PF_P, out);
        return;
    }
    if (req->set_ad && !update_ad(mem, req->access == MMU_WRITE, &path, out))
        return;

    mmu_pte leaf = path.step[path.n - 1].pte;
    uint64_t offset = req->gva & (path.page_size - 1);
    out->kind = MMU_OK;
    out->gpa = (leaf & MMU_PTE_ADDR & ~(path.page_size - 1)) | offset;
    out->page_size = path.page_size;
    out->can_read = mmu_rights_allow(ctrl, req->cpl, req->rflags_ac, MMU_READ, path.rights);
    out->can_fetch = mmu_rights_allow(ctrl, req->cpl, req->rflags_ac, MMU_FETCH, path.rights);
    /* A clean page is cached read-only so that the first write walks again and sets D. */
    out->can_write = mmu_rights_allow(ctrl, req->cpl, req->rflags_ac, MMU_WRITE, path.rights) &&
                     (!req->set_ad || (leaf & MMU_PTE_D));
}
