/* --dump-state: the model as JSON, one top-level field per line so tests can grep it. */
#include <inttypes.h>
#include <string.h>

#include "frontends/sdl/model.h"

static void jstr(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void jhex(FILE *out, uint64_t v)
{
    fprintf(out, "\"0x%" PRIx64 "\"", v);
}

void dbg_event_brief(const emu_event *ev, char *buf, size_t len)
{
    /* The text trace is "[   icount] VTLn CPLn <rip>  kind details": keep icount, the
     * VTL and the rest, which the trace already words well. */
    char line[512] = "";
    FILE *f = fmemopen(line, sizeof(line) - 1, "w");
    if (f) {
        emu_event_write_text(ev, f);
        fclose(f);
    }
    line[strcspn(line, "\n")] = 0;
    const char *rest = line;
    unsigned vtl, cpl;
    unsigned long long rip;
    int n = 0;
    const char *close = strchr(line, ']');
    if (close && sscanf(close + 1, " VTL%u CPL%u %llx%n", &vtl, &cpl, &rip, &n) == 3)
        rest = close + 1 + n;
    while (*rest == ' ')
        rest++;
    if (!*rest)
        rest = emu_event_kind_name(ev->kind);
    /* Collapse runs of blanks (the kind column is padded). */
    char tail[400];
    size_t t = 0;
    for (const char *p = rest; *p && t + 1 < sizeof(tail); p++)
        if (*p != ' ' || (t && tail[t - 1] != ' '))
            tail[t++] = *p;
    tail[t] = 0;
    snprintf(buf, len, "%" PRIu64 " VTL%u %s", ev->icount, ev->vtl, tail);
}

static void dump_regs(const dbg_model *d, FILE *out)
{
    fputs("\"registers\":{", out);
    for (unsigned v = 0; v < DBG_VTLS; v++) {
        fprintf(out, "%s\"vtl%u\":", v ? "," : "", v);
        if (!d->reg_ok[v]) {
            fputs("null", out);
            continue;
        }
        fputc('{', out);
        for (size_t i = 0; i < DBG_NREGS; i++) {
            fprintf(out, "%s\"%s\":", i ? "," : "", dbg_regs[i].name);
            jhex(out, d->regs[v][i]);
        }
        fputc('}', out);
    }
    fputs(",\"changed\":{", out);
    for (unsigned v = 0; v < DBG_VTLS; v++) {
        fprintf(out, "%s\"vtl%u\":[", v ? "," : "", v);
        bool first = true;
        for (size_t i = 0; i < DBG_NREGS; i++) {
            if (!d->changed[v][i])
                continue;
            fprintf(out, "%s\"%s\"", first ? "" : ",", dbg_regs[i].name);
            first = false;
        }
        fputc(']', out);
    }
    fputs("},\"shared\":[", out);
    bool first = true;
    for (size_t i = 0; i < DBG_NREGS; i++) {
        if (dbg_regs[i].shared) {
            fprintf(out, "%s\"%s\"", first ? "" : ",", dbg_regs[i].name);
            first = false;
        }
    }
    fputs("]},\n", out);
}

static void dump_listing(const dbg_model *d, const dbg_listing *l, bool main, FILE *out)
{
    if (!l->valid) {
        fputs("null", out);
        return;
    }
    uint64_t rip = d->reg_ok[l->vtl] ? d->regs[l->vtl][DBG_REG_RIP] : 0;
    fprintf(out, "{\"vtl\":%u,\"rip\":", l->vtl);
    jhex(out, rip);
    fputs(",\"lines\":[", out);
    for (size_t i = 0; i < l->count; i++) {
        const dbg_line *ln = &l->lines[i];
        fprintf(out, "%s\n  {\"addr\":", i ? "," : "");
        jhex(out, ln->addr);
        fputs(",\"text\":", out);
        jstr(out, ln->text, sizeof(ln->text));
        fprintf(out, ",\"rip\":%s,\"breakpoint\":%s,\"fault\":%s,\"cursor\":%s}", ln->addr == rip ? "true" : "false",
                dbg_model_has_bp(d, l->vtl, ln->addr) ? "true" : "false",
                d->has_fault && d->fault_vtl == l->vtl && d->fault_rip == ln->addr ? "true" : "false",
                main && i == d->cursor ? "true" : "false");
    }
    fputs("]}", out);
}

static void dump_page(const dbg_model *d, uint64_t gpa, FILE *out)
{
    fputs("{\"gpa\":", out);
    jhex(out, gpa & ~(DBG_PAGE - 1));
    for (unsigned v = 0; v < DBG_VTLS; v++) {
        dbg_page p;
        dbg_page_get(d, v, gpa, &p);
        fprintf(out, ",\"vtl%u\":", v);
        if (!p.ok) {
            fputs("null", out);
            continue;
        }
        char r[5];
        dbg_rights_str(p.rights, r);
        fprintf(out, "{\"rights\":\"%s\",\"spa\":", r);
        jhex(out, p.spa);
        fprintf(out, ",\"cow\":%s,\"cow_broken\":%s,\"secure\":%s,\"dma\":%s,\"class\":\"%s\"}",
                p.cow ? "true" : "false", p.cow_broken ? "true" : "false", p.secure ? "true" : "false",
                p.dma ? "true" : "false", dbg_cat_name(dbg_page_cat(&p, v)));
    }
    fputc('}', out);
}

/* Runs of pages with the same rights and flags: a few dozen lines for a whole map. */
static void dump_map(const dbg_model *d, unsigned vtl, FILE *out)
{
    fputc('[', out);
    dbg_page run = { 0 };
    uint64_t start = 0;
    bool first = true;
    for (uint64_t pg = 0; pg <= d->ram_pages; pg++) {
        dbg_page p = { 0 };
        if (pg < d->ram_pages)
            dbg_page_get(d, vtl, pg * DBG_PAGE, &p);
        bool same = pg < d->ram_pages && pg > start && p.ok == run.ok && p.rights == run.rights &&
                    p.cow == run.cow && p.cow_broken == run.cow_broken && p.secure == run.secure && p.dma == run.dma;
        if (same)
            continue;
        if (pg > start && run.ok) {
            char r[5];
            dbg_rights_str(run.rights, r);
            fprintf(out, "%s\n  {\"gpa\":\"0x%" PRIx64 "\",\"pages\":%" PRIu64 ",\"rights\":\"%s\",\"class\":\"%s\"}",
                    first ? "" : ",", start * DBG_PAGE, pg - start, r, dbg_cat_name(dbg_page_cat(&run, vtl)));
            first = false;
        }
        run = p;
        start = pg;
    }
    fputc(']', out);
}

static void dump_memview(const dbg_model *d, unsigned v, FILE *out)
{
    const dbg_memview *mv = &d->mem[v];
    fputs("{\"rows\":[", out);
    for (size_t r = 0; r < DBG_MEM_ROWS; r++) {
        fputs(r ? "," : "", out);
        if (!mv->ok[r]) {
            fputs("null", out);
            continue;
        }
        fputc('"', out);
        for (size_t i = 0; i < DBG_MEM_ROW; i++)
            fprintf(out, "%02x", mv->bytes[r * DBG_MEM_ROW + i]);
        fputc('"', out);
    }
    fputs("],\"why\":", out);
    jstr(out, mv->why, sizeof(mv->why));
    fputc('}', out);
}

static const char *mode_str(dbg_run_mode m)
{
    static const char *const names[] = { "stopped", "continue", "transition", "violation", "over" };
    return names[m];
}

void dbg_model_dump(const dbg_model *d, FILE *out)
{
    fprintf(out, "{\"icount\":%" PRIu64 ",\n", emu_icount(d->m));
    fprintf(out, "\"running_vtl\":%u,\n", d->running_vtl);
    fprintf(out, "\"cpl\":[%u,%u],\n", d->cpl[0], d->cpl[1]);
    fprintf(out, "\"vtl1_enabled\":%s,\n", d->enabled[1] ? "true" : "false");
    fprintf(out, "\"mode\":\"%s\",\n", mode_str(d->mode));
    fprintf(out, "\"stops\":%" PRIu64 ",\n", d->stops);
    fprintf(out, "\"exited\":%s,\n", d->exited ? "true" : "false");
    if (d->exited)
        fprintf(out, "\"exit_status\":%d,\n", d->exit_status);
    fputs("\"status\":", out);
    jstr(out, d->status, sizeof(d->status));
    fputs(",\n", out);

    const emu_event *stop = d->stop_event >= 0 ? emu_event_get(d->m, (size_t)d->stop_event) : NULL;
    fputs("\"stop_event\":", out);
    if (stop) {
        fprintf(out, "{\"index\":%ld,\"event\":", d->stop_event);
        emu_event_write_json(stop, out);
        fputc('}', out);
    } else {
        fputs("null", out);
    }
    fputs(",\n", out);
    dump_regs(d, out);

    fputs("\"disasm\":", out);
    dump_listing(d, &d->main, true, out);
    fputs(",\n\"disasm_other\":", out);
    dump_listing(d, &d->other, false, out);
    fprintf(out, ",\n\"follow_rip\":%s,\n", d->follow ? "true" : "false");
    fputs("\"fault\":", out);
    if (d->has_fault) {
        fprintf(out, "{\"vtl\":%u,\"rip\":", d->fault_vtl);
        jhex(out, d->fault_rip);
        fputc('}', out);
    } else {
        fputs("null", out);
    }
    fputs(",\n\"breakpoints\":[", out);
    for (size_t i = 0; i < d->nbps; i++) {
        fprintf(out, "%s{\"vtl\":%u,\"rip\":", i ? "," : "", d->bps[i].vtl);
        jhex(out, d->bps[i].rip);
        fputc('}', out);
    }
    fputs("],\n", out);

    fprintf(out, "\"events\":{\"count\":%zu,\"shown\":%zu,\"filter\":\"%s\",\"kinds\":[", d->seen, d->nshown,
            dbg_filter_preset_name(d->filter_preset));
    bool first = true;
    for (unsigned k = 0; k < EV_KIND_COUNT; k++) {
        if (d->filter & (UINT64_C(1) << k)) {
            fprintf(out, "%s\"%s\"", first ? "" : ",", emu_event_kind_name((emu_event_kind)k));
            first = false;
        }
    }
    fputs("]},\n\"selected\":", out);
    const emu_event *sel = dbg_model_selected_event(d);
    if (sel) {
        fprintf(out, "{\"shown_index\":%ld,\"index\":%zu,\"event\":", d->selected, d->shown[d->selected]);
        emu_event_write_json(sel, out);
        fputc('}', out);
    } else {
        fputs("null", out);
    }
    fputs(",\n", out);

    fprintf(out, "\"memory\":{\"space\":\"%s\",\"addr\":", d->mem_space == EMU_SPACE_GVA ? "gva" : "gpa");
    jhex(out, d->mem_addr);
    for (unsigned v = 0; v < DBG_VTLS; v++) {
        fprintf(out, ",\"vtl%u\":", v);
        dump_memview(d, v, out);
    }
    fputs("},\n\"page\":", out);
    if (d->mem_space == EMU_SPACE_GPA)
        dump_page(d, d->mem_addr, out);
    else
        fputs("null", out);
    fputs(",\n\"hover\":", out);
    if (d->has_hover)
        dump_page(d, d->hover_gpa, out);
    else
        fputs("null", out);
    fprintf(out, ",\n\"map\":{\"ram_pages\":%" PRIu64 ",\"secure\":[", d->ram_pages);
    for (int i = 0; i < 2; i++) {
        fprintf(out, "%s[", i ? "," : "");
        jhex(out, d->secure_lo[i]);
        fputc(',', out);
        jhex(out, d->secure_hi[i]);
        fputc(']', out);
    }
    fputs("],\n\"vtl0\":", out);
    dump_map(d, 0, out);
    fputs(",\n\"vtl1\":", out);
    dump_map(d, 1, out);
    fputs("},\n\"console\":{", out);
    for (unsigned v = 0; v < DBG_VTLS; v++) {
        size_t len = 0;
        const char *text = emu_console_text(d->m, v, &len);
        size_t lines = 0, last = 0;
        for (size_t i = 0; text && i < len; i++) {
            if (text[i] == '\n' && i + 1 < len) {
                lines++;
                last = i + 1;
            }
        }
        if (text && len)
            lines++;
        fprintf(out, "%s\"vtl%u\":{\"lines\":%zu,\"last\":", v ? "," : "", v, lines);
        jstr(out, text ? text + last : "", text ? len - last : 0);
        fputc('}', out);
    }
    fprintf(out, "},\n\"help\":%s,\n\"prompt\":%s\n}\n", d->help ? "true" : "false", d->prompt ? "true" : "false");
}
