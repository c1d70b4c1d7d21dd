/* Physical page frames: a bump allocator over the boot-info free range. Nothing is
 * ever freed; the demo kernel runs one program once. */
#ifndef VTL0_FRAMES_H
#define VTL0_FRAMES_H

#include <stdint.h>

void frames_init(uint64_t free_start, uint64_t free_end);

/* A zeroed 4 KiB frame (its GPA). Panics when RAM runs out. */
uint64_t frame_alloc(void);

uint64_t frames_used(void);

#endif
