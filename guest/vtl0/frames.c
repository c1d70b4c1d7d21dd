#include "guest/vtl0/frames.h"

#include "guest/lib/string.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/panic.h"

static uint64_t next, end, used;

void frames_init(uint64_t free_start, uint64_t free_end)
{
    next = (free_start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    end = free_end & ~(PAGE_SIZE - 1);
}

uint64_t frame_alloc(void)
{
    if (next >= end)
        panic("out of physical memory (%lu frames used)", used);
    uint64_t pa = next;
    next += PAGE_SIZE;
    used++;
    /* Zeroed because every user of a frame needs it so: page tables (no stray present
     * bits) and demand-zero or bss pages (no data left from earlier owners). */
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

uint64_t frames_used(void)
{
    return used;
}
