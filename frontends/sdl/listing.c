/* Disassembly listings: x86 decodes only forwards, so lines before an address come
 * from trying earlier starts (back_sync), helped by instruction starts known from RIPs
 * and events. */
#include "frontends/sdl/listing.h"

#include <stdio.h>

/* Addresses known to start an instruction: RIPs seen at stops and in events. */
void dbg_note_start(dbg_model *d, unsigned vtl, uint64_t rip)
{
    if (vtl >= DBG_VTLS)
        return;
    for (size_t i = 0; i < DBG_KNOWN; i++)
        if (d->known[vtl][i] == rip)
            return;
    d->known[vtl][d->known_next[vtl]++ % DBG_KNOWN] = rip;
}

static bool is_known(const dbg_model *d, unsigned vtl, uint64_t addr)
{
    for (size_t i = 0; i < DBG_KNOWN; i++)
        if (d->known[vtl][i] == addr && addr)
            return true;
    return false;
}

static int decode(dbg_model *d, unsigned vtl, uint64_t addr, dbg_line *line)
{
    line->addr = addr;
    line->len = emu_disasm(d->m, vtl, addr, line->text, sizeof(line->text));
    if (line->len <= 0) {
        line->len = 0;
        snprintf(line->text, sizeof(line->text), "??");
    }
    return line->len;
}

/* x86 cannot be decoded backwards: try starts up to 40 bytes before `at`, keep those
 * whose instructions fall exactly on `at`, and of these the one through the most known
 * instruction starts (the earliest on a tie). */
static uint64_t back_sync(dbg_model *d, unsigned vtl, uint64_t at, size_t want)
{
    uint64_t best = at;
    int best_score = -1;
    for (uint64_t back = 40; back > 0; back--) {
        if (back > at)
            continue;
        uint64_t pc = at - back;
        uint64_t starts[48];
        size_t n = 0;
        int score = 0;
        dbg_line tmp;
        while (pc < at && n < 48) {
            starts[n++] = pc;
            score += is_known(d, vtl, pc);
            int len = decode(d, vtl, pc, &tmp);
            if (len == 0)
                break;
            pc += (uint64_t)len;
        }
        if (pc == at && n > 0 && score > best_score) {
            best_score = score;
            best = n > want ? starts[n - want] : starts[0];
        }
    }
    return best;
}

void dbg_build_listing(dbg_model *d, dbg_listing *l, unsigned vtl, uint64_t at, size_t lines, size_t before)
{
    l->valid = true;
    l->vtl = vtl;
    l->count = 0;
    uint64_t pc = before ? back_sync(d, vtl, at, before) : at;
    while (l->count < lines && l->count < DBG_DIS_LINES) {
        dbg_line *line = &l->lines[l->count++];
        int len = decode(d, vtl, pc, line);
        pc += len ? (uint64_t)len : 1;
    }
}

size_t dbg_line_of(const dbg_listing *l, uint64_t addr, size_t dflt)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->lines[i].addr == addr)
            return i;
    return dflt;
}

void dbg_model_set_cursor(dbg_model *d, size_t line)
{
    if (line < d->main.count)
        d->cursor = line;
}

/* Moves the cursor; past either end the listing scrolls (and stops following RIP). */
void dbg_move_cursor(dbg_model *d, long delta)
{
    if (!d->main.valid || d->main.count == 0)
        return;
    long to = (long)d->cursor + delta;
    if (to >= 0 && to < (long)d->main.count) {
        d->cursor = (size_t)to;
        return;
    }
    uint64_t addr;
    if (to < 0) {
        uint64_t first = d->main.lines[0].addr;
        addr = back_sync(d, d->main.vtl, first, (size_t)-to);
    } else {
        /* Decode forward from the last line. */
        const dbg_line *last = &d->main.lines[d->main.count - 1];
        addr = last->addr + (uint64_t)(last->len ? last->len : 1);
        for (long i = (long)d->main.count; i < to; i++) {
            dbg_line tmp;
            int len = decode(d, d->main.vtl, addr, &tmp);
            addr += len ? (uint64_t)len : 1;
        }
    }
    d->follow = false;
    d->pin_vtl = d->main.vtl;
    d->pin_addr = addr;
    dbg_build_listing(d, &d->main, d->pin_vtl, addr, DBG_DIS_LINES, to < 0 ? 0 : DBG_DIS_LINES - 1);
    d->cursor = dbg_line_of(&d->main, addr, 0);
}

