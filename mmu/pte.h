/* x86-64 4-level paging-structure entries (Intel SDM vol. 3 §4.5, tables 4-14..4-20).
 * One format for all four levels; the meaning of bit 7 and of the low address bits
 * depends on the level, which walk.c knows. */
#ifndef MMU_PTE_H
#define MMU_PTE_H

#include <stdint.h>

#include "common/bits.h"

typedef uint64_t mmu_pte;
_Static_assert(sizeof(mmu_pte) == 8, "a paging-structure entry is 8 bytes");

#define MMU_PT_ENTRIES      512u
_Static_assert(MMU_PT_ENTRIES * sizeof(mmu_pte) == PAGE_SIZE, "a paging structure fills one 4 KiB page");

#define MMU_PTE_P           BIT64(0)   /* present */
#define MMU_PTE_RW          BIT64(1)   /* writable */
#define MMU_PTE_US          BIT64(2)   /* user accessible */
#define MMU_PTE_PWT         BIT64(3)
#define MMU_PTE_PCD         BIT64(4)
#define MMU_PTE_A           BIT64(5)   /* accessed: every level */
#define MMU_PTE_D           BIT64(6)   /* dirty: leaf entries only, ignored above */
#define MMU_PTE_PS          BIT64(7)   /* page size in a PDPTE/PDE; reserved in a PML4E */
#define MMU_PTE_PAT_4K      BIT64(7)   /* in a PTE, bit 7 is PAT, not PS */
#define MMU_PTE_G           BIT64(8)
#define MMU_PTE_PAT_LARGE   BIT64(12)  /* PAT of a 2 MiB / 1 GiB page */
#define MMU_PTE_XD          BIT64(63)  /* execute disable; reserved when EFER.NXE = 0 */

/* Address of the next paging structure or of a 4 KiB frame. */
#define MMU_PTE_ADDR        MASK64(51, 12)
#define MMU_PTE_ADDR_2M     MASK64(51, 21)
#define MMU_PTE_ADDR_1G     MASK64(51, 30)
/* Between PAT (bit 12) and the frame address of a large page: must be zero. */
#define MMU_PTE_RSVD_2M     MASK64(20, 13)
#define MMU_PTE_RSVD_1G     MASK64(29, 13)

/* Levels as the SDM numbers them: 4 = PML4 ... 1 = page table. */
#define MMU_LEVEL_PML4      4
#define MMU_LEVEL_PDPT      3
#define MMU_LEVEL_PD        2
#define MMU_LEVEL_PT        1

/* Bits of the linear address that index the structure at this level. */
static inline unsigned mmu_level_shift(int level) { return PAGE_SHIFT + 9u * (unsigned)(level - 1); }
static inline uint64_t mmu_pt_index(uint64_t gva, int level) { return (gva >> mmu_level_shift(level)) & (MMU_PT_ENTRIES - 1); }

#endif
