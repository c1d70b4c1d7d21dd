#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "frontends/cli/cli.h"

bool cli_parse_count(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return false;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool cli_parse_size(const char *s, uint64_t *out)
{
    char num[32];
    size_t n = 0;
    while (s[n] && isdigit((unsigned char)s[n]))
        n++;
    if (n == 0 || n >= sizeof(num))
        return false;
    memcpy(num, s, n);
    num[n] = 0;
    uint64_t v;
    if (!cli_parse_count(num, &v))
        return false;
    const char *suf = s + n;
    unsigned shift;
    if (!strcmp(suf, "") || !strcmp(suf, "B"))
        shift = 0;
    else if (!strcmp(suf, "K") || !strcmp(suf, "KiB") || !strcmp(suf, "k"))
        shift = 10;
    else if (!strcmp(suf, "M") || !strcmp(suf, "MiB"))
        shift = 20;
    else if (!strcmp(suf, "G") || !strcmp(suf, "GiB"))
        shift = 30;
    else
        return false;
    if (shift && v > (UINT64_MAX >> shift))
        return false;
    *out = v << shift;
    return true;
}

int cli_usage_error(const char *fmt, const char *arg)
{
    fputs("vtlemu: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (try vtlemu --help)\n", stderr);
    return CLI_USAGE;
}
