/* The vtlemu platform as a guest sees it (DESIGN.md §4): fixed I/O ports. */
#ifndef GUEST_LIB_VTLEMU_H
#define GUEST_LIB_VTLEMU_H

#include <stdint.h>

#include "guest/lib/cpu.h"
#include "guest/lib/io.h"

#define COM1_PORT        0x3F8          /* THR: a byte written is console output */
#define COM1_LSR         (COM1_PORT + 5)
#define COM1_LSR_THRE    0x20           /* transmitter holding register empty */
#define DEBUG_EXIT_PORT  0xF4           /* writing v ends the run, status v & 0x3F */

/* Ends the run with status code & 0x3F. The halt loop only matters on a machine
 * without the debug-exit device. */
static inline __attribute__((noreturn)) void vtlemu_exit(uint8_t code)
{
    outb(DEBUG_EXIT_PORT, code);
    halt_forever();
}

#endif
