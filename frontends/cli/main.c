/* vtlemu command line: `vtlemu run …`, `vtlemu test …`, --help, --version. */
#include <stdio.h>
#include <string.h>

#include "frontends/cli/cli.h"
#include "frontends/cli/debug.h"
#include "frontends/lua/runner.h"

static void usage(FILE *out)
{
    fputs("usage: vtlemu run [--vtl1 SECURE_KERNEL] [--module FILE]... [--mem SIZE] [--trace FILE] [--max-insns N]\n"
          "                  [--quiet] [--append STR] IMAGE\n"
          "       vtlemu test [--file-insns N] [--timeout SECONDS] SCRIPT.lua...\n"
          "       vtlemu debug [--vtl1 SK] [--headless] [--keys K] [--dump-state F] [--screenshot F] IMAGE\n"
          "                    (all options: vtlemu debug --help)\n"
          "       vtlemu --help | --version\n"
          "\n"
          "  run            boot IMAGE (an ELF64 x86-64 kernel) as VTL0 and run it\n"
          "  --vtl1 SK      also load SK as the VTL1 secure kernel; it starts first\n"
          "  --module FILE  hand FILE's bytes to the secure kernel (or to IMAGE without one)\n"
          "                 in the boot-info module table; may be repeated (up to 16)\n"
          "  --mem SIZE     guest RAM, e.g. 256M or 1G (default 256M; 16M..64G, multiple of 2M)\n"
          "  --trace FILE   write every event as JSON Lines to FILE\n"
          "  --max-insns N  stop after N instructions (exit status 66)\n"
          "  --quiet        no text trace on stderr (console output still goes to stdout)\n"
          "  --append STR   command line handed to the guest in its boot-info page\n"
          "\n"
          "  test           run Lua isolation test scripts (see README, \"Writing isolation tests\");\n"
          "                 one line per test, \"ok - NAME\" or \"not ok - NAME: WHY (FILE:LINE)\",\n"
          "                 then \"N passed, N failed\"; exit status 0 if none failed, 1 if one did\n"
          "  --file-insns N guest instructions one script may run in all (default 2000000000)\n"
          "  --timeout S    seconds one script may take (default 300)\n"
          "\n"
          "exit status: 0-63 the guest's value written to port 0xF4; 64 bad usage or image;\n"
          "65 unhandled isolation violation, triple fault or hlt with nothing to wake the CPU;\n"
          "66 instruction budget exhausted; 67 internal error\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("%s", "missing command");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("vtlemu %s\n", VTLEMU_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "run"))
        return cli_run(argc - 2, argv + 2);
    if (!strcmp(argv[1], "debug"))
        return cli_debug(argc - 2, argv + 2);
    if (!strcmp(argv[1], "test"))
        return vlua_test_main(argc - 2, argv + 2);
    return cli_usage_error("unknown command '%s'", argv[1]);
}
