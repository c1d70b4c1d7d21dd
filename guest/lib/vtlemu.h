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

/* The DMA engine dma0 (requester 00:03.0): 32-bit registers at ports 0x500-0x51F.
 * Addresses are IOVAs: GPAs unless the VTL0 kernel turned on DMA remapping (vtd.h).
 * While the device belongs to a higher VTL, a lower VTL's reads give all ones and its
 * writes are ignored. */
#define DMA0_RID         0x0018         /* bus 0, device 3, function 0 */
#define DMA0_SRC_LO      0x500
#define DMA0_SRC_HI      0x504
#define DMA0_DST_LO      0x508
#define DMA0_DST_HI      0x50C
#define DMA0_LEN         0x510          /* 1..DMA0_MAX_LEN bytes */
#define DMA0_CMD         0x514          /* write DMA0_CMD_COPY: copy now (memmove) */
#define DMA0_STATUS      0x518          /* DMA0_ST_* */
#define DMA0_COPIED      0x51C          /* bytes of the range's start that were copied */
#define DMA0_CMD_COPY    1u
#define DMA0_MAX_LEN     (1u << 20)
#define DMA0_ST_IDLE     0u
#define DMA0_ST_DONE     1u
#define DMA0_ST_BLOCKED  2u             /* the IOMMU refused a page: nothing written past it */
#define DMA0_ST_BAD      3u             /* length 0 or > 1 MiB, or an address range wraps */

/* One synchronous dma0 copy of len bytes from IOVA src to IOVA dst: the copy is over
 * when the command's `out` retires. Returns the status register (DMA0_ST_*) and stores
 * the bytes copied in *copied (may be NULL). */
static inline uint32_t dma0_copy(uint64_t src, uint64_t dst, uint32_t len, uint32_t *copied)
{
    outl(DMA0_SRC_LO, (uint32_t)src);
    outl(DMA0_SRC_HI, (uint32_t)(src >> 32));
    outl(DMA0_DST_LO, (uint32_t)dst);
    outl(DMA0_DST_HI, (uint32_t)(dst >> 32));
    outl(DMA0_LEN, len);
    outl(DMA0_CMD, DMA0_CMD_COPY);
    uint32_t status = inl(DMA0_STATUS);
    if (copied)
        *copied = inl(DMA0_COPIED);
    return status;
}

/* Ends the run with status code & 0x3F. The halt loop only matters on a machine
 * without the debug-exit device. */
static inline __attribute__((noreturn)) void vtlemu_exit(uint8_t code)
{
    outb(DEBUG_EXIT_PORT, code);
    halt_forever();
}

#endif
