/* `vtlemu run`: boot an image, print the console on stdout and the trace on stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"
#include "frontends/cli/cli.h"

typedef struct run_out {
    FILE *trace;   /* JSON Lines, or NULL */
    bool quiet;
    bool tag;      /* two VTLs: prefix each console line with its VTL */
    int line_vtl;  /* VTL of the console line being printed, -1 at a line start */
    char why[256]; /* the exit event's explanation, for the last stderr line */
} run_out;

static void on_event(const emu_event *ev, void *ctx)
{
    run_out *o = ctx;
    if (o->trace) {
        emu_event_write_json(ev, o->trace);
        fputc('\n', o->trace);
        if (ev->kind == EV_EXIT)
            fflush(o->trace);
    }
    if (ev->kind == EV_EXIT) {
        if (ev->message)
            snprintf(o->why, sizeof(o->why), "%s (exit status %d)", ev->message, ev->code);
        else
            snprintf(o->why, sizeof(o->why), "guest exited with status %d", ev->code);
    }
    /* Console text is on stdout already; the text trace shows the rest. */
    if (!o->quiet && ev->kind != EV_CONSOLE)
        emu_event_write_text(ev, stderr);
}

static void on_console(unsigned vtl, const char *bytes, size_t len, void *ctx)
{
    run_out *o = ctx;
    for (size_t i = 0; i < len; i++) {
        if (o->tag && o->line_vtl != (int)vtl) {
            if (o->line_vtl >= 0)
                fputc('\n', stdout);   /* the other VTL interrupted a line */
            fprintf(stdout, "[VTL%u] ", vtl);
            o->line_vtl = (int)vtl;
        }
        fputc(bytes[i], stdout);
        if (bytes[i] == '\n') {
            o->line_vtl = -1;
            fflush(stdout);
        }
    }
}

int cli_run(int argc, char **argv)
{
    emu_config cfg = { .mem_size = EMU_DEFAULT_MEM };
    const char *trace_path = NULL, *image = NULL, *secure = NULL;
    const char *modules[16];
    size_t nmodules = 0;
    run_out out = { .line_vtl = -1 };

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(a, "--mem")) {
            if (!has_val)
                return cli_usage_error("%s needs a size", a);
            if (!cli_parse_size(argv[++i], &cfg.mem_size))
                return cli_usage_error("bad memory size '%s'", argv[i]);
        } else if (!strcmp(a, "--trace")) {
            if (!has_val)
                return cli_usage_error("%s needs a file name", a);
            trace_path = argv[++i];
        } else if (!strcmp(a, "--max-insns")) {
            if (!has_val)
                return cli_usage_error("%s needs a count", a);
            if (!cli_parse_count(argv[++i], &cfg.max_insns) || cfg.max_insns == 0)
                return cli_usage_error("bad instruction count '%s' (a positive decimal number)", argv[i]);
        } else if (!strcmp(a, "--vtl1")) {
            if (!has_val)
                return cli_usage_error("%s needs a secure kernel image", a);
            secure = argv[++i];
        } else if (!strcmp(a, "--module")) {
            if (!has_val)
                return cli_usage_error("%s needs an image", a);
            if (nmodules == sizeof(modules) / sizeof(modules[0]))
                return cli_usage_error("%s given too often (at most 16)", a);
            modules[nmodules++] = argv[++i];
        } else if (!strcmp(a, "--quiet")) {
            out.quiet = true;
        } else if (!strcmp(a, "--append")) {
            if (!has_val)
                return cli_usage_error("%s needs a string", a);
            cfg.append = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("unknown option '%s'", a);
        } else if (image) {
            return cli_usage_error("more than one image given ('%s')", a);
        } else {
            image = a;
        }
    }
    if (!image)
        return cli_usage_error("%s", "no image given");
    cfg.modules = modules;
    cfg.module_count = nmodules;

    char err[512];
    vtl_machine *m = NULL;
    if (emu_create(&cfg, &m, err, sizeof(err)) != VE_OK) {
        fprintf(stderr, "vtlemu: %s\n", err);
        return CLI_USAGE;
    }
    if (emu_load(m, image, secure, err, sizeof(err)) != VE_OK) {
        fprintf(stderr, "vtlemu: %s\n", err);
        emu_destroy(m);
        return CLI_USAGE;
    }
    /* Open the trace only once the image is good, so a bad run leaves no empty file. */
    if (trace_path) {
        out.trace = fopen(trace_path, "w");
        if (!out.trace) {
            fprintf(stderr, "vtlemu: cannot write trace file '%s': %s\n", trace_path, strerror(errno));
            emu_destroy(m);
            return CLI_USAGE;
        }
    }
    emu_on_event(m, on_event, &out);
    out.tag = secure != NULL;
    emu_on_console(m, on_console, &out);
    int status = emu_run(m);
    fflush(stdout);
    if (out.trace && fclose(out.trace) != 0) {
        fprintf(stderr, "vtlemu: writing trace file '%s' failed: %s\n", trace_path, strerror(errno));
        if (status == 0)
            status = EMU_STATUS_INTERNAL;
    }
    emu_destroy(m);
    if (status != 0)
        fprintf(stderr, "vtlemu: %s\n", out.why);
    return status;
}
