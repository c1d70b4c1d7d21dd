/* Unicorn's TLB-fill hook (UC_TLB_VIRTUAL): the guest page walk (mmu/) and then the
 * SLAT of the running VTL (slat/) decide the SPA and the rights Unicorn caches. */
#include "common/bits.h"
#include "emu/machine_priv.h"
#include "mmu/cr.h"

/* CPU-internal descriptor-table reads made while CS still reads ring 3 (segment loads,
 * iretq to ring 3) are supervisor accesses: recognise them by address. */
static bool in_table(uint64_t page, const uc_x86_mmr *t)
{
    if (t->limit == 0 && t->base == 0)
        return false;
    uint64_t lo = align_down(t->base, PAGE_SIZE), hi = t->base + t->limit;
    return page >= lo && page <= hi;
}

/* The tables are read once per run, like the paging controls (see vcpu): only lgdt,
 * lidt, lldt and ltr change them, and their blocks set ctrl_live. */
static bool implicit_supervisor(vcpu *v, uint64_t page)
{
    if (v->ctrl_live || !v->tables_valid) {
        int ids[4] = { UC_X86_REG_GDTR, UC_X86_REG_IDTR, UC_X86_REG_LDTR, UC_X86_REG_TR };
        void *vals[4] = { &v->tables[0], &v->tables[1], &v->tables[2], &v->tables[3] };
        uc_reg_read_batch(v->uc, ids, vals, 4);
        v->tables_valid = true;
    }
    for (int i = 0; i < 4; i++)
        if (in_table(page, &v->tables[i]))
            return true;
    return false;
}

/* Record a denied access; the run loop turns it into an intercept or a stop. */
static bool violation(vtl_machine *m, uint64_t gva, uint64_t gpa, emu_access acc, unsigned cpl, bool walk,
                      bool fetch)
{
    m->stop = STOP_VIOLATION;
    m->viol = (pending_violation){ .gva_page = gva, .gpa = gpa, .access = acc, .cpl = cpl, .page_walk = walk,
                                   .fetch = fetch };
    return false;
}

bool emu_tlb_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e, void *ud)
{
    vtl_machine *m = ud;
    (void)uc;
    /* After every run Unicorn looks up the page before its run-until address to drop
     * code translated for it. Answer that probe truthfully (a refusal makes Unicorn
     * invalidate at a bogus address), but never as a guest access: no A/D bits, no
     * fault, no stop. Any other fill after a hook asked to stop is refused, so nothing
     * replaces the stop being reported. */
    bool probe = type == UC_MEM_FETCH && vaddr == m->cur->until_probe_page;
    if (m->stop != STOP_NONE && !probe)
        return false;
    if (probe && vaddr == NO_UNTIL_PROBE_PAGE) {
        /* No run-until point: nothing to drop, and Unicorn skips a refused probe. */
        m->cur->probe_failed = true;
        return false;
    }

    /* A fill is on the hot path of every TLB miss: the paging controls are read once per
     * run unless a block that may change them has run (see vcpu), RFLAGS only when SMAP
     * needs AC. */
    vcpu *v = m->cur;
    uint64_t rflags = 0, cs = 0;
    if (v->ctrl_live || !v->ctrl_valid) {
        v->ctrl = (mmu_ctrl){ .maxphyaddr = 40 };
        uc_x86_msr efer = { .rid = MSR_EFER };
        int ids[5] = { UC_X86_REG_CR0, UC_X86_REG_CR3, UC_X86_REG_CR4, UC_X86_REG_MSR, UC_X86_REG_CS };
        void *vals[5] = { &v->ctrl.cr0, &v->ctrl.cr3, &v->ctrl.cr4, &efer, &cs };
        uc_reg_read_batch(v->uc, ids, vals, 5);
        v->ctrl.efer = efer.value;
        v->ctrl_valid = true;
    } else {
        cs = cpu_reg(v->uc, UC_X86_REG_CS);
    }
    mmu_ctrl ctrl = v->ctrl;
    unsigned cpl = (unsigned)(cs & 3);
    if (cpl == 3 && implicit_supervisor(v, vaddr))
        cpl = 0;
    if ((ctrl.cr4 & MMU_CR4_SMAP) && cpl < 3)
        rflags = cpu_reg(v->uc, UC_X86_REG_RFLAGS);

    mmu_access acc = type == UC_MEM_WRITE ? MMU_WRITE : type == UC_MEM_FETCH ? MMU_FETCH : MMU_READ;
    emu_access eacc = (emu_access)acc;
    mmu_mem mem = emu_pt_mem_ops;
    mem.ctx = m->cur;
    mmu_req req = { .gva = vaddr, .access = acc, .cpl = cpl, .rflags_ac = (rflags & RFLAGS_AC) != 0, .set_ad = !probe };
    mmu_result r;
    mmu_walk(&ctrl, &mem, &req, &r);
    if (probe && r.kind != MMU_OK && r.kind != MMU_NO_PAGING) {
        m->cur->probe_failed = true;   /* Unicorn then reports UC_ERR_EXCEPTION: not ours */
        return false;
    }

    switch (r.kind) {
    case MMU_OK:
        break;
    case MMU_NO_PAGING:
        r.gpa = vaddr;
        r.can_read = r.can_write = r.can_fetch = true;
        break;
    case MMU_PAGE_FAULT:
        m->stop = acc == MMU_FETCH ? STOP_FETCH_FAULT : STOP_EXCEPTION;
        m->exc = (pending_exc){ .vector = 14, .has_error_code = true, .error_code = r.error_code,
                                .has_cr2 = true, .cr2 = vaddr, .from_fill = true };
        return false;
    case MMU_NONCANONICAL:
        /* #GP(0), or #SS(0) for a stack access: decided once RIP is known (run.c). */
        m->stop = STOP_EXCEPTION;
        m->exc = (pending_exc){ .vector = 13, .has_error_code = true, .error_code = 0, .from_fill = true,
                                .noncanonical = true };
        return false;
    case MMU_PT_ACCESS:
        return violation(m, vaddr, r.pt_gpa, r.pt_write ? ACC_WRITE : ACC_READ, cpl, true, acc == MMU_FETCH);
    }

    uint64_t gpa_page = align_down(r.gpa, PAGE_SIZE);
    if (gpa_page == VTD_MMIO_GPA && acc != MMU_FETCH) {
        /* The remapping unit's registers: device memory, never executable. */
        e->paddr = m->mmio_spa;
        e->perms = UC_PROT_READ | UC_PROT_WRITE;
        return true;
    }
    slat_entry se = { 0 };
    if (slat_lookup(m->cur->slat, gpa_page, &se) != VE_OK) {
        if (probe) {
            m->cur->probe_failed = true;
            return false;
        }
        return violation(m, vaddr, gpa_page, eacc, cpl, false, acc == MMU_FETCH);   /* outside guest RAM */
    }
    /* Execute is KX at CPL 0-2 and UX at CPL 3 (MBEC); a shared page is never writable. */
    unsigned allowed = 0;
    if (se.rights & SLAT_R)
        allowed |= 1u << SLAT_ACC_READ;
    if ((se.rights & SLAT_W) && !se.cow)
        allowed |= 1u << SLAT_ACC_WRITE;
    if (se.rights & (cpl == 3 ? SLAT_UX : SLAT_KX))
        allowed |= 1u << SLAT_ACC_EXEC;
    if (!(allowed & (1u << acc))) {
        if (probe) {
            m->cur->probe_failed = true;
            return false;
        }
        if (acc == MMU_WRITE && se.cow && (se.rights & SLAT_W)) {
            /* The first write to a shared page: the run loop gives this VTL a copy. */
            m->stop = STOP_COW_BREAK;
            m->viol = (pending_violation){ .gva_page = vaddr, .gpa = gpa_page, .access = ACC_WRITE, .cpl = cpl };
            return false;
        }
        return violation(m, vaddr, gpa_page, eacc, cpl, false, acc == MMU_FETCH);
    }

    uc_prot perms = 0;
    if (r.can_read && (allowed & (1u << SLAT_ACC_READ)))
        perms |= UC_PROT_READ;
    if (r.can_write && (allowed & (1u << SLAT_ACC_WRITE)))
        perms |= UC_PROT_WRITE;
    if (r.can_fetch && (allowed & (1u << SLAT_ACC_EXEC)))
        perms |= UC_PROT_EXEC;
    if (perms & UC_PROT_EXEC)
        coh_fetch_fill(m, m->cur, se.spa, vaddr);
    if (perms & UC_PROT_WRITE)
        coh_write_fill(m, m->cur, se.spa);
    e->paddr = se.spa;
    e->perms = perms;
    return true;
}
