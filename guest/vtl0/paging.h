/* 4-level page tables: the kernel's own (one address space, shared by the kernel and
 * the single user process) and the helpers to map user pages into it. */
#ifndef VTL0_PAGING_H
#define VTL0_PAGING_H

#include <stdint.h>

#define PTE_P     (1ull << 0)           /* present */
#define PTE_W     (1ull << 1)           /* writable */
#define PTE_U     (1ull << 2)           /* user accessible */
#define PTE_PWT   (1ull << 3)           /* write-through */
#define PTE_PCD   (1ull << 4)           /* cache disable (device registers) */
#define PTE_PS    (1ull << 7)           /* large page (in a PDPT or PD entry) */
#define PTE_NX    (1ull << 63)          /* no execute (EFER.NXE is on) */
#define PTE_ADDR  0x000ffffffffff000ull /* physical address bits */

/* Builds the kernel's tables (direct map of ram_size bytes of RAM, kernel image per
 * section) and switches CR3 to them, dropping the loader's identity map. */
void paging_init(uint64_t ram_size);

/* Maps one 4 KiB page; flags are PTE_* bits. Panics if va is already mapped. */
void paging_map(uint64_t va, uint64_t pa, uint64_t flags);

/* Removes the 4 KiB mapping of va (if any) and flushes its TLB entry. */
void paging_unmap(uint64_t va);

/* The raw entry that maps va at `level` (2 = PD, 1 = PT), creating the tables above it;
 * NULL if a large page covers va above that level. For code that builds unusual
 * mappings itself (the attacker module): whoever changes a present entry flushes. */
uint64_t *paging_entry(uint64_t va, int level);

/* The leaf entry of a 4 KiB mapping of va, or 0 if there is none. */
uint64_t paging_lookup(uint64_t va);

#endif
