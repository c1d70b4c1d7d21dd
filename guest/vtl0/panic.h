/* Fatal errors: print what is known on COM1 and end the run with EXIT_PANIC. */
#ifndef VTL0_PANIC_H
#define VTL0_PANIC_H

#include "guest/vtl0/trap.h"

/* vtlemu exit statuses the kernel itself produces (the user program's exit code is
 * passed through otherwise). */
#define EXIT_BAD_BOOT  2    /* boot-info magic wrong (entry.asm) */
#define EXIT_PANIC     3    /* unexpected exception or kernel error */

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
__attribute__((noreturn)) void panic_trap(const struct trap_frame *f);

#endif
