/* VTL switches, hypercalls, secure intercepts and copy-on-write breaks (DESIGN.md
 * §5, §6): the emulator half; the rules live in vtl/. */
#include <string.h>

#include "common/bits.h"
#include "emu/vtl_switch.h"
#include "vtl/hypercall.h"

static vtl_ops ops_for(vtl_machine *m)
{
    vtl_ops o = emu_vtl_ops;
    o.ctx = m;
    return o;
}

/* ---- shared registers ------------------------------------------------------------ */

/* RAX-R15 except RSP always; DR0-DR3, DR6 and the x87/SSE state only from an engine
 * that has run code touching them (insn_class.c): otherwise both engines still hold the
 * values of the last copy. CR2 is written only when it differs: writing it disturbs CR3
 * in Unicorn 2.1.1 (see cpu_set_cr2). */
static const int shared_gprs[15] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RBP, UC_X86_REG_RSI,
    UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11, UC_X86_REG_R12,
    UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

static void copy_regs(uc_engine *from, uc_engine *to, int *ids, void **vals, int n)
{
    uc_reg_read_batch(from, ids, vals, n);
    uc_reg_write_batch(to, ids, (void *const *)vals, n);
}

static void copy_shared(vcpu *from, vcpu *to)
{
    uint64_t gpr[15];
    int ids[32];
    void *vals[32];
    for (int i = 0; i < 15; i++) {
        ids[i] = shared_gprs[i];
        vals[i] = &gpr[i];
    }
    ids[15] = UC_X86_REG_CR2;
    vals[15] = &gpr[0];   /* placeholder, CR2 handled below */
    copy_regs(from->uc, to->uc, ids, vals, 15);

    uint64_t cr2 = cpu_reg(from->uc, UC_X86_REG_CR2);
    if (cr2 != cpu_reg(to->uc, UC_X86_REG_CR2))
        cpu_set_cr2(to->uc, cr2);

    if (from->dr_used) {
        static const int drs[5] = { UC_X86_REG_DR0, UC_X86_REG_DR1, UC_X86_REG_DR2, UC_X86_REG_DR3, UC_X86_REG_DR6 };
        uint64_t dr[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = drs[i];
            vals[i] = &dr[i];
        }
        copy_regs(from->uc, to->uc, ids, vals, 5);
        to->dr_used = true;   /* it now holds values another engine changed */
    }
    if (from->fpu_used) {
        uint8_t fp[8][16], xmm[16][16];
        uint16_t fpcw, fpsw, fptag;
        uint32_t mxcsr;
        int n = 0;
        for (int i = 0; i < 8; i++, n++) {
            ids[n] = UC_X86_REG_FP0 + i;
            vals[n] = fp[i];
        }
        ids[n] = UC_X86_REG_FPCW, vals[n++] = &fpcw;
        ids[n] = UC_X86_REG_FPSW, vals[n++] = &fpsw;
        ids[n] = UC_X86_REG_FPTAG, vals[n++] = &fptag;
        ids[n] = UC_X86_REG_MXCSR, vals[n++] = &mxcsr;
        for (int i = 0; i < 16; i++, n++) {
            ids[n] = UC_X86_REG_XMM0 + i;
            vals[n] = xmm[i];
        }
        copy_regs(from->uc, to->uc, ids, vals, n);
        to->fpu_used = true;
    }
}

/* ---- switching ------------------------------------------------------------------- */

void emu_vtl_boot_secure(vtl_machine *m)
{
    vtl_enable_at_boot(&m->vs, 1);
    /* As if VTL0 had called into VTL1: the secure kernel's VtlReturn starts VTL0. */
    m->vs.current = 1;
    m->vs.entered_from_below = true;
    m->vs.return_to = 0;
    emu_set_cur(m, &m->vp[1]);
    m->vtl1_at_boot = true;
}

static void emit_switch(vtl_machine *m, emu_event_kind kind, unsigned from, unsigned to, const hv_message *msg)
{
    emu_event ev = { .kind = kind, .icount = m->icount, .vtl = to, .cpl = emu_cpl(m),
                     .rip = cpu_reg(m->cur->uc, UC_X86_REG_RIP), .from_vtl = from, .to_vtl = to };
    if (msg) {
        ev.gva = msg->gpa.gva;
        ev.gpa = msg->gpa.gpa;
        ev.access = (emu_access)msg->gpa.access;
    }
    emu_emit(m, &ev);
}

void emu_vtl_switch(vtl_machine *m, unsigned to, switch_kind kind, const hv_message *msg)
{
    vtl_ops ops = ops_for(m);
    vcpu *from = m->cur, *dst = &m->vp[to];
    bool first_start = to == 0 && !m->vp0_started;
    if (!first_start)
        copy_shared(from, dst);
    switch (kind) {
    case SWITCH_CALL:
        vtl_enter_call(&m->vs, &ops);
        break;
    case SWITCH_INTERCEPT:
        vtl_enter_intercept(&m->vs, &ops, msg);
        break;
    case SWITCH_RETURN: {
        uint64_t rax, rcx;
        vtl_enter_return(&m->vs, &ops, &rax, &rcx);
        /* VTL0's first entry keeps its full boot state (DESIGN.md §3). */
        if (!first_start) {
            cpu_set_reg(dst->uc, UC_X86_REG_RAX, rax);
            cpu_set_reg(dst->uc, UC_X86_REG_RCX, rcx);
        }
        break;
    }
    }
    emu_set_cur(m, dst);
    if (to == 0)
        m->vp0_started = true;
    emit_switch(m, kind == SWITCH_CALL ? EV_VTL_CALL : kind == SWITCH_RETURN ? EV_VTL_RETURN : EV_INTERCEPT,
                from->vtl, to, kind == SWITCH_INTERCEPT ? msg : NULL);
}

/* ---- hypercalls ------------------------------------------------------------------ */

void emu_do_hypercall(vtl_machine *m)
{
    vcpu *v = m->cur;
    uint64_t rip = m->exc.rip;
    /* The vmcall retires. When it ends the current block (the usual case), the block's
     * count already includes it. */
    if (m->blk->vmcall_at != rip)
        m->icount = emu_icount_at(m, rip) + 1;
    uint64_t rcx = 0, rdx = 0, r8 = 0, cs = 0;
    int ids[4] = { UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_R8, UC_X86_REG_CS };
    void *vals[4] = { &rcx, &rdx, &r8, &cs };
    uc_reg_read_batch(v->uc, ids, vals, 4);
    unsigned caller = v->vtl, cpl = (unsigned)(cs & 3);
    vtl_ops ops = ops_for(m);
    vtl_hc_result r;
    bool enabled_before = m->vs.vp_enabled[1];
    vtl_hypercall(&m->vs, &ops, rcx, rdx, r8, &r);
    emu_flush_slat_changes(m);
    emu_event ev = { .kind = EV_HYPERCALL, .icount = m->icount, .vtl = caller, .cpl = cpl, .rip = rip,
                     .hc_code = r.code, .name = r.name, .hc_status = r.status };
    emu_emit(m, &ev);
    if (!enabled_before && m->vs.vp_enabled[1]) {
        emu_event en = { .kind = EV_VTL_ENABLE, .icount = m->icount, .vtl = caller, .cpl = cpl, .rip = rip,
                         .target_vtl = 1 };
        emu_emit(m, &en);
    }
    cpu_set_reg(v->uc, UC_X86_REG_RIP, rip + 3);
    switch (r.action) {
    case VTL_HC_NONE:
        cpu_set_reg(v->uc, UC_X86_REG_RAX, r.rax);
        break;
    case VTL_HC_CALL:
        emu_vtl_switch(m, r.next_vtl, SWITCH_CALL, NULL);
        break;
    case VTL_HC_RETURN:
        emu_vtl_switch(m, r.next_vtl, SWITCH_RETURN, NULL);
        break;
    }
}

/* ---- SLAT changes ---------------------------------------------------------------- */

void emu_flush_slat_changes(vtl_machine *m)
{
    if (!m->chg.pages)
        return;
    emu_event ev = { .kind = EV_SLAT_CHANGE, .icount = m->icount, .vtl = m->cur->vtl, .cpl = m->chg.cpl,
                     .rip = m->chg.rip, .target_vtl = m->chg.target, .gpa = m->chg.gpa, .pages = m->chg.pages,
                     .rights_before = m->chg.before, .rights_after = m->chg.after, .source = m->chg.source };
    m->chg.pages = 0;
    emu_emit(m, &ev);
}

void emu_note_slat_change(vtl_machine *m, unsigned target_vtl, uint64_t gpa, unsigned before, unsigned after,
                          const char *source)
{
    slat_change_acc *c = &m->chg;
    if (c->pages && c->target == target_vtl && c->before == before && c->after == after && c->source == source &&
        gpa == c->gpa + c->pages * PAGE_SIZE) {
        c->pages++;
        return;
    }
    emu_flush_slat_changes(m);
    *c = (slat_change_acc){ .target = target_vtl, .gpa = gpa, .pages = 1, .before = before, .after = after,
                            .source = source, .rip = m->loaded && m->cur->uc ? cpu_reg(m->cur->uc, UC_X86_REG_RIP) : 0,
                            .cpl = m->cur->uc ? emu_cpl(m) : 0 };
}

/* ---- copy-on-write --------------------------------------------------------------- */

ve_status emu_cow_break_page(vtl_machine *m, unsigned vtl, uint64_t gpa_page)
{
    vcpu *v = &m->vp[vtl];
    slat_entry e;
    if (slat_lookup(v->slat, gpa_page, &e) != VE_OK || !e.cow)
        return VE_E_STATE;
    uint64_t copy;
    if (physmem_frame_alloc(m->pm, &copy) != VE_OK)
        return VE_E_NOMEM;
    memcpy(physmem_host(m->pm) + copy, physmem_host(m->pm) + e.spa, PAGE_SIZE);
    slat_set_page(v->slat, gpa_page, copy, false);
    emu_event ev = { .kind = EV_COW_BREAK, .icount = m->icount, .vtl = vtl, .cpl = emu_cpl(m),
                     .rip = cpu_reg(m->cur->uc, UC_X86_REG_RIP), .gpa = gpa_page, .spa = e.spa, .new_spa = copy };
    emu_emit(m, &ev);
    return VE_OK;
}

void emu_do_cow_break(vtl_machine *m)
{
    m->icount = emu_icount_at(m, cpu_reg(m->cur->uc, UC_X86_REG_RIP));
    if (emu_cow_break_page(m, m->cur->vtl, m->viol.gpa) != VE_OK)
        emu_stop_exit(m, EMU_STATUS_INTERNAL, EXIT_INTERNAL,
                      "no free frame for a copy-on-write break of GPA 0x%llx", (unsigned long long)m->viol.gpa);
    /* The engine re-runs the write; the SLAT generation bump flushes its TLB first. */
}

/* ---- intercepts ------------------------------------------------------------------ */

void emu_do_violation(vtl_machine *m, uint64_t rip)
{
    vcpu *v = m->cur;
    pending_violation p = m->viol;
    m->icount = emu_icount_at(m, rip);
    /* The GVA of the access (for a page walk, the address being translated; the GPA is
     * then the page-table entry's). */
    uint64_t gva, gpa = p.gpa;
    if (p.access == ACC_EXECUTE || (p.page_walk && p.fetch))
        gva = rip > p.gva_page ? rip : p.gva_page;
    else
        gva = emu_fault_address(m, rip, p.gva_page, NULL);
    if (!p.page_walk)
        gpa = p.gpa + (gva & (PAGE_SIZE - 1));
    slat_entry e = { 0 };
    slat_lookup(v->slat, gpa, &e);
    emu_event ev = { .kind = EV_SLAT_VIOLATION, .icount = m->icount, .vtl = v->vtl, .cpl = p.cpl, .rip = rip,
                     .gva = gva, .gpa = gpa, .access = p.access, .rights = e.rights };
    emu_emit(m, &ev);

    bool inside_ram = range_within(gpa, 1, physmem_ram_size(m->pm));
    if (v->vtl == 0 && m->vs.vp_enabled[1] && inside_ram) {
        uint8_t insn[16] = { 0 };
        unsigned n = (unsigned)emu_read_code(m, rip, insn, sizeof(insn));
        int len = emu_insn_length(m, rip);
        hv_segment cs = { .selector = (uint16_t)cpu_reg(v->uc, UC_X86_REG_CS) };
        cs.attributes = 0xA09B;   /* 64-bit code, present; the DPL follows the CPL */
        cs.attributes |= (uint16_t)((p.cpl & 3) << 5);
        cs.limit = 0xFFFFFFFF;
        hv_message msg;
        vtl_build_gpa_intercept(&msg, rip, cpu_reg(v->uc, UC_X86_REG_RFLAGS), &cs, p.cpl, (unsigned)p.access, gva,
                                gpa, insn, len > 0 ? (unsigned)len : n);
        emu_vtl_switch(m, 1, SWITCH_INTERCEPT, &msg);
        /* The intercept event carries the access too. */
        return;
    }
    if (!inside_ram)
        emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_VIOLATION, "%s of GPA 0x%llx (GVA 0x%llx) is outside guest RAM",
                      emu_access_name(p.access), (unsigned long long)gpa, (unsigned long long)gva);
    else
        emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_VIOLATION,
                      "SLAT violation: VTL%u %s of GPA 0x%llx (GVA 0x%llx) denied and no higher VTL handles it",
                      v->vtl, emu_access_name(p.access), (unsigned long long)gpa, (unsigned long long)gva);
}

/* ---- EnableVpVtl ----------------------------------------------------------------- */

static uint32_t mmr_flags(uint16_t attributes)
{
    /* TLFS/VMX attributes: access byte in 7:0, AVL L DB G in 15:12; Unicorn keeps the
     * descriptor's high dword layout (access byte at 15:8, flags at 23:20). */
    return ((uint32_t)(attributes & 0xFF) << 8) | ((uint32_t)((attributes >> 12) & 0xF) << 20);
}

ve_status emu_vtl_start_from_context(vtl_machine *m, unsigned vtl, const hv_initial_vp_context *c)
{
    char err[200];
    if (vtl == 0 || vtl >= VTL_COUNT)
        return VE_E_INVAL;
    if ((c->cs.selector & 3) || !(c->cs.attributes & 0x2000))
        return VE_E_INVAL;   /* vtlemu starts a VTL in 64-bit ring 0 only */
    if (emu_vcpu_init(m, vtl, err, sizeof(err)) != VE_OK)
        return VE_E_NOMEM;
    vcpu *v = &m->vp[vtl];
    uc_engine *uc = v->uc;
    cpu_set_msr(uc, MSR_EFER, c->efer);
    cpu_set_reg(uc, UC_X86_REG_CR4, c->cr4);
    cpu_set_reg(uc, UC_X86_REG_CR3, c->cr3);
    cpu_set_reg(uc, UC_X86_REG_CR0, c->cr0);
    cpu_set_msr(uc, MSR_PAT, c->msr_cr_pat);
    uc_x86_mmr gdtr = { .base = c->gdtr.base, .limit = c->gdtr.limit };
    uc_x86_mmr idtr = { .base = c->idtr.base, .limit = c->idtr.limit };
    uc_x86_mmr tr = { .selector = c->tr.selector, .base = c->tr.base, .limit = c->tr.limit,
                      .flags = mmr_flags(c->tr.attributes) };
    uc_x86_mmr ldtr = { .selector = c->ldtr.selector, .base = c->ldtr.base, .limit = c->ldtr.limit,
                        .flags = mmr_flags(c->ldtr.attributes) };
    uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    uc_reg_write(uc, UC_X86_REG_IDTR, &idtr);
    uc_reg_write(uc, UC_X86_REG_TR, &tr);
    uc_reg_write(uc, UC_X86_REG_LDTR, &ldtr);
    uint16_t sel = c->cs.selector;
    uc_reg_write(uc, UC_X86_REG_CS, &sel);
    sel = c->ss.selector;
    uc_reg_write(uc, UC_X86_REG_SS, &sel);
    /* Data selectors are loaded through the GDT by Unicorn: only when we can read it. */
    const hv_segment *data[4] = { &c->ds, &c->es, &c->fs, &c->gs };
    int ids[4] = { UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS };
    for (int i = 0; i < 4; i++) {
        sel = (data[i]->selector & 0xFFFC) ? data[i]->selector : 0;
        if (sel && uc_reg_write(uc, ids[i], &sel) != UC_ERR_OK)
            return VE_E_INVAL;
    }
    cpu_set_reg(uc, UC_X86_REG_FS_BASE, c->fs.base);
    cpu_set_reg(uc, UC_X86_REG_GS_BASE, c->gs.base);
    cpu_set_reg(uc, UC_X86_REG_RFLAGS, c->rflags | 2);
    cpu_set_reg(uc, UC_X86_REG_RSP, c->rsp);
    cpu_set_reg(uc, UC_X86_REG_RIP, c->rip);
    if (!v->ring0 && uc_context_alloc(uc, &v->ring0) != UC_ERR_OK)
        return VE_E_NOMEM;
    if (uc_context_save(uc, v->ring0) != UC_ERR_OK)
        return VE_E_STATE;
    v->vp_assist_page = m->vp1_assist_reserved;
    v->enabled = true;
    return VE_OK;
}
