/* The boot-protocol builder (DESIGN §3): the emulator plays the boot loader. For one VTL
 * it fills a "loader area" of RAM, ending at a given top and growing down, with what a
 * long-mode kernel needs to start, and returns the CPU state to enter it with. Pure C,
 * no Unicorn: the caller turns boot_entry into register writes.
 *
 * Area layout, low to high, every part 4 KiB aligned:
 *   stack (64 KiB; lowest, so an overflow leaves the area instead of silently
 *   corrupting the live page tables), PML4, PDPT(s), PD(s), GDT+TSS page, boot-info page,
 *   hypercall page, VP assist page, command line (if any), module table and module
 *   bytes (if any).
 * The caller places VTL1's area at the top of RAM and VTL0's right below it:
 *   top1 = ram; top0 = top1 - boot_area_size(...VTL1...); free_end = top0 - size0. */
#ifndef EMU_BOOT_H
#define EMU_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "common/physmem.h"
#include "common/status.h"
#include "emu/loader.h"

/* Entry state of every VTL (DESIGN §3). */
#define BOOT_CR0    UINT64_C(0x80010033)    /* PE MP ET NE WP PG */
#define BOOT_CR4    UINT64_C(0x00000620)    /* PAE OSFXSR OSXMMEXCPT */
#define BOOT_EFER   UINT64_C(0x00000d01)    /* SCE LME LMA NXE */
#define BOOT_RFLAGS UINT64_C(0x2)           /* reserved bit 1 only: IF and DF clear */

/* GDT selectors (RPL 0; user code adds RPL 3 itself). */
#define BOOT_SEL_CODE64     0x08
#define BOOT_SEL_DATA       0x10
#define BOOT_SEL_CODE32     0x18
#define BOOT_SEL_USER_DATA  0x20
#define BOOT_SEL_USER_CODE  0x28
#define BOOT_SEL_TSS        0x30    /* 16-byte system descriptor: occupies 0x30 and 0x38 */
#define BOOT_GDT_LIMIT      0x3f    /* eight 8-byte slots */

#define BOOT_STACK_SIZE     (64 * 1024)
#define BOOT_TSS_LIMIT      (sizeof(boot_tss) - 1)

/* 64-bit TSS (Intel SDM vol. 3 §8.7). RSP0 sits at offset 4, unaligned, hence packed. */
typedef struct __attribute__((packed)) boot_tss {
    uint32_t reserved0;
    uint64_t rsp[3];        /* stack loaded on a privilege change to CPL 0..2 */
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;    /* = sizeof: no I/O permission bitmap */
} boot_tss;

_Static_assert(sizeof(boot_tss) == 104, "64-bit TSS is 104 bytes");
_Static_assert(offsetof(boot_tss, rsp) == 0x04, "RSP0");
_Static_assert(offsetof(boot_tss, ist) == 0x24, "IST1");
_Static_assert(offsetof(boot_tss, iomap_base) == 0x66, "I/O map base");

/* A module (--trustlet) handed to this VTL: its raw file bytes are copied into the
 * area and listed in the module table. */
typedef struct boot_module {
    const uint8_t *data;
    uint64_t size;
} boot_module;

typedef struct boot_params {
    unsigned vtl;                   /* 0 or 1 */
    uint64_t area_top;              /* exclusive end of the area, 4 KiB aligned, <= RAM */
    const loader_image *image;      /* this VTL's kernel: RIP = image->entry */
    uint64_t free_start, free_end;  /* written to boot info; the area must lie above
                                       free_start, and free_end must not reach into it */
    uint64_t vtl1_start, vtl1_end;  /* secure kernel image range, 0,0 if none */
    const char *cmdline;            /* NULL: none */
    const boot_module *modules;     /* module_count of them, may be NULL when 0 */
    size_t module_count;
} boot_params;

/* Everything the CPU setup needs to enter the VTL. Segment registers other than CS
 * (DS ES SS FS GS) get BOOT_SEL_DATA; LDTR is null; IDTR is empty (base 0, limit 0). */
typedef struct boot_entry {
    uint64_t rip;                   /* the image's entry point */
    uint64_t rsp;                   /* exact top of the 64 KiB loader stack */
    uint64_t rdi;                   /* GPA (= GVA) of the boot-info page */
    uint64_t rflags, cr0, cr4, efer; /* the BOOT_* values */
    uint64_t cr3;                   /* PML4 GPA */
    uint64_t gdtr_base;
    uint16_t gdtr_limit;            /* BOOT_GDT_LIMIT */
    uint16_t cs, ds;                /* BOOT_SEL_CODE64, BOOT_SEL_DATA */
    uint16_t tr;                    /* BOOT_SEL_TSS; its descriptor is "available" */
    uint64_t tss_base;
    uint32_t tss_limit;             /* BOOT_TSS_LIMIT */
    uint64_t loader_start, loader_end; /* the area, [start, end) */
    uint64_t boot_info, hypercall_page, vp_assist_page;
} boot_entry;

/* Bytes the area needs for this RAM size, command line (NULL: none) and modules;
 * a multiple of 4 KiB. UINT64_MAX when it cannot be built at all (RAM of 0 or beyond
 * the 47-bit identity-mappable range, sizes that overflow). */
uint64_t boot_area_size(uint64_t ram_size, const char *cmdline,
                        const boot_module *modules, size_t module_count);

/* Build the area [p->area_top - size, p->area_top) and fill *out. The whole area is
 * zeroed first, so nothing left in RAM leaks into it. On failure nothing is written
 * and `err` holds one line "VTL<n> boot: <reason>": VE_E_RANGE when RAM is too small
 * for the images plus the area, VE_E_INVAL for inconsistent parameters. */
ve_status boot_build(physmem *pm, const boot_params *p, boot_entry *out,
                     char *err, size_t errlen);

#endif
