/* The event log and console text kept for scripts and the debugger. */
#include <stdlib.h>
#include <string.h>

#include "emu/machine_priv.h"

#define CONSOLE_CAP (UINT64_C(16) << 20)   /* per VTL; later output is dropped */

static char *dup_bytes(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

void emu_log_event(vtl_machine *m, const emu_event *ev)
{
    event_log *l = &m->log;
    if (!l->keep)
        return;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 256;
        emu_event *p = realloc(l->ev, ncap * sizeof(*p));
        if (!p)
            return;
        l->ev = p;
        l->cap = ncap;
    }
    emu_event e = *ev;
    if (ev->kind == EV_CONSOLE && ev->text)
        e.text = dup_bytes(ev->text, ev->text_len);
    else if (ev->text)
        e.text = dup_bytes(ev->text, strlen(ev->text));
    if (ev->message)
        e.message = dup_bytes(ev->message, strlen(ev->message));
    l->ev[l->n++] = e;
}

void emu_log_truncate(vtl_machine *m, size_t n)
{
    event_log *l = &m->log;
    while (l->n > n) {
        emu_event *e = &l->ev[--l->n];
        free((void *)e->text);
        free((void *)e->message);
    }
}

void emu_log_free(vtl_machine *m)
{
    emu_log_truncate(m, 0);
    free(m->log.ev);
    m->log.ev = NULL;
    m->log.cap = 0;
    for (unsigned i = 0; i < VTL_COUNT; i++) {
        free(m->console[i].text);
        m->console[i] = (console_text){ 0 };
    }
}

void emu_console_append(vtl_machine *m, unsigned vtl, char c)
{
    console_text *t = &m->console[vtl];
    if (t->len >= CONSOLE_CAP)
        return;
    if (t->len + 1 >= t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 4096;
        char *p = realloc(t->text, ncap);
        if (!p)
            return;
        t->text = p;
        t->cap = ncap;
    }
    t->text[t->len++] = c;
    t->text[t->len] = 0;
}

void emu_keep_events(vtl_machine *m, bool on)
{
    m->log.keep = on;
}

size_t emu_event_count(const vtl_machine *m)
{
    return m->log.n;
}

const emu_event *emu_event_get(const vtl_machine *m, size_t i)
{
    return i < m->log.n ? &m->log.ev[i] : NULL;
}

const char *emu_console_text(const vtl_machine *m, unsigned vtl, size_t *len)
{
    if (vtl >= VTL_COUNT) {
        if (len)
            *len = 0;
        return "";
    }
    if (len)
        *len = m->console[vtl].len;
    return m->console[vtl].text ? m->console[vtl].text : "";
}

/* Copies for snapshots: the log (with its strings) and the console texts. */
ve_status emu_log_copy(const vtl_machine *m, event_log *dst, console_text con[VTL_COUNT])
{
    memset(dst, 0, sizeof(*dst));
    memset(con, 0, VTL_COUNT * sizeof(*con));
    dst->keep = m->log.keep;
    if (m->log.n) {
        dst->ev = malloc(m->log.n * sizeof(emu_event));
        if (!dst->ev)
            return VE_E_NOMEM;
        dst->cap = m->log.n;
        for (size_t i = 0; i < m->log.n; i++) {
            emu_event e = m->log.ev[i];
            if (e.text)
                e.text = dup_bytes(e.text, e.kind == EV_CONSOLE ? e.text_len : strlen(e.text));
            if (e.message)
                e.message = dup_bytes(e.message, strlen(e.message));
            dst->ev[dst->n++] = e;
        }
    }
    for (unsigned v = 0; v < VTL_COUNT; v++) {
        if (!m->console[v].len)
            continue;
        con[v].text = dup_bytes(m->console[v].text, m->console[v].len);
        if (!con[v].text)
            return VE_E_NOMEM;
        con[v].len = con[v].cap = m->console[v].len;
    }
    return VE_OK;
}

void emu_log_copy_free(event_log *log, console_text con[VTL_COUNT])
{
    for (size_t i = 0; i < log->n; i++) {
        free((void *)log->ev[i].text);
        free((void *)log->ev[i].message);
    }
    free(log->ev);
    memset(log, 0, sizeof(*log));
    for (unsigned v = 0; v < VTL_COUNT; v++) {
        free(con[v].text);
        con[v] = (console_text){ 0 };
    }
}

/* Replace the machine's log and console with copies of these. */
ve_status emu_log_restore(vtl_machine *m, const event_log *src, const console_text con[VTL_COUNT])
{
    event_log copy_log;
    console_text copy_con[VTL_COUNT];
    vtl_machine tmp;
    tmp.log = *src;
    memcpy(tmp.console, con, sizeof(tmp.console));
    if (emu_log_copy(&tmp, &copy_log, copy_con) != VE_OK) {
        emu_log_copy_free(&copy_log, copy_con);
        return VE_E_NOMEM;
    }
    bool keep = m->log.keep;
    emu_log_free(m);
    m->log = copy_log;
    m->log.keep = keep;
    memcpy(m->console, copy_con, sizeof(m->console));
    return VE_OK;
}
