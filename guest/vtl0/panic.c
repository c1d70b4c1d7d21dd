#include "guest/vtl0/panic.h"

#include <stdarg.h>

#include "guest/lib/cpu.h"
#include "guest/lib/fmt.h"
#include "guest/lib/uart.h"
#include "guest/lib/vtlemu.h"

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
    "reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
    "#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved",
};

static void uart_sink(void *ctx, char c)
{
    (void)ctx;
    uart_putc(c);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    uart_puts("vtl0: PANIC: ");
    va_start(ap, fmt);
    fmt_vformat(uart_sink, NULL, fmt, ap);
    va_end(ap);
    uart_puts("\n");
    vtlemu_exit(EXIT_PANIC);
}

void panic_trap(const struct trap_frame *f)
{
    uart_printf("vtl0: PANIC: %s (vector %lu) in %s mode\n",
                f->vector < 32 ? vector_names[f->vector] : "?", f->vector,
                (f->cs & 3) ? "user" : "kernel");
    uart_printf("vtl0:   error 0x%lx  rip %016lx  cs %04lx  rflags %08lx\n",
                f->error_code, f->rip, f->cs, f->rflags);
    uart_printf("vtl0:   rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx\n",
                f->rsp, f->ss, read_cr2(), read_cr3());
    uart_printf("vtl0:   rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n",
                f->rax, f->rbx, f->rcx, f->rdx);
    uart_printf("vtl0:   rsi %016lx  rdi %016lx  rbp %016lx\n", f->rsi, f->rdi, f->rbp);
    vtlemu_exit(EXIT_PANIC);
}
