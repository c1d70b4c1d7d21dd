/* vtl0 demo kernel: the C entry point. entry.asm gets here in the higher half, on the
 * boot stack, with the loader's identity map still present; the steps below replace
 * everything the loader set up (GDT, IDT, page tables) and then run one user program.
 * The run ends when that program calls exit, or with a panic report (panic.h).
 * With a secure kernel in VTL1 (boot-info vtl1_start != 0), VTL1 ran first and returned
 * to our entry; the kernel then runs the two-VTL demo (demo.h) instead. */
#include <stdint.h>

#include "guest/lib/uart.h"
#include "guest/lib/bootinfo.h"
#include "guest/lib/vtlemu.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/dma.h"
#include "guest/vtl0/frames.h"
#include "guest/vtl0/gdt.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/paging.h"
#include "guest/vtl0/process.h"
#include "guest/vtl0/syscall.h"
#include "guest/vtl0/trap.h"

/* One stack for everything that enters the kernel from user mode: exceptions (via
 * TSS.RSP0) and system calls (via the per-CPU area). They never nest from user mode:
 * a fault inside a system call is taken at CPL0 and stays on the current stack. The
 * boot stack (entry.asm) is abandoned once user mode starts. */
static uint8_t kernel_stack[16384] __attribute__((aligned(16)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));

void kmain(uint64_t boot_info_gpa);

static void print_boot_info(const struct boot_info *bi)
{
    uart_printf("vtl0: boot info v%lu at %016lx, vtl %lu\n", bi->version,
                (uint64_t)bi - DIRECT_MAP_BASE, bi->vtl);
    uart_printf("vtl0: ram %lu MiB, free %016lx-%016lx (%lu KiB), loader %016lx-%016lx\n",
                bi->ram_size >> 20, bi->free_start, bi->free_end,
                (bi->free_end - bi->free_start) >> 10, bi->loader_start, bi->loader_end);
    if (bi->cmdline)
        uart_printf("vtl0: cmdline \"%s\"\n", (const char *)phys_to_virt(bi->cmdline));
}

void kmain(uint64_t boot_info_gpa)
{
    /* The boot tables map the boot-info page, at the top of RAM, in the direct map. */
    const struct boot_info *bi = phys_to_virt(boot_info_gpa);

    uart_puts("vtl0: vtlemu demo kernel\n");
    print_boot_info(bi);

    /* GDT and IDT first, so a fault in anything later is reported, not a triple fault. */
    gdt_init((uint64_t)(kernel_stack + sizeof kernel_stack),
             (uint64_t)(df_stack + sizeof df_stack));
    idt_init();

    frames_init(bi->free_start, bi->free_end);
    paging_init(bi->ram_size);      /* from here on the identity map is gone */
    uart_printf("vtl0: own page tables live, %lu frames used; kernel at %016lx, "
                "direct map at %016lx\n", frames_used(), KERNEL_VBASE, DIRECT_MAP_BASE);

    syscall_init((uint64_t)(kernel_stack + sizeof kernel_stack));
    dma_demo_init();                /* the DMA driver and its buffers (dma.h) */

    /* With a secure kernel: the two-VTL demo (demo.h), its user program is lsass. */
    if (demo_init(bi))
        process_start(&user_lsass);

    /* Without one: the DMA driver tests itself, then the user program runs. */
    int code = 0;
    if (!dma_selftest(&code))
        vtlemu_exit((uint8_t)code);
    process_start(&user_hello);
}
