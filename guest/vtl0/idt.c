/* The IDT: all 32 exception vectors go to isr.asm, which calls trap_dispatch. The only
 * exceptions the kernel expects are a #PF on the user heap (demand-zero paging) and,
 * in the two-VTL demo, a fault in one of the attacker's probes; anything else is a bug
 * in the kernel or the user program, and the run ends with a report. */
#include "guest/vtl0/trap.h"

#include "guest/lib/cpu.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/gdt.h"
#include "guest/vtl0/panic.h"
#include "guest/vtl0/process.h"

/* A 64-bit interrupt gate (Intel SDM vol. 3 §6.14.1). */
struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;                /* bits 0-2: IST index, 0 = use the current or RSP0 stack */
    uint8_t type_attr;          /* P | DPL | type */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gates are 16 bytes");

/* Interrupt gate (type 0xE) rather than trap gate: IF is cleared on entry. Nothing
 * raises interrupts yet, but this is the safe default. DPL 0: `int n` from user mode
 * raises #GP instead of entering a handler. */
#define GATE_INTERRUPT  0x8e

extern const uint64_t isr_stubs[32];

static struct idt_gate idt[32] __attribute__((aligned(16)));

static void set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
    idt[vec] = (struct idt_gate){
        .offset_lo = (uint16_t)handler,
        .selector = SEL_KCODE,
        .ist = (uint8_t)ist,
        .type_attr = GATE_INTERRUPT,
        .offset_mid = (uint16_t)(handler >> 16),
        .offset_hi = (uint32_t)(handler >> 32),
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < 32; v++)
        set_gate(v, isr_stubs[v], 0);
    /* #DF gets a known-good stack: a double fault often means the stack is what broke
     * (overflowed into its guard, or unmapped). */
    set_gate(VEC_DF, isr_stubs[VEC_DF], 1);

    struct dtr idtr = { sizeof idt - 1, (uint64_t)idt };
    lidt(&idtr);
}

void trap_dispatch(struct trap_frame *f)
{
    if (f->vector == VEC_PF && process_heap_fault(read_cr2(), f->error_code))
        return;
    if (attack_fixup(f))
        return;
    panic_trap(f);
}
