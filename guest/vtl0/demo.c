/* The two-VTL demo's driver: stages in order, one check per expectation, a summary. */
#include "guest/vtl0/demo.h"

#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/uart.h"
#include "guest/lib/vtlemu.h"
#include "guest/vtl0/dma.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/securecall.h"

extern char __text_start[], __rodata_end[];

/* securecall_entry.asm */
uint64_t sc_check_registers(uint64_t hypercall_va);

struct demo_env demo_env;

#define MAX_CHECKS 32
static struct {
    const char *what;
    bool ok;
} checks[MAX_CHECKS];
static unsigned nchecks;
static int exit_code;
static bool active, attacked;
static uint64_t challenge_state = 0x5eed0f1a5a5a5a5aull;

bool demo_active(void)
{
    return active;
}

void demo_check(const char *what, bool ok, int code)
{
    if (nchecks < MAX_CHECKS)
        checks[nchecks++] = (typeof(checks[0])){ what, ok };
    if (!ok && exit_code == 0)
        exit_code = code;
    if (!ok)
        uart_printf("vtl0: CHECK FAILED: %s (status %d)\n", what, code);
}

/* splitmix64: fresh, unpredictable-enough challenges, the same in every run. */
uint64_t demo_next_challenge(void)
{
    uint64_t z = (challenge_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) >> 1;            /* 63 bits: a non-negative syscall result */
}

/* Like HVCI/KDP: once VTL1 has made the kernel's code read-only in VTL0's SLAT, not
 * even the kernel itself (or an attacker in it) can change it. */
static void protect_kernel_code(void)
{
    uint64_t start = kernel_virt_to_phys(__text_start), end = kernel_virt_to_phys(__rodata_end);
    uint64_t st = secure_call(SC_PROTECT_READONLY, start, (end - start) / PAGE_SIZE, 0, NULL);
    uart_printf("vtl0: asked VTL1 to make kernel code and read-only data (GPA %016lx-%016lx) "
                "read-only: status %lu\n", start, end, st);
    demo_check("VTL1 made the kernel's code read-only", st == SC_OK, DEMO_EXIT_PROTECT);

    /* The same service must refuse to touch VTL1's memory (it would open it up). */
    st = secure_call(SC_PROTECT_READONLY, demo_env.vtl1_start, 1, 0, NULL);
    uart_printf("vtl0: asked VTL1 to make its own first page read-only for VTL0: status %lu "
                "(want %d, invalid)\n", st, SC_E_INVALID);
    demo_check("VTL1 refused to open its own memory", st == SC_E_INVALID, DEMO_EXIT_OPENED_VTL1);
}

bool demo_init(const struct boot_info *bi)
{
    if (!securecall_init(bi))
        return false;
    active = true;
    demo_env = (struct demo_env){
        .ram_size = bi->ram_size,
        .vtl1_start = bi->vtl1_start,
        .vtl1_end = bi->vtl1_end,
    };

    uint64_t n = 0;
    secure_call(SC_STATS, 0, 0, 0, &n);
    uart_printf("vtl0: --- stage 1: secure calls work (VTL1 has intercepted %lu accesses so "
                "far); kernel code goes read-only ---\n", n);
    if (bi->cmdline && has_word((const char *)phys_to_virt(bi->cmdline), "sk.policy=stop")) {
        uint64_t st = secure_call(SC_SET_POLICY, SC_POLICY_STOP, 0, 0, NULL);
        uart_printf("vtl0: asked VTL1 to stop the machine on the next violation: status %lu\n",
                    st);
    }
    uint64_t changed = sc_check_registers(HYPERCALL_VA);
    uart_printf("vtl0: shared registers after a secure call: %s (changed mask 0x%lx)\n",
                changed ? "CHANGED" : "all 13 as VTL0 left them", changed);
    demo_check("VTL1 hands back VTL0's registers, nothing of its own in them", changed == 0,
               DEMO_EXIT_REGISTERS);
    protect_kernel_code();

    uart_puts("vtl0: --- stage 2: a library page shared copy-on-write by both VTLs ---\n");
    cow_run();

    uart_puts("vtl0: --- stage 3: lsass proves a password through VTL1 ---\n");
    return true;
}

void demo_kernel_work(void)
{
    if (!active || attacked)
        return;
    attacked = true;
    uart_puts("vtl0: --- stage 4: the kernel is compromised: its attacker module goes for the "
              "credential ---\n");
    attack_run();
    uart_puts("vtl0: --- stage 5: the attacker turns to DMA: dma0 and the IOMMU ---\n");
    dma_attack_run();
    uart_puts("vtl0: --- stage 6: VTL1 takes dma0 for itself, then gives it back ---\n");
    dma_reassign_run();
    uart_puts("vtl0: --- stage 7: back to lsass: the credential check must still work ---\n");
}

void demo_finish(uint64_t code)
{
    uart_printf("vtl0: lsass exited with %lu\n", code);
    demo_check("the attacker module ran", attacked, DEMO_EXIT_NO_ATTACK);
    demo_check("lsass: right password accepted, wrong refused, before and after the attacks",
               code == 0, (code & 0x3f) ? (int)(code & 0x3f) : 1);

    unsigned passed = 0;
    uart_puts("vtl0: ===== summary of the two-VTL demo =====\n");
    for (unsigned i = 0; i < nchecks; i++) {
        uart_printf("vtl0:   [%s] %s\n", checks[i].ok ? " ok " : "FAIL", checks[i].what);
        passed += checks[i].ok;
    }
    if (exit_code == 0)
        uart_printf("vtl0: all %u checks passed: every attack was blocked, the secret never "
                    "left VTL1\n", passed);
    else
        uart_printf("vtl0: %u of %u checks passed; exit status %d\n", passed, nchecks, exit_code);
    vtlemu_exit((uint8_t)exit_code);
}
