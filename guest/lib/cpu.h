/* Privileged x86-64 instructions as inlines (CPL0 only: each one #GPs in user mode). */
#ifndef GUEST_LIB_CPU_H
#define GUEST_LIB_CPU_H

#include <stdint.h>

#define MSR_EFER            0xC0000080u
#define MSR_STAR            0xC0000081u
#define MSR_LSTAR           0xC0000082u
#define MSR_SFMASK          0xC0000084u
#define MSR_FS_BASE         0xC0000100u
#define MSR_GS_BASE         0xC0000101u
#define MSR_KERNEL_GS_BASE  0xC0000102u

#define EFER_SCE  (1ull << 0)    /* syscall/sysret enabled */
#define EFER_NXE  (1ull << 11)   /* PTE bit 63 means no-execute */

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_AC (1ull << 18)

/* The operand of lgdt/lidt. */
struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint64_t base;
};
_Static_assert(sizeof(struct dtr) == 10, "lgdt/lidt operand is 10 bytes in long mode");

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

/* "memory": page-table stores made before must not be moved after the switch. */
static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/* Drops the TLB entry of one page: needed after changing or removing a mapping. */
static inline void invlpg(const void *va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void lidt(const struct dtr *d)
{
    __asm__ volatile("lidt %0" : : "m"(*d));
}

/* Load a GDT and reload every segment register from it: CS only by a far transfer (push
 * the new CS and a return address, then lretq); DS, ES and SS get data_sel; FS and GS get
 * the null selector, as their bases come from MSRs and a selector load would reset them. */
static inline void load_gdt(const struct dtr *gdtr, uint64_t code_sel, uint16_t data_sel)
{
    __asm__ volatile(
        "lgdt %[gdtr]\n\t"
        "pushq %[cs]\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w[ds], %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%fs\n\t"
        "movw %%ax, %%gs\n\t"
        :
        : [gdtr] "m"(*gdtr), [cs] "r"(code_sel), [ds] "r"(data_sel)
        : "rax", "memory");
}

static inline void ltr(uint16_t sel)
{
    __asm__ volatile("ltr %0" : : "rm"(sel));
}

/* With IF clear, hlt never wakes up; in vtlemu it ends the run. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

#endif
