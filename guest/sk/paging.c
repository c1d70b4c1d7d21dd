/* The secure kernel's page tables: an identity map of all of RAM (GVA = GPA), read and
 * write but never execute, so VTL1 reaches VTL0 memory, its own loader area and the VP
 * assist page by GPA; over it, 4 KiB pages give the image W^X per section and make the
 * hypercall page executable. The tables are in the image (bss), so VTL0 cannot touch
 * them once main.c has protected the image. */
#include "guest/lib/cpu.h"
#include "guest/lib/securecall.h"
#include "guest/sk/sk.h"

#define PTE_P     (1ull << 0)
#define PTE_W     (1ull << 1)
#define PTE_PS    (1ull << 7)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR  0x000ffffffffff000ull

#define LEVEL_SIZE(l)  (1ull << (12 + 9 * ((l) - 1)))   /* 1: 4 KiB, 2: 2 MiB, 3: 1 GiB */

/* At most six are needed for any RAM size vtlemu allows (up to 64 GiB, mapped with
 * 1 GiB pages): PML4, PDPT, and a PD and a PT for each of the two split places (the
 * image, the hypercall page), one of the PDs possibly holding the RAM tail. */
#define TABLE_POOL 8
static uint64_t tables[TABLE_POOL][512] __attribute__((aligned(4096)));
static unsigned tables_used;
static uint64_t *pml4;

static uint64_t *new_table(void)
{
    if (tables_used == TABLE_POOL)
        sk_fatal(SK_EXIT_BOOT, "out of page-table pages");
    return tables[tables_used++];       /* bss: already zero */
}

static unsigned index_at(uint64_t va, int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* Maps one page of LEVEL_SIZE(level) at va. A large page in the way is split into a
 * table of the next smaller pages with the same rights, so later, finer mappings can
 * override part of an earlier, coarser one. */
static void map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    uint64_t *t = pml4;
    for (int l = 4; l > level; l--) {
        uint64_t *e = &t[index_at(va, l)];
        if (!(*e & PTE_P)) {
            *e = (uint64_t)new_table() | PTE_P | PTE_W;
        } else if (*e & PTE_PS) {
            uint64_t *n = new_table();
            uint64_t base = *e & PTE_ADDR & ~(LEVEL_SIZE(l) - 1);
            uint64_t keep = *e & (PTE_W | PTE_NX);
            for (unsigned i = 0; i < 512; i++)
                n[i] = (base + i * LEVEL_SIZE(l - 1)) | keep | PTE_P | (l - 1 > 1 ? PTE_PS : 0);
            *e = (uint64_t)n | PTE_P | PTE_W;
        }
        t = (uint64_t *)(*e & PTE_ADDR);
    }
    t[index_at(va, level)] = pa | flags | PTE_P | (level > 1 ? PTE_PS : 0);
}

static void map_4k_range(const void *start, const void *end, uint64_t flags)
{
    for (uint64_t a = (uint64_t)start; a < (uint64_t)end; a += PAGE_SIZE)
        map(a, a, 1, flags);
}

void paging_init(void)
{
    pml4 = new_table();

    /* All RAM, largest pages first. */
    uint64_t ram = sk_boot.ram_size;
    for (uint64_t a = 0; a < ram;) {
        int level = 1;
        if (a % LEVEL_SIZE(3) == 0 && ram - a >= LEVEL_SIZE(3))
            level = 3;
        else if (a % LEVEL_SIZE(2) == 0 && ram - a >= LEVEL_SIZE(2))
            level = 2;
        map(a, a, level, PTE_W | PTE_NX);
        a += LEVEL_SIZE(level);
    }

    /* The image, W^X. The shared library is code VTL1 runs too. */
    map_4k_range(__secret_start, __shlib_start, PTE_W | PTE_NX);
    map_4k_range(__shlib_start, __shlib_end, 0);
    map_4k_range(__text_start, __text_end, 0);
    map_4k_range(__rodata_start, __rodata_end, PTE_NX);
    map_4k_range(__data_start, __data_end, PTE_W | PTE_NX);

    map(sk_boot.hypercall_page, sk_boot.hypercall_page, 1, 0);

    write_cr3((uint64_t)pml4);
    SK_LOG("own page tables live (%u tables): RAM identity mapped NX, image W^X\n",
           tables_used);
}
