/* The secure kernel's GDT, TSS and IDT. VTL1 has its own descriptor tables (GDTR,
 * IDTR and TR are private per VTL), in its own image, so VTL0 can neither read nor
 * change them. No user mode yet: kernel code and data, and a TSS for the #DF stack. */
#include <stdarg.h>
#include <stddef.h>

#include "guest/lib/cpu.h"
#include "guest/lib/fmt.h"
#include "guest/lib/securecall.h"
#include "guest/lib/vtlemu.h"
#include "guest/sk/sk.h"

#define SEL_CODE  0x08
#define SEL_DATA  0x10
#define SEL_TSS   0x18      /* 16 bytes: slots 3 and 4 */

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS");

struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

/* isr.asm's frame, lowest address first. */
struct sk_trap_frame {
    uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

extern const uint64_t sk_isr_stubs[32];
void sk_trap(const struct sk_trap_frame *f);

static struct tss tss;
static uint64_t gdt[5] __attribute__((aligned(16)));
static struct idt_gate idt[32] __attribute__((aligned(16)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));

void cpu_init(void)
{
    uint64_t t = (uint64_t)&tss;
    tss.ist[0] = (uint64_t)(df_stack + sizeof df_stack);
    tss.iomap_base = sizeof tss;                    /* no I/O bitmap */

    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull;                 /* 64-bit code, DPL0 */
    gdt[2] = 0x00cf92000000ffffull;                 /* data, DPL0 */
    gdt[3] = (sizeof tss - 1) | (t & 0xffffff) << 16 | 0x89ull << 40 | (t >> 24 & 0xff) << 56;
    gdt[4] = t >> 32;

    struct dtr gdtr = { sizeof gdt - 1, (uint64_t)gdt };
    load_gdt(&gdtr, SEL_CODE, SEL_DATA);
    ltr(SEL_TSS);

    for (unsigned v = 0; v < 32; v++) {
        uint64_t h = sk_isr_stubs[v];
        idt[v] = (struct idt_gate){
            .offset_lo = (uint16_t)h,
            .selector = SEL_CODE,
            .ist = v == 8 ? 1 : 0,                  /* #DF on its own stack */
            .type_attr = 0x8e,                      /* present, DPL0, interrupt gate */
            .offset_mid = (uint16_t)(h >> 16),
            .offset_hi = (uint32_t)(h >> 32),
        };
    }
    struct dtr idtr = { sizeof idt - 1, (uint64_t)idt };
    lidt(&idtr);
}

void sk_trap(const struct sk_trap_frame *f)
{
    SK_LOG("PANIC: exception %lu, error 0x%lx at RIP %016lx (CS %04lx, RSP %016lx)\n",
           f->vector, f->error_code, f->rip, f->cs, f->rsp);
    SK_LOG("  CR2 %016lx CR3 %016lx RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n",
           read_cr2(), read_cr3(), f->rax, f->rbx, f->rcx, f->rdx);
    vtlemu_exit(SK_EXIT_EXCEPTION);
}

static void uart_sink(void *ctx, char c)
{
    (void)ctx;
    uart_putc(c);
}

void sk_fatal(int code, const char *fmt, ...)
{
    va_list ap;
    uart_puts("sk: FATAL: ");
    va_start(ap, fmt);
    fmt_vformat(uart_sink, NULL, fmt, ap);
    va_end(ap);
    uart_puts("\n");
    vtlemu_exit((uint8_t)code);
}
