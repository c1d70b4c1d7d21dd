/* The measured runner: vtlemu through its public API (emu/machine.h), exactly as the
 * CLI runs an image, with the guest's console and exit event captured for checking. */
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "emu/machine.h"

typedef struct capture {
    char console[64];
    size_t console_len;
    bool exited;
    emu_exit_reason reason;
    char message[160];
} capture;

static void on_console(unsigned vtl, const char *bytes, size_t len, void *ctx)
{
    capture *c = ctx;
    (void)vtl;
    for (size_t i = 0; i < len && c->console_len < sizeof(c->console) - 1; i++)
        c->console[c->console_len++] = bytes[i];
    c->console[c->console_len] = 0;
}

static void on_event(const emu_event *ev, void *ctx)
{
    capture *c = ctx;
    if (ev->kind != EV_EXIT)
        return;
    c->exited = true;
    c->reason = ev->reason;
    snprintf(c->message, sizeof(c->message), "%s", ev->message ? ev->message : "");
}

static bool parse_checksum(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        char ch = s[i];
        unsigned d;
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else
            return false;
        v = v << 4 | d;
    }
    if (strcmp(s + 16, "\n") != 0)
        return false;
    *out = v;
    return true;
}

bool bench_run_vtlemu(const char *elf_path, uint64_t iters, bench_run *out, char *err, size_t errlen)
{
    char cmdline[BENCH_COUNT_DIGITS + 1];
    bench_cmdline(iters, cmdline, sizeof(cmdline));
    memset(out, 0, sizeof(*out));

    emu_config cfg = { .mem_size = BENCH_RAM, .max_insns = 0, .append = cmdline };
    vtl_machine *m = NULL;
    char why[256];
    if (emu_create(&cfg, &m, why, sizeof(why)) != VE_OK) {
        snprintf(err, errlen, "vtlemu: %s", why);
        return false;
    }
    capture cap = { .console_len = 0 };
    emu_on_console(m, on_console, &cap);
    emu_on_event(m, on_event, &cap);
    bool ok = false;
    if (emu_load_vtl0(m, elf_path, why, sizeof(why)) != VE_OK) {
        snprintf(err, errlen, "vtlemu: %s", why);
        goto out;
    }

    double c0 = bench_cpu_now(), t0 = bench_now();
    int status = emu_run(m);
    double t1 = bench_now(), c1 = bench_cpu_now();

    /* hlt with IF clear ends a vtlemu run with status 65 (DESIGN.md §8). */
    if (status != EMU_STATUS_VIOLATION || !cap.exited || cap.reason != EXIT_HALT) {
        snprintf(err, errlen, "vtlemu: the guest did not end at its hlt (status %d: %s)", status,
                 cap.message[0] ? cap.message : "no exit message");
        goto out;
    }
    if (!parse_checksum(cap.console, &out->checksum)) {
        snprintf(err, errlen, "vtlemu: unexpected guest output \"%s\"", cap.console);
        goto out;
    }
    out->seconds = t1 - t0;
    out->cpu_seconds = c1 - c0;
    out->icount = emu_icount(m);
    ok = true;
out:
    emu_destroy(m);
    return ok;
}
