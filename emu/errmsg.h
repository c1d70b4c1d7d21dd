/* One-line error messages into a caller's buffer, for the emu functions that take
 * `char *err, size_t errlen`. */
#ifndef EMU_ERRMSG_H
#define EMU_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>

/* err = "PREFIX: MESSAGE" (or just MESSAGE when prefix is NULL), cut to errlen; nothing
 * when err is NULL or errlen is 0. */
void emu_verr(char *err, size_t errlen, const char *prefix, const char *fmt, va_list ap);

#endif
