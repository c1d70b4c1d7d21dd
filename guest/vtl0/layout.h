/* The kernel's virtual memory map. Physical (GPA) layout comes from the loader:
 * the image at 1 MiB (kernel.ld), free RAM per the boot-info page.
 *
 *   0x0000000000000000  user space (lower canonical half), see abi.h; nothing of the
 *   0x00007fffffffffff  kernel is mapped here, so a kernel NULL dereference faults
 *   0xffff800000000000  direct map: all RAM, GPA + DIRECT_MAP_BASE, 2 MiB pages, RW NX
 *   0xffffc00000000000  the attacker module's own mappings (two-VTL demo, attack.c)
 *   0xffffffff80000000  kernel image: KERNEL_VBASE + GPA, 4 KiB pages, W^X per section
 *   0xffffffffc0000000  the hypercall page, RX (only with a secure kernel)
 *   0xffffffffc0001000  the shared library page, RX (two-VTL demo, cow.c)
 *   0xffffffffc0002000  the DMA remapping unit's registers, RW NX uncached (dma.c)
 *
 * The kernel image sits in the top 2 GiB so that -mcmodel=kernel code can address all
 * of it with sign-extended 32-bit displacements. KERNEL_VBASE is also written in
 * kernel.ld and entry.asm; the three must agree. */
#ifndef VTL0_LAYOUT_H
#define VTL0_LAYOUT_H

#include <stdint.h>

#define PAGE_SIZE        UINT64_C(4096)
#define LARGE_PAGE_SIZE  (UINT64_C(2) << 20)

#define DIRECT_MAP_BASE  UINT64_C(0xffff800000000000)
#define ATTACK_VBASE     UINT64_C(0xffffc00000000000)
#define KERNEL_VBASE     UINT64_C(0xffffffff80000000)
#define HYPERCALL_VA     UINT64_C(0xffffffffc0000000)
#define SHLIB_VA         UINT64_C(0xffffffffc0001000)
#define VTD_VA           UINT64_C(0xffffffffc0002000)

static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(uintptr_t)(DIRECT_MAP_BASE + pa);
}

/* For kernel image addresses only (linker symbols, statics). */
static inline uint64_t kernel_virt_to_phys(const void *va)
{
    return (uint64_t)(uintptr_t)va - KERNEL_VBASE;
}

#endif
