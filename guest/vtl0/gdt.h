/* Segment selectors. The order is dictated by syscall/sysret, which derive the
 * selectors from MSR_STAR instead of reading descriptors:
 *   syscall: CS = STAR[47:32],     SS = STAR[47:32] + 8       -> 0x08, 0x10
 *   sysretq: CS = STAR[63:48] + 16, SS = STAR[63:48] + 8 (RPL 3) -> 0x23, 0x1b
 * so kernel data must follow kernel code, and user code must follow user data. */
#ifndef VTL0_GDT_H
#define VTL0_GDT_H

#include <stdint.h>

#define SEL_NULL    0x00
#define SEL_KCODE   0x08    /* 64-bit code, DPL0 */
#define SEL_KDATA   0x10    /* data, DPL0 */
#define SEL_UDATA   0x1b    /* data, DPL3 (index 3, RPL 3) */
#define SEL_UCODE   0x23    /* 64-bit code, DPL3 (index 4, RPL 3) */
#define SEL_TSS     0x28    /* 64-bit TSS: a 16-byte descriptor, two slots */

#define STAR_SYSCALL_BASE  SEL_KCODE
#define STAR_SYSRET_BASE   SEL_KDATA
_Static_assert((STAR_SYSRET_BASE + 8) == (SEL_UDATA & ~3), "sysret SS");
_Static_assert((STAR_SYSRET_BASE + 16) == (SEL_UCODE & ~3), "sysret CS");
_Static_assert((STAR_SYSCALL_BASE + 8) == SEL_KDATA, "syscall SS");

/* Loads the GDT, reloads every segment register and the task register. rsp0 is the
 * stack the CPU switches to on an exception from user mode; ist1 the #DF stack. */
void gdt_init(uint64_t rsp0, uint64_t ist1);

#endif
