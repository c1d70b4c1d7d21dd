/* Run control. Without breakpoints a run is a series of emu_run_until slices whose stop
 * predicate picks the events of the mode (n: VTL transitions, v: violations). The API
 * has no hook per instruction, so with breakpoints (or `o`'s return address) the run
 * steps one instruction at a time and compares RIP after each step: exact, but about as
 * slow as emu_step(1) (see README, "The debugger"). Either way a tick returns after
 * about budget_ms so the window stays responsive. */
#include "frontends/sdl/run.h"

#include <string.h>
#include <time.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *mode_name(dbg_run_mode mode)
{
    switch (mode) {
    case DBG_RUN_CONTINUE: return "continue";
    case DBG_RUN_TRANSITION: return "next VTL transition";
    case DBG_RUN_VIOLATION: return "next violation";
    case DBG_RUN_OVER: return "step over";
    case DBG_STOPPED: break;
    }
    return "stopped";
}

static bool mode_stops_at(dbg_run_mode mode, const emu_event *ev)
{
    switch (mode) {
    case DBG_RUN_TRANSITION:
        return ev->kind == EV_VTL_CALL || ev->kind == EV_VTL_RETURN || ev->kind == EV_INTERCEPT;
    case DBG_RUN_VIOLATION:
        return ev->kind == EV_SLAT_VIOLATION || ev->kind == EV_INTERCEPT || ev->kind == EV_IOMMU_FAULT;
    default:
        return false;
    }
}

static bool stop_pred(const emu_event *ev, void *ctx)
{
    const dbg_model *d = ctx;
    return mode_stops_at(d->mode, ev);
}

bool dbg_model_running(const dbg_model *d)
{
    return d->mode != DBG_STOPPED;
}

/* The log index of `last`, the event that stopped emu_run_until. */
static long index_of(const dbg_model *d, const emu_event *last)
{
    size_t n = emu_event_count(d->m);
    for (size_t i = n; i-- > 0 && n - i <= 64;) {
        const emu_event *ev = emu_event_get(d->m, i);
        if (ev == last || (ev && ev->kind == last->kind && ev->icount == last->icount && ev->vtl == last->vtl &&
                           ev->rip == last->rip))
            return (long)i;
    }
    return -1;
}

static void describe_event(const dbg_model *d, long idx, char *buf, size_t len)
{
    const emu_event *ev = idx >= 0 ? emu_event_get(d->m, (size_t)idx) : NULL;
    if (!ev) {
        snprintf(buf, len, "?");
        return;
    }
    dbg_event_brief(ev, buf, len);
}

static void finish(dbg_model *d, const char *why, long ev_idx)
{
    dbg_run_mode was = d->mode;
    d->mode = DBG_STOPPED;
    int status;
    if (emu_exited(d->m, &status)) {
        d->exited = true;
        d->exit_status = status;
    }
    dbg_model_stopped(d, ev_idx);
    char what[120];
    if (d->exited) {
        snprintf(d->status, sizeof(d->status), "the run is over: exit status %d", d->exit_status);
    } else if (ev_idx >= 0 && why == NULL) {
        describe_event(d, ev_idx, what, sizeof(what));
        snprintf(d->status, sizeof(d->status), "stopped (%s) at %s", mode_name(was), what);
    } else {
        snprintf(d->status, sizeof(d->status), "%s", why ? why : "stopped");
    }
}

static bool begin(dbg_model *d)
{
    if (d->exited) {
        snprintf(d->status, sizeof(d->status), "the run is over (exit status %d): nothing to run", d->exit_status);
        return false;
    }
    /* Registers that differ from here on are "changed since the last stop". */
    memcpy(d->stop_regs, d->regs, sizeof(d->regs));
    return true;
}

void dbg_run_step(dbg_model *d)
{
    if (!begin(d))
        return;
    size_t before = emu_event_count(d->m);
    const emu_event *last = NULL;
    emu_step(d->m, 1, &last);
    size_t after = emu_event_count(d->m);
    finish(d, "stepped one instruction", after > before ? (long)after - 1 : -1);
}

static bool hits_bp(dbg_model *d)
{
    unsigned vtl = emu_current_vtl(d->m);
    uint64_t rip;
    if (emu_reg_get(d->m, vtl, "rip", &rip) != VE_OK)
        return false;
    if (d->mode == DBG_RUN_OVER && d->over_target.vtl == vtl && d->over_target.rip == rip)
        return true;
    return dbg_model_has_bp(d, vtl, rip);
}

void dbg_run_start(dbg_model *d, dbg_run_mode mode)
{
    if (!begin(d))
        return;
    if (mode == DBG_RUN_OVER) {
        unsigned vtl = emu_current_vtl(d->m);
        uint64_t rip;
        char text[80] = "";
        int len = 0;
        if (emu_reg_get(d->m, vtl, "rip", &rip) == VE_OK)
            len = emu_disasm(d->m, vtl, rip, text, sizeof(text));
        bool over = len > 0 && (!strncmp(text, "call", 4) || !strncmp(text, "vmcall", 6) ||
                                !strncmp(text, "syscall", 7) || !strncmp(text, "int", 3));
        if (!over) {
            dbg_run_step(d);
            return;
        }
        d->over_target = (dbg_bp){ vtl, rip + (uint64_t)len };
    }
    d->mode = mode;
    snprintf(d->status, sizeof(d->status), "running (%s): space pauses", mode_name(mode));
    /* A run starting on a breakpoint leaves it first. */
    if (d->nbps || mode == DBG_RUN_OVER) {
        size_t before = emu_event_count(d->m);
        const emu_event *last;
        emu_run_result r = emu_step(d->m, 1, &last);
        size_t after = emu_event_count(d->m);
        for (size_t i = before; i < after; i++) {
            const emu_event *ev = emu_event_get(d->m, i);
            if (ev && mode_stops_at(d->mode, ev)) {
                finish(d, NULL, (long)i);
                return;
            }
        }
        if (r == EMU_RUN_EXITED)
            finish(d, NULL, (long)after - 1);
        else if (hits_bp(d))
            finish(d, mode == DBG_RUN_OVER ? "stepped over" : "breakpoint", -1);
    }
}

void dbg_run_pause(dbg_model *d)
{
    if (d->mode != DBG_STOPPED)
        finish(d, "paused", -1);
}

/* One instruction at a time, checking breakpoints; false once stopped. */
static bool tick_stepping(dbg_model *d, uint64_t deadline)
{
    for (unsigned i = 0;; i++) {
        if ((i & 63) == 0 && i && now_ns() >= deadline)
            return true;
        size_t before = emu_event_count(d->m);
        const emu_event *last;
        emu_run_result r = emu_step(d->m, 1, &last);
        size_t after = emu_event_count(d->m);
        for (size_t e = before; e < after; e++) {
            const emu_event *ev = emu_event_get(d->m, e);
            if (ev && mode_stops_at(d->mode, ev)) {
                finish(d, NULL, (long)e);
                return false;
            }
        }
        if (r == EMU_RUN_EXITED) {
            finish(d, NULL, (long)after - 1);
            return false;
        }
        if (hits_bp(d)) {
            finish(d, d->mode == DBG_RUN_OVER ? "stepped over" : "breakpoint", -1);
            return false;
        }
    }
}

/* Slices of emu_run_until; the slice grows or shrinks to take about a quarter of the
 * budget so a pause is never far away. */
static bool tick_slices(dbg_model *d, uint64_t budget_ns, uint64_t deadline)
{
    for (;;) {
        uint64_t t0 = now_ns();
        const emu_event *last = NULL;
        bool pred = d->mode == DBG_RUN_TRANSITION || d->mode == DBG_RUN_VIOLATION;
        emu_run_result r = emu_run_until(d->m, pred ? stop_pred : NULL, d, d->slice, &last);
        uint64_t took = now_ns() - t0;
        if (took < budget_ns / 8 && d->slice < UINT64_C(1) << 28)
            d->slice *= 2;
        else if (took > budget_ns / 2 && d->slice > 1000)
            d->slice /= 2;
        if (r == EMU_RUN_EVENT) {
            finish(d, NULL, last ? index_of(d, last) : -1);
            return false;
        }
        if (r == EMU_RUN_EXITED) {
            size_t n = emu_event_count(d->m);
            finish(d, NULL, n ? (long)n - 1 : -1);
            return false;
        }
        if (now_ns() >= deadline)
            return true;
    }
}

bool dbg_model_tick(dbg_model *d, unsigned budget_ms)
{
    if (d->mode == DBG_STOPPED)
        return false;
    uint64_t budget = (uint64_t)budget_ms * 1000000u;
    uint64_t deadline = now_ns() + budget;
    bool still = (d->nbps || d->mode == DBG_RUN_OVER) ? tick_stepping(d, deadline)
                                                      : tick_slices(d, budget, deadline);
    /* While running, the views follow a few times a second (a refresh decodes listings). */
    uint64_t now = now_ns();
    if (still && now - d->refreshed_ns >= UINT64_C(150000000)) {
        dbg_model_refresh(d);
        d->refreshed_ns = now;
    }
    return true;
}
