/* The run loop: start Unicorn, and between runs carry out what the hooks asked for
 * (exception delivery, syscall, exit, the exact end of a budget). */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

/* Never a real RIP in practice: Unicorn then runs until a hook stops it. */
#define NO_UNTIL UINT64_MAX

static void finish(vtl_machine *m)
{
    emu_console_flush(m);
    emu_event ev = { .kind = EV_EXIT, .icount = m->icount, .vtl = 0, .cpl = emu_cpl(m),
                     .rip = m->exit_rip_known ? m->exit_rip : cpu_reg(m->uc, UC_X86_REG_RIP),
                     .code = m->exit_status, .reason = m->exit_reason,
                     .message = m->exit_msg[0] ? m->exit_msg : NULL };
    if (m->on_event)
        m->on_event(&ev, m->on_event_ctx);
}

/* A fetch fault where Unicorn reports the block start: find the instruction that
 * reaches into the faulting page. Returns its address. */
static uint64_t faulting_fetch(vtl_machine *m, uint64_t rip, uint64_t fault_page)
{
    uint64_t addr = rip;
    for (int i = 0; i < 4096 && addr < fault_page; i++) {
        int len = emu_insn_length(m, addr);
        if (len == 0 || addr + (uint64_t)len > fault_page)
            return addr;
        addr += (uint64_t)len;
    }
    return addr;
}

/* hlt stops Unicorn with no hook and RIP after it. */
static bool after_hlt(vtl_machine *m, uint64_t rip)
{
    uint8_t b;
    gmem_fault f;
    return rip > 0 && emu_gva_rw(m, rip - 1, &b, 1, false, emu_cpl(m), false, &f) == GMEM_OK && b == 0xF4;
}

int emu_run(vtl_machine *m)
{
    if (!m->loaded) {
        emu_stop_exit(m, EMU_STATUS_INTERNAL, EXIT_INTERNAL, "no image loaded");
        finish(m);
        return m->exit_status;
    }
    emu_event boot = { .kind = EV_BOOT, .vtl = 0, .cpl = 0, .rip = m->entry, .text = m->image_path,
                       .entry = m->entry };
    emu_emit(m, &boot);

    uint64_t until = NO_UNTIL;
    bool exact_budget = false;
    for (;;) {
        if (m->stop == STOP_EXIT)
            break;
        uint64_t gen = slat_generation(m->slat0);
        if (gen != m->slat_gen_seen) {
            uc_ctl_flush_tlb(m->uc);
            m->slat_gen_seen = gen;
        }
        size_t count = 0;
        if (m->stop == STOP_BUDGET || exact_budget) {
            uint64_t left = m->cfg.max_insns - m->icount;
            if (left == 0) {
                emu_stop_exit(m, EMU_STATUS_BUDGET, EXIT_BUDGET, "instruction budget of %llu exhausted",
                              (unsigned long long)m->cfg.max_insns);
                break;
            }
            exact_budget = true;
            count = left;
        }
        m->stop = STOP_NONE;
        uint64_t rip = cpu_reg(m->uc, UC_X86_REG_RIP);
        /* The block hook counts whole blocks; in the exact tail the engine's own count decides. */
        uint64_t icount_before = m->icount;
        uint64_t saved_max = m->cfg.max_insns;
        if (exact_budget)
            m->cfg.max_insns = 0;
        uc_err err = uc_emu_start(m->uc, rip, until, 0, count);
        m->cfg.max_insns = saved_max;
        uint64_t now = cpu_reg(m->uc, UC_X86_REG_RIP);

        switch (m->stop) {
        case STOP_EXIT:
            continue;
        case STOP_BUDGET:
            continue;
        case STOP_EXCEPTION:
            if (m->exc.from_fill) {
                /* Unicorn stops exactly on the instruction whose access faulted. */
                m->exc.rip = now;
                if (m->exc.has_cr2)
                    m->exc.cr2 = emu_fault_address(m, now, align_down(m->exc.cr2, PAGE_SIZE));
            }
            m->icount = emu_icount_at(m, m->exc.rip);
            emu_deliver_exception(m);
            continue;
        case STOP_SYSCALL:
            m->icount = emu_icount_at(m, m->exc.rip) + 1;
            emu_do_syscall(m);
            continue;
        case STOP_FETCH_FAULT: {
            uint64_t page = align_down(m->exc.cr2, PAGE_SIZE);
            uint64_t at = align_down(now, PAGE_SIZE) == page ? now : faulting_fetch(m, now, page);
            if (at != now) {
                /* Run the instructions before it first; they would have retired. */
                until = at;
                continue;
            }
            m->exc.rip = now;
            m->exc.cr2 = now > page ? now : page;
            m->icount = emu_icount_at(m, now);
            emu_deliver_exception(m);
            continue;
        }
        case STOP_NONE:
            break;
        }

        if (until != NO_UNTIL && now == until) {
            until = NO_UNTIL;
            continue;
        }
        if (exact_budget && err == UC_ERR_OK) {
            /* Unicorn ran exactly `count` instructions. */
            m->icount = icount_before + count;
            continue;
        }
        if (err == UC_ERR_OK && after_hlt(m, now)) {
            m->icount = emu_icount_at(m, now);
            uint64_t rflags = cpu_reg(m->uc, UC_X86_REG_RFLAGS);
            m->exit_rip = now - 1;
            m->exit_rip_known = true;
            if (rflags & RFLAGS_IF)
                emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_HALT,
                              "hlt at 0x%llx: no interrupt source can wake the CPU", (unsigned long long)(now - 1));
            else
                emu_stop_exit(m, EMU_STATUS_VIOLATION, EXIT_HALT,
                              "hlt with interrupts disabled at 0x%llx", (unsigned long long)(now - 1));
            continue;
        }
        emu_stop_exit(m, EMU_STATUS_INTERNAL, EXIT_INTERNAL, "Unicorn stopped at 0x%llx: %s (please report)",
                      (unsigned long long)now, err == UC_ERR_OK ? "no reason given" : uc_strerror(err));
    }
    finish(m);
    return m->exit_status;
}
