/* Exception and interrupt delivery through the guest's 64-bit IDT, and `syscall`.
 * Unicorn delivers neither (UNICORN-FACTS.md): it reports the vector and stops. We build
 * the frame ourselves, with the privilege and stack switch of the SDM (vol. 3 §6.14),
 * and enter the handler through the ring-0 template (Unicorn cannot lower the CPL by
 * register writes; restoring the template also clears its sticky exception state). */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

enum { EXC_DE = 0, EXC_DB = 1, EXC_BP = 3, EXC_OF = 4, EXC_UD = 6, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11,
       EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_AC = 17 };

static bool has_error_code(unsigned v)
{
    return v == EXC_DF || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP || v == EXC_PF ||
           v == EXC_AC || v == 21;
}

/* SDM Table 6-4/6-5: which first/second pairs become #DF. */
static int exc_class(unsigned v)
{
    if (v == EXC_PF)
        return 2;
    if (v == EXC_DE || (v >= EXC_TS && v <= EXC_GP))
        return 1;
    return 0;  /* benign */
}

static bool becomes_double_fault(unsigned first, unsigned second)
{
    int a = exc_class(first), b = exc_class(second);
    return (a == 1 && b == 1) || (a == 2 && (b == 1 || b == 2));
}

/* Writing FS/GS selectors makes Unicorn read the GDT through the TLB fill; a fill that
 * fails outside uc_emu_start crashes Unicorn. Keep only selectors we can read. */
static uint16_t safe_selector(vtl_machine *m, const cpu_state *s, uint16_t sel)
{
    uint8_t desc[8];
    gmem_fault f;
    if ((sel & 0xFFFC) == 0 || (sel & 4) || (uint64_t)(sel & ~7u) + 7 > s->gdtr.limit)
        return 0;
    if (emu_gva_rw(m, s->gdtr.base + (sel & ~7u), desc, 8, false, 0, false, &f) != GMEM_OK)
        return 0;
    return sel;
}

void emu_enter_ring0(vtl_machine *m, const cpu_state *s)
{
    cpu_state w = *s;
    w.ds = safe_selector(m, s, s->ds);
    w.es = safe_selector(m, s, s->es);
    w.fs = safe_selector(m, s, s->fs);
    w.gs = safe_selector(m, s, s->gs);
    uc_context_restore(m->cur->uc, m->cur->ring0);
    cpu_state_write(m->cur->uc, &w);
    /* Restoring a context leaves Unicorn's TLB as it was; the CR3 write above already
     * flushed it with paging on. Flush anyway so no ring-3 view survives. */
    uc_ctl_flush_tlb(m->cur->uc);
}

typedef struct delivery_fault {
    unsigned vector;
    uint32_t error_code;
    bool has_cr2;
    uint64_t cr2;
    bool violation;
} delivery_fault;

static bool fault_from_gmem(const gmem_fault *g, delivery_fault *df)
{
    memset(df, 0, sizeof(*df));
    switch (g->kind) {
    case GMEM_OK:
        return false;
    case GMEM_PAGE_FAULT:
        df->vector = EXC_PF;
        df->error_code = g->error_code;
        df->has_cr2 = true;
        df->cr2 = g->gva;
        return true;
    case GMEM_GP:
        df->vector = EXC_GP;
        return true;
    case GMEM_VIOLATION:
        df->violation = true;
        df->cr2 = g->gpa;
        return true;
    }
    return false;
}

/* One delivery attempt. On success the CPU is in the handler; on failure *df says why. */
static bool try_deliver(vtl_machine *m, cpu_state *s, const pending_exc *e, delivery_fault *df)
{
    memset(df, 0, sizeof(*df));
    unsigned cpl = s->cs & 3;
    uint32_t ext = e->software ? 0 : 1;          /* EXT bit of a delivery error code */
    uint32_t idt_err = (e->vector << 3) | 2 | ext;
    gmem_fault g;

    if ((uint64_t)e->vector * 16 + 15 > s->idtr.limit) {
        df->vector = EXC_GP;
        df->error_code = idt_err;
        return false;
    }
    uint8_t gate[16];
    if (emu_gva_rw(m, s->idtr.base + e->vector * 16u, gate, 16, false, 0, true, &g) != GMEM_OK) {
        fault_from_gmem(&g, df);
        return false;
    }
    unsigned type = gate[5] & 0xF, dpl = (gate[5] >> 5) & 3, present = gate[5] >> 7;
    unsigned ist = gate[4] & 7;
    uint16_t sel;
    memcpy(&sel, gate + 2, 2);
    uint64_t off = (uint64_t)gate[0] | (uint64_t)gate[1] << 8 | (uint64_t)gate[6] << 16 | (uint64_t)gate[7] << 24;
    uint32_t hi;
    memcpy(&hi, gate + 8, 4);
    off |= (uint64_t)hi << 32;

    if (type != 0xE && type != 0xF) {
        df->vector = EXC_GP;
        df->error_code = idt_err;
        return false;
    }
    if (e->software && dpl < cpl) {
        df->vector = EXC_GP;
        df->error_code = idt_err;
        return false;
    }
    if (!present) {
        df->vector = EXC_NP;
        df->error_code = idt_err;
        return false;
    }

    /* Target code segment: a present 64-bit code descriptor with DPL <= CPL. */
    uint32_t sel_err = (sel & 0xFFFC) | ext;
    if ((sel & 0xFFFC) == 0 || (sel & 4) || (uint64_t)(sel & ~7u) + 7 > s->gdtr.limit) {
        df->vector = EXC_GP;
        df->error_code = sel_err;
        return false;
    }
    uint8_t desc[8];
    if (emu_gva_rw(m, s->gdtr.base + (sel & ~7u), desc, 8, false, 0, true, &g) != GMEM_OK) {
        fault_from_gmem(&g, df);
        return false;
    }
    bool is_code = (desc[5] & 0x18) == 0x18, long_mode = (desc[6] & 0x20) != 0;
    unsigned cs_dpl = (desc[5] >> 5) & 3, cs_present = desc[5] >> 7;
    if (!is_code || !long_mode || cs_dpl > cpl) {
        df->vector = EXC_GP;
        df->error_code = sel_err;
        return false;
    }
    if (!cs_present) {
        df->vector = EXC_NP;
        df->error_code = sel_err;
        return false;
    }
    bool conforming = (desc[5] & 0x04) != 0;
    unsigned new_cpl = conforming ? cpl : cs_dpl;

    /* Stack: IST if the gate names one, else RSP0..2 of the TSS on a privilege change. */
    uint64_t rsp = s->gpr[R_RSP];
    uint16_t new_ss = s->ss;
    if (ist || new_cpl < cpl) {
        unsigned off_tss = ist ? 0x24 + (ist - 1) * 8 : 4 + new_cpl * 8;
        if (off_tss + 7 > s->tr.limit) {
            df->vector = EXC_TS;
            df->error_code = (s->tr.selector & 0xFFFC) | ext;
            return false;
        }
        if (emu_gva_rw(m, s->tr.base + off_tss, &rsp, 8, false, 0, true, &g) != GMEM_OK) {
            fault_from_gmem(&g, df);
            return false;
        }
        if (new_cpl < cpl)
            new_ss = (uint16_t)new_cpl;  /* null selector with RPL = new CPL */
    }
    rsp &= ~UINT64_C(15);

    /* Push as the CPU does, one word at a time from the top, so a fault names the
     * first word that could not be written. */
    uint64_t words[6] = { s->ss, s->gpr[R_RSP], s->rflags, s->cs, e->rip, e->error_code };
    int nwords = e->has_error_code ? 6 : 5;
    for (int i = 0; i < nwords; i++) {
        rsp -= 8;
        if (!is_canonical48(rsp)) {
            df->vector = EXC_SS;
            df->error_code = ext;
            return false;
        }
        if (emu_gva_rw(m, rsp, &words[i], 8, true, new_cpl, true, &g) != GMEM_OK) {
            fault_from_gmem(&g, df);
            if (df->vector == EXC_PF)
                df->error_code &= ~(uint32_t)4;   /* the push is a supervisor access */
            return false;
        }
    }

    if (e->has_cr2)
        s->cr2 = e->cr2;
    s->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | RFLAGS_VM);
    if (type == 0xE)
        s->rflags &= ~(uint64_t)RFLAGS_IF;
    s->gpr[R_RSP] = rsp;
    s->ss = new_ss;
    s->cs = (uint16_t)((sel & 0xFFFC) | new_cpl);
    s->rip = off;
    emu_enter_ring0(m, s);
    return true;
}

static void emit_exception(vtl_machine *m, const cpu_state *s, const pending_exc *e)
{
    emu_event ev = { .kind = EV_EXCEPTION, .icount = m->icount, .vtl = m->cur->vtl, .cpl = s->cs & 3, .rip = e->rip,
                     .vector = e->vector, .has_error_code = e->has_error_code, .error_code = e->error_code,
                     .has_gva = e->has_cr2, .gva = e->cr2 };
    emu_emit(m, &ev);
}

void emu_deliver_exception(vtl_machine *m)
{
    cpu_state s;
    cpu_state_read(m->cur->uc, &s);
    pending_exc e = m->exc;
    e.has_error_code = has_error_code(e.vector) && !e.software;
    /* A software interrupt refused by its gate (DPL, type, not present) never happened:
     * the CPU raises only the fault. So its event waits for the gate checks. */
    if (!e.software)
        emit_exception(m, &s, &e);

    for (int attempt = 0; attempt < 3; attempt++) {
        delivery_fault df;
        cpu_state before = s;
        bool ok = try_deliver(m, &s, &e, &df);
        if (e.software) {
            /* Refused by a check of the gate or its code segment (not by the stack). */
            bool gate_refused = !ok && !df.violation && df.vector != EXC_PF && df.vector != EXC_SS;
            if (!gate_refused)
                emit_exception(m, &before, &e);
        }
        if (ok)
            return;
        if (df.violation) {
            emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_VIOLATION,
                          "delivering vector %u touched GPA 0x%llx, which the SLAT denies", e.vector,
                          (unsigned long long)df.cr2);
            return;
        }
        if (e.vector == EXC_DF) {
            emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_TRIPLE_FAULT,
                          "triple fault: vector %u while delivering a double fault", df.vector);
            return;
        }
        if (df.has_cr2)
            s.cr2 = df.cr2;   /* a #PF sets CR2 even when it turns into #DF */
        /* A software interrupt that cannot be delivered faults on the instruction. */
        pending_exc next = { .vector = df.vector, .error_code = df.error_code, .has_cr2 = df.has_cr2,
                             .cr2 = df.cr2, .rip = e.software ? e.insn_rip : e.rip };
        if (e.software)
            m->icount = emu_icount_at(m, e.insn_rip);
        if (becomes_double_fault(e.vector, df.vector))
            next = (pending_exc){ .vector = EXC_DF, .error_code = 0, .rip = next.rip };
        next.has_error_code = has_error_code(next.vector);
        e = next;
        emit_exception(m, &s, &e);
    }
    emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_TRIPLE_FAULT, "triple fault: exception delivery failed repeatedly");
}

void emu_do_syscall(vtl_machine *m)
{
    cpu_state s;
    cpu_state_read(m->cur->uc, &s);
    uint64_t insn = m->exc.rip;
    uint64_t efer = s.msr[CS_MSR_EFER].value;
    emu_event ev = { .kind = EV_SYSCALL, .icount = m->icount, .vtl = m->cur->vtl, .cpl = s.cs & 3, .rip = insn,
                     .nr = s.gpr[R_RAX] };
    if (!(efer & EFER_SCE)) {
        m->exc = (pending_exc){ .vector = EXC_UD, .rip = insn };
        m->icount--;   /* the syscall did not retire */
        emu_deliver_exception(m);
        return;
    }
    emu_emit(m, &ev);
    uint64_t star = s.msr[CS_MSR_STAR].value;
    uint16_t kcs = (uint16_t)((star >> 32) & 0xFFFC);
    s.gpr[R_RCX] = insn + 2;
    s.gpr[R_R11] = s.rflags & ~(uint64_t)RFLAGS_RF;
    s.rflags &= ~(s.msr[CS_MSR_SFMASK].value | RFLAGS_RF);
    s.rflags |= 2;
    s.cs = kcs;
    s.ss = (uint16_t)(kcs + 8);
    s.rip = s.msr[CS_MSR_LSTAR].value;
    emu_enter_ring0(m, &s);
}
