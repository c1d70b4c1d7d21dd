/* The run loop: start Unicorn, and between runs carry out what the hooks asked for
 * (exception delivery, syscall, exit, the exact end of a budget). */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"
#include "emu/vtl_switch.h"

#define UNTILS_PER_FLUSH 20000

/* Never a real RIP in practice: Unicorn then runs until a hook stops it. */
#define NO_UNTIL UINT64_MAX

static void finish(vtl_machine *m)
{
    m->finished = true;
    emu_console_flush(m);
    emu_event ev = { .kind = EV_EXIT, .icount = m->icount, .vtl = m->cur->vtl, .cpl = emu_cpl(m),
                     .rip = m->exit_rip_known ? m->exit_rip : cpu_reg(m->cur->uc, UC_X86_REG_RIP),
                     .code = m->exit_status, .reason = m->exit_reason,
                     .message = m->exit_msg[0] ? m->exit_msg : NULL };
    emu_emit(m, &ev);
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

/* Address after `n` instructions from rip (0 when they cannot be decoded). */
static uint64_t insn_boundary(vtl_machine *m, uint64_t rip, uint64_t n)
{
    uint64_t addr = rip;
    for (uint64_t i = 0; i < n; i++) {
        int len = emu_insn_length(m, addr);
        if (len == 0)
            return 0;
        addr += (uint64_t)len;
    }
    return addr;
}

/* Run-until points: Unicorn only honours `until` in code translated while it is set,
 * so the code from `from` to `until` is dropped from the cache before and after. */
typedef struct run_until {
    uint64_t from, until;
} run_until;

static void until_set(vtl_machine *m, run_until *u, uint64_t from, uint64_t until)
{
    u->from = from;
    u->until = until;
    /* Every run-until point costs fresh translations. Unicorn 2.1.1 corrupts its block
     * lists when a long series of them (single-stepping) fills its code buffer, so start
     * the buffer afresh now and then, well before that. */
    if (++m->cur->untils_since_flush >= UNTILS_PER_FLUSH) {
        m->cur->untils_since_flush = 0;
        uc_ctl_flush_tb(m->cur->uc);
    }
    uc_ctl_remove_cache(m->cur->uc, from, until + 1);
}

static void until_clear(vtl_machine *m, run_until *u)
{
    if (u->until == NO_UNTIL)
        return;
    uc_ctl_remove_cache(m->cur->uc, u->from, u->until + 1);
    u->until = NO_UNTIL;
    m->cur->io_checked_pc = 0;
}

/* Boot events, then what the loader does before any guest code: with a secure kernel,
 * VTL1 is enabled and its loader area is closed to VTL0. */
static void emit_boot(vtl_machine *m)
{
    for (int vtl = VTL_COUNT - 1; vtl >= 0; vtl--) {
        vcpu *v = &m->vp[vtl];
        if (!v->enabled)
            continue;
        emu_event boot = { .kind = EV_BOOT, .vtl = (unsigned)vtl, .cpl = 0, .rip = v->entry, .text = v->image_path,
                           .entry = v->entry };
        emu_emit(m, &boot);
    }
    if (!m->vtl1_at_boot)
        return;
    emu_event en = { .kind = EV_VTL_ENABLE, .vtl = 1, .cpl = 0, .rip = m->vp[1].entry, .target_vtl = 1 };
    emu_emit(m, &en);
    for (uint64_t gpa = m->vp[1].loader_start; gpa < m->vp[1].loader_end; gpa += PAGE_SIZE)
        emu_protect_page(m, 0, gpa, 0, false, 1, "loader");
    emu_flush_slat_changes(m);
}

/* Where a fetch was denied (a fault or a SLAT violation): Unicorn may report the start
 * of a block that runs into the page. Returns true when `now` is the instruction itself;
 * otherwise sets a run-until point at it so the instructions before it retire first. */
static bool fetch_at(vtl_machine *m, run_until *u, uint64_t now, uint64_t page)
{
    uint64_t at = align_down(now, PAGE_SIZE) == page ? now : faulting_fetch(m, now, page);
    if (at == now)
        return true;
    until_set(m, u, now, at);
    return false;
}

/* The budget that ends this slice: the machine's own (--max-insns, exit 66) or the
 * caller's slice limit, whichever comes first. */
static void set_budget(vtl_machine *m, uint64_t slice)
{
    uint64_t end = m->cfg.max_insns;
    if (slice) {
        uint64_t s_end = m->icount + slice < m->icount ? UINT64_MAX : m->icount + slice;
        if (!end || s_end < end)
            end = s_end;
    }
    m->budget_end = end;
    m->budget_limit = end ? end : UINT64_MAX;
}

emu_run_result emu_run_until(vtl_machine *m, emu_stop_fn stop, void *ctx, uint64_t max_insns,
                             const emu_event **last)
{
    if (last)
        *last = NULL;
    m->last_event_valid = false;
    if (m->finished)
        return EMU_RUN_EXITED;
    if (!m->loaded) {
        emu_stop_exit(m, EMU_STATUS_INTERNAL, EXIT_INTERNAL, "no image loaded");
        finish(m);
        return EMU_RUN_EXITED;
    }
    m->stop_fn = stop;
    m->stop_ctx = ctx;
    m->want_last = last != NULL || stop != NULL;
    m->user_stop = false;
    if (!m->started) {
        m->started = true;
        emit_boot(m);
    }
    set_budget(m, max_insns);

    run_until u = { .from = 0, .until = NO_UNTIL };
    emu_run_result result = EMU_RUN_EXITED;
    for (;;) {
        if (m->stop == STOP_EXIT)
            break;
        if (m->user_stop) {
            result = EMU_RUN_EVENT;
            goto out;
        }
        /* Unicorn flushes its TLB itself on CR3 writes, INVLPG and paging-relevant
         * CR0/CR4 writes, but not on a WRMSR of EFER, which we cannot hook: catch an
         * EFER.NXE change at the next stop (hardware, too, may keep such stale entries
         * until the next invalidation). A SLAT change is ours to flush. */
        uint64_t gen = slat_generation(m->cur->slat), rip = 0;
        uc_x86_msr efer = { .rid = MSR_EFER };
        int ids[2] = { UC_X86_REG_MSR, UC_X86_REG_RIP };
        void *vals[2] = { &efer, &rip };
        uc_reg_read_batch(m->cur->uc, ids, vals, 2);
        uint64_t nxe = efer.value & EFER_NXE;
        if (gen != m->cur->slat_gen_seen || nxe != m->cur->nxe_seen) {
            uc_ctl_flush_tlb(m->cur->uc);
            m->cur->slat_gen_seen = gen;
            m->cur->nxe_seen = nxe;
        }
        coh_before_resume(m, m->cur);
        m->stop = STOP_NONE;
        m->cur->until_probe_page = align_down(u.until - 1, PAGE_SIZE);
        m->cur->probe_failed = false;
        m->cur->ctrl_valid = false;
        m->cur->tables_valid = false;
        m->cur->ctrl_live = false;
        uc_err err = uc_emu_start(m->cur->uc, rip, u.until, 0, 0);
        m->cur->ctrl_live = true;
        if (err == UC_ERR_EXCEPTION && m->cur->probe_failed && m->stop == STOP_NONE)
            err = UC_ERR_OK;
        uint64_t now = cpu_reg(m->cur->uc, UC_X86_REG_RIP);

        if (u.until != NO_UNTIL && (m->stop != STOP_NONE || now != u.until || err != UC_ERR_OK)) {
            /* Something else happened first: forget the run-until point. */
            until_clear(m, &u);
        }

        /* A stop asked for by the block hook leaves that block unexecuted. Unicorn does
         * not always bring RIP back to it (with code hooks present it can report an
         * older PC), so put it there. */
        if (m->stop == STOP_BUDGET || m->stop == STOP_IO_CHECK || m->stop == STOP_RETRANSLATE) {
            now = m->block_stop_pc;
            cpu_set_reg(m->cur->uc, UC_X86_REG_RIP, now);
        }

        /* Handling a stop writes registers, which may make Unicorn fill its TLB: the
         * fill hook must see no stop pending then. */
        stop_kind why = m->stop;
        if (why != STOP_EXIT)
            m->stop = STOP_NONE;
        switch (why) {
        case STOP_EXIT:
            continue;
        case STOP_BUDGET: {
            /* The block at `now` would pass the budget: run only what is left of it. */
            uint64_t left = m->budget_end - m->icount;
            uint64_t at = left ? insn_boundary(m, now, left) : 0;
            if (at != 0) {
                until_set(m, &u, now, at);
                continue;
            }
            if (m->cfg.max_insns && m->icount >= m->cfg.max_insns) {
                m->exit_rip = now;
                m->exit_rip_known = true;
                emu_stop_exit(m, EMU_STATUS_BUDGET, EXIT_BUDGET, "instruction budget of %llu exhausted",
                              (unsigned long long)m->cfg.max_insns);
                continue;
            }
            result = EMU_RUN_LIMIT;
            goto out;
        }
        case STOP_IO_CHECK: {
            /* The block was not run (nor counted): run up to its I/O instruction, then
             * check that one instruction and run it alone. */
            uint64_t at = emu_next_io_insn(m, now);
            if (at != now) {
                if (at == 0)
                    m->cur->io_checked_pc = now;   /* cannot decode: let Unicorn report it */
                else
                    until_set(m, &u, now, at);
                continue;
            }
            if (!emu_io_allowed(m, now)) {
                m->exc = (pending_exc){ .vector = 13, .rip = now, .error_code = 0 };
                emu_deliver_exception(m);
                continue;
            }
            int len = emu_insn_length(m, now);
            until_set(m, &u, now, now + (uint64_t)len);
            m->cur->io_checked_pc = now;
            continue;
        }
        case STOP_EXCEPTION:
            if (m->exc.from_fill) {
                /* Unicorn stops exactly on the instruction whose access faulted. */
                m->exc.rip = now;
                if (m->exc.noncanonical && emu_access_uses_stack(m, now))
                    m->exc.vector = 12;
                if (m->exc.has_cr2) {
                    bool writes;
                    m->exc.cr2 = emu_fault_address(m, now, align_down(m->exc.cr2, PAGE_SIZE), &writes);
                    if (writes)
                        m->exc.error_code |= MMU_PF_W;
                }
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
            if (!fetch_at(m, &u, now, page))
                continue;
            m->exc.rip = now;
            m->exc.cr2 = now > page ? now : page;
            m->icount = emu_icount_at(m, now);
            emu_deliver_exception(m);
            continue;
        }
        case STOP_HYPERCALL:
            emu_do_hypercall(m);
            continue;
        case STOP_VIOLATION:
            if (m->viol.fetch && !fetch_at(m, &u, now, m->viol.gva_page))
                continue;
            emu_do_violation(m, now);
            continue;
        case STOP_COW_BREAK:
            emu_do_cow_break(m);
            continue;
        case STOP_RETRANSLATE:
            /* The block did not run: drop its translation so the new hook is in it. */
            uc_ctl_remove_cache(m->cur->uc, m->retranslate_pc, m->retranslate_pc + m->retranslate_size);
            continue;
        case STOP_NONE:
            break;
        }

        if (u.until != NO_UNTIL && now == u.until && err == UC_ERR_OK) {
            until_clear(m, &u);
            continue;
        }
        if (err == UC_ERR_OK && after_hlt(m, now)) {
            m->icount = emu_icount_at(m, now);
            uint64_t rflags = cpu_reg(m->cur->uc, UC_X86_REG_RFLAGS);
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
out:
    until_clear(m, &u);
    m->stop_fn = NULL;
    set_budget(m, 0);
    if (m->stop == STOP_EXIT && !m->finished)
        finish(m);
    if (m->finished)
        result = EMU_RUN_EXITED;
    if (last && m->last_event_valid)
        *last = &m->last_event;
    return result;
}

int emu_run(vtl_machine *m)
{
    emu_run_until(m, NULL, NULL, 0, NULL);
    return m->exit_status;
}

emu_run_result emu_step(vtl_machine *m, uint64_t n, const emu_event **last)
{
    if (n == 0) {
        if (last)
            *last = NULL;
        return m->finished ? EMU_RUN_EXITED : EMU_RUN_LIMIT;
    }
    return emu_run_until(m, NULL, NULL, n, last);
}
