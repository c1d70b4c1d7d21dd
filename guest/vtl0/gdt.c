/* GDT and TSS. In long mode segmentation is mostly off: base and limit are ignored for
 * code and data, but the descriptors still carry the privilege level (DPL), the 64-bit
 * flag (L) for code, and the TSS still supplies the stacks used on privilege changes
 * (RSP0) and for IST vectors. */
#include "guest/vtl0/gdt.h"

#include <stddef.h>

#include "guest/lib/cpu.h"

/* 64-bit TSS (Intel SDM vol. 3 §8.7). */
struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];            /* stack for a switch to CPL 0, 1, 2 */
    uint64_t reserved1;
    uint64_t ist[7];            /* IST1..IST7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;        /* offset of the I/O permission bitmap */
};
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

/* Code/data descriptors as constants (limit 0xfffff, base 0):
 *   access byte: P=0x80 | DPL<<5 | S=0x10 | type (0xA code exec/read, 0x2 data r/w)
 *   flags nibble: G=0x8, plus L=0x2 (64-bit code) or D/B=0x4 (data) */
#define DESC_KCODE  0x00af9a000000ffffull   /* access 0x9a, flags 0xa (G, L) */
#define DESC_KDATA  0x00cf92000000ffffull   /* access 0x92, flags 0xc (G, D/B) */
#define DESC_UDATA  0x00cff2000000ffffull   /* access 0xf2: DPL 3 */
#define DESC_UCODE  0x00affa000000ffffull   /* access 0xfa: DPL 3 */

static struct tss tss;
static uint64_t gdt[7] __attribute__((aligned(16)));

/* A system descriptor (TSS) is 16 bytes: base bits 32-63 go in the second slot. */
static void set_tss_desc(uint64_t *slot, uint64_t base, uint32_t limit)
{
    slot[0] = (limit & 0xffffull)
            | ((base & 0xffffffull) << 16)
            | (0x89ull << 40)                   /* P, DPL0, type 9: available 64-bit TSS */
            | ((uint64_t)(limit >> 16 & 0xf) << 48)
            | ((base >> 24 & 0xffull) << 56);
    slot[1] = base >> 32;
}

void gdt_init(uint64_t rsp0, uint64_t ist1)
{
    tss.rsp[0] = rsp0;
    tss.ist[0] = ist1;
    /* A bitmap offset at or past the limit means "no bitmap": with IOPL 0, user-mode
     * in/out always #GP. */
    tss.iomap_base = sizeof tss;

    gdt[SEL_NULL / 8] = 0;
    gdt[SEL_KCODE / 8] = DESC_KCODE;
    gdt[SEL_KDATA / 8] = DESC_KDATA;
    gdt[SEL_UDATA / 8] = DESC_UDATA;
    gdt[SEL_UCODE / 8] = DESC_UCODE;
    set_tss_desc(&gdt[SEL_TSS / 8], (uint64_t)&tss, sizeof tss - 1);

    struct dtr gdtr = { sizeof gdt - 1, (uint64_t)gdt };
    /* FS and GS get the null selector: GS's base is the per-CPU pointer (syscall.c),
     * set after this. */
    load_gdt(&gdtr, SEL_KCODE, SEL_KDATA);
    ltr(SEL_TSS);
}
