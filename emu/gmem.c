/* Guest memory seen through the current VTL's page tables and SLAT, for the emulator's
 * own accesses (exception frames, IDT/TSS/GDT reads, instruction bytes). */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

/* Page-table entries as a VTL's walker reads them: through that VTL's SLAT (ctx = vcpu). */
static bool pt_read64(void *ctx, uint64_t gpa, uint64_t *val)
{
    vcpu *v = ctx;
    uint64_t spa;
    if (slat_check(v->slat, gpa, SLAT_ACC_READ, 0, &spa) != VE_OK)
        return false;
    memcpy(val, physmem_host(v->mach->pm) + spa, sizeof(*val));
    return true;
}

static bool pt_write64(void *ctx, uint64_t gpa, uint64_t val)
{
    vcpu *v = ctx;
    uint64_t spa;
    if (slat_check(v->slat, gpa, SLAT_ACC_WRITE, 0, &spa) != VE_OK)
        return false;
    memcpy(physmem_host(v->mach->pm) + spa, &val, sizeof(val));
    return true;
}

const mmu_mem emu_pt_mem_ops = { .read64 = pt_read64, .write64 = pt_write64, .ctx = NULL };

void emu_mmu_ctrl_of(vcpu *v, mmu_ctrl *ctrl)
{
    int ids[3] = { UC_X86_REG_CR0, UC_X86_REG_CR3, UC_X86_REG_CR4 };
    void *vals[3] = { &ctrl->cr0, &ctrl->cr3, &ctrl->cr4 };
    ctrl->cr0 = ctrl->cr3 = ctrl->cr4 = 0;
    uc_reg_read_batch(v->uc, ids, vals, 3);
    ctrl->efer = cpu_msr(v->uc, MSR_EFER);
    ctrl->maxphyaddr = 40;
}

void emu_mmu_ctrl(vtl_machine *m, mmu_ctrl *ctrl)
{
    emu_mmu_ctrl_of(m->cur, ctrl);
}

gmem_result emu_gva_rw(vtl_machine *m, uint64_t gva, void *buf, size_t len, bool write, unsigned cpl,
                       bool set_ad, gmem_fault *f)
{
    return emu_gva_rw_of(m->cur, gva, buf, len, write, cpl, set_ad, f);
}

gmem_result emu_gva_rw_of(vcpu *v, uint64_t gva, void *buf, size_t len, bool write, unsigned cpl, bool set_ad,
                          gmem_fault *f)
{
    vtl_machine *m = v->mach;
    mmu_ctrl ctrl;
    emu_mmu_ctrl_of(v, &ctrl);
    mmu_mem mem = emu_pt_mem_ops;
    mem.ctx = v;
    uint8_t *p = buf;
    memset(f, 0, sizeof(*f));
    while (len) {
        size_t chunk = PAGE_SIZE - (gva & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        mmu_req req = { .gva = gva, .access = write ? MMU_WRITE : MMU_READ, .cpl = cpl,
                        .rflags_ac = false, .set_ad = set_ad };
        mmu_result r;
        mmu_walk(&ctrl, &mem, &req, &r);
        f->gva = gva;
        switch (r.kind) {
        case MMU_OK:
        case MMU_NO_PAGING:
            break;
        case MMU_PAGE_FAULT:
            f->kind = GMEM_PAGE_FAULT;
            f->error_code = r.error_code;
            return f->kind;
        case MMU_NONCANONICAL:
            f->kind = GMEM_GP;
            return f->kind;
        case MMU_PT_ACCESS:
            f->kind = GMEM_VIOLATION;
            f->gpa = r.pt_gpa;
            return f->kind;
        }
        uint64_t gpa = r.kind == MMU_NO_PAGING ? gva : r.gpa;
        uint64_t spa;
        if (slat_check(v->slat, gpa, write ? SLAT_ACC_WRITE : SLAT_ACC_READ, cpl, &spa) != VE_OK) {
            f->kind = GMEM_VIOLATION;
            f->gpa = gpa;
            return f->kind;
        }
        uint8_t *host = physmem_host(m->pm) + spa;
        if (write)
            memcpy(host, p, chunk);
        else
            memcpy(p, host, chunk);
        p += chunk;
        gva += chunk;
        len -= chunk;
    }
    return GMEM_OK;
}
