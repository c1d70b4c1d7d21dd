/* The kernel builds its page tables itself, once, with frames from the free range.
 * Intermediate entries are always writable and executable: the leaf entry decides
 * rights. The user/supervisor bit is different: it is set on intermediate entries
 * only in the lower half, so kernel mappings cannot become user-accessible by a leaf
 * mistake. Tables are reached through the direct map (phys_to_virt), which exists both
 * in the boot tables (entry.asm) and in the final ones. */
#include "guest/vtl0/paging.h"

#include <stdbool.h>
#include <stddef.h>

#include "guest/lib/cpu.h"
#include "guest/vtl0/abi.h"
#include "guest/vtl0/frames.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/panic.h"

/* Section bounds from kernel.ld (virtual addresses, page aligned). */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

static uint64_t pml4_pa;

/* Index of va in the table of a level: 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT. */
static unsigned index_at(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The entry that maps va at `level`, walking down from the PML4. Missing tables are
 * created when `create`, else the walk returns NULL; it also returns NULL when a large
 * page covers va above `level`. */
static uint64_t *entry_for(uint64_t va, int level, bool create)
{
    uint64_t *table = phys_to_virt(pml4_pa);
    for (int l = 4; l > level; l--) {
        uint64_t *e = &table[index_at(va, l)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            *e = frame_alloc() | PTE_P | PTE_W | (va < USER_SPACE_END ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            return NULL;
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return &table[index_at(va, level)];
}

void paging_map(uint64_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *e = entry_for(va, 1, true);
    if (!e || (*e & PTE_P))
        panic("paging_map: %016lx is already mapped", va);
    /* No invlpg: the TLB never caches a not-present translation, so a new mapping is
     * seen at once. (Changing or removing one would need it.) */
    *e = (pa & PTE_ADDR) | flags | PTE_P;
}

void paging_unmap(uint64_t va)
{
    uint64_t *e = entry_for(va, 1, false);
    if (e && (*e & PTE_P)) {
        *e = 0;
        invlpg((const void *)va);
    }
}

uint64_t *paging_entry(uint64_t va, int level)
{
    return entry_for(va, level, true);
}

uint64_t paging_lookup(uint64_t va)
{
    uint64_t *e = entry_for(va, 1, false);
    return e && (*e & PTE_P) ? *e : 0;
}

static void map_kernel_section(const char *start, const char *end, uint64_t flags)
{
    for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE)
        paging_map(va, kernel_virt_to_phys((const void *)va), flags);
}

void paging_init(uint64_t ram_size)
{
    pml4_pa = frame_alloc();

    /* Direct map with 2 MiB pages: the kernel reaches any frame (page tables, user
     * pages being filled) without mapping it first. Never executable. */
    for (uint64_t pa = 0; pa < ram_size; pa += LARGE_PAGE_SIZE) {
        uint64_t *pde = entry_for(DIRECT_MAP_BASE + pa, 2, true);
        *pde = pa | PTE_P | PTE_W | PTE_PS | PTE_NX;
    }

    /* Kernel image W^X: code cannot be written, data cannot be run. The entry stub
     * (.boot) is not mapped: it ran once, from the identity map. */
    map_kernel_section(__text_start, __text_end, 0);
    map_kernel_section(__rodata_start, __rodata_end, PTE_NX);
    map_kernel_section(__data_start, __data_end, PTE_W | PTE_NX);

    write_cr3(pml4_pa);
}
