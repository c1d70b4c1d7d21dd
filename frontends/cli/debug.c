/* `vtlemu debug [options] IMAGE`: the arguments; the debugger is frontends/sdl. */
#include "frontends/cli/debug.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"
#include "frontends/cli/cli.h"
#include "frontends/sdl/dbg.h"

static void usage(FILE *out)
{
    fputs("usage: vtlemu debug [--vtl1 SECURE_KERNEL] [--mem SIZE] [--max-insns N] [--append STR]\n"
          "                    [--headless] [--keys KEYS] [--dump-state FILE.json] [--screenshot FILE.png]\n"
          "                    [--font FILE.ttf] [--font-size N] [--size WxH] IMAGE\n"
          "\n"
          "  Opens the debugger window on IMAGE (and the secure kernel). Keys: s step, o step over,\n"
          "  n next VTL transition, v next violation/intercept, c continue, space pause,\n"
          "  b breakpoint, g go to address, h help, q quit.\n"
          "  --headless       no window (SDL offscreen driver): replay --keys, then write the outputs\n"
          "  --keys KEYS      keys to replay first, e.g. \"n n v s\" (g:ADDR goes to an address,\n"
          "                   hover:GPA points at a page of the memory map); each run ends before the next key\n"
          "  --dump-state F   write the debugger's state as JSON to F at the end\n"
          "  --screenshot F   write the window as a PNG to F at the end\n"
          "  --font FILE      a monospace TrueType font (default $VTLEMU_FONT, else DejaVu Sans Mono)\n"
          "  --font-size N    in points (default 13); --size WxH: window size (default 1600x1000)\n",
          out);
}

static int bad(const char *fmt, const char *arg)
{
    fputs("vtlemu: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (try vtlemu debug --help)\n", stderr);
    return CLI_USAGE;
}

static bool parse_wxh(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return false;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end || a < 640 || b < 400 || a > 8192 || b > 8192)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

int cli_debug(int argc, char **argv)
{
    dbg_options o = { .mem_size = EMU_DEFAULT_MEM, .font_size = DBG_DEFAULT_FONT_SIZE, .width = DBG_DEFAULT_W,
                      .height = DBG_DEFAULT_H };
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--headless")) {
            o.headless = true;
            continue;
        }
        if (a[0] != '-' || !a[1]) {
            if (o.image)
                return bad("more than one image given ('%s')", a);
            o.image = a;
            continue;
        }
        static const char *const with_value[] = { "--vtl1", "--mem", "--max-insns", "--append", "--keys",
                                                  "--dump-state", "--screenshot", "--font", "--font-size",
                                                  "--size" };
        bool known = false;
        for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
            known |= !strcmp(a, with_value[k]);
        if (!known)
            return bad("unknown option '%s'", a);
        if (!val)
            return bad("%s needs a value", a);
        i++;
        if (!strcmp(a, "--vtl1")) {
            o.secure = val;
        } else if (!strcmp(a, "--mem")) {
            if (!cli_parse_size(val, &o.mem_size))
                return bad("bad memory size '%s'", val);
        } else if (!strcmp(a, "--max-insns")) {
            if (!cli_parse_count(val, &o.max_insns) || o.max_insns == 0)
                return bad("bad instruction count '%s' (a positive decimal number)", val);
        } else if (!strcmp(a, "--append")) {
            o.append = val;
        } else if (!strcmp(a, "--keys")) {
            o.keys = val;
        } else if (!strcmp(a, "--dump-state")) {
            o.dump_path = val;
        } else if (!strcmp(a, "--screenshot")) {
            o.screenshot_path = val;
        } else if (!strcmp(a, "--font")) {
            o.font_path = val;
        } else if (!strcmp(a, "--font-size")) {
            uint64_t n;
            if (!cli_parse_count(val, &n) || n < 6 || n > 72)
                return bad("bad font size '%s' (6 to 72)", val);
            o.font_size = (int)n;
        } else if (!strcmp(a, "--size")) {
            if (!parse_wxh(val, &o.width, &o.height))
                return bad("bad window size '%s' (WxH, from 640x400 to 8192x8192)", val);
        }
    }
    if (!o.image)
        return bad("%s", "no image given");
    return dbg_main(&o);
}
