#include "emu/errmsg.h"

#include <stdio.h>

void emu_verr(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap)
{
    if (!err || !errlen)
        return;
    int n = prefix ? snprintf(err, errlen, "%s: ", prefix) : 0;
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
}
