/* The two-VTL demo (only with a secure kernel, boot-info vtl1_start != 0): its stages,
 * its checks and the summary that ends the run. docs/secure-calls.md tells the story.
 *
 * Exit statuses (the first failed check's; 0 when all pass):
 *   10-13  lsass's own status (user/lsass.c)
 *   14     the attacker module never ran (lsass did not yield)
 *   20     a secure call changed a VTL0 register it should have handed back
 *   21     VTL1 did not make the kernel's code read-only
 *   22     VTL1 agreed to open its own memory to VTL0
 *   23-29  an attack that was not blocked (attack.c: attack n -> 22 + n)
 *   30-33  the copy-on-write scenario failed (cow.c)
 *   34-38  a DMA attack that was not blocked, or the legitimate copy failed (dmademo.c)
 *   39     VTL0 could assign dma0 itself
 *   45-47  device reassignment: VTL1 could not take or use dma0 / VTL0 could still
 *          reach it / VTL0 could not use it after VTL1 gave it back
 * The secure kernel's own statuses are 40-44 (guest/lib/securecall.h). */
#ifndef VTL0_DEMO_H
#define VTL0_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/lib/bootinfo.h"

#define DEMO_EXIT_NO_ATTACK        14
#define DEMO_EXIT_REGISTERS        20
#define DEMO_EXIT_PROTECT          21
#define DEMO_EXIT_OPENED_VTL1      22
#define DEMO_EXIT_READ_DIRECT      23
#define DEMO_EXIT_READ_OWN_PTE     24
#define DEMO_EXIT_READ_VIA_TABLE   25
#define DEMO_EXIT_WRITE            26
#define DEMO_EXIT_EXECUTE          27
#define DEMO_EXIT_PATCH_KERNEL     28
#define DEMO_EXIT_SCAN             29
#define DEMO_EXIT_COW_SHARE        30
#define DEMO_EXIT_COW_RUN          31
#define DEMO_EXIT_COW_PATCH        32
#define DEMO_EXIT_COW_VTL1         33
#define DEMO_EXIT_DMA_READ         34
#define DEMO_EXIT_DMA_WRITE        35
#define DEMO_EXIT_DMA_UNMAPPED     36
#define DEMO_EXIT_DMA_REMAP        37
#define DEMO_EXIT_DMA_COPY         38
#define DEMO_EXIT_DMA_ASSIGN       39
#define DEMO_EXIT_DMA_TAKE         45
#define DEMO_EXIT_DMA_REFUSED      46
#define DEMO_EXIT_DMA_GIVE_BACK    47

/* What the demo knows of the machine. */
struct demo_env {
    uint64_t ram_size;
    uint64_t vtl1_start, vtl1_end;
};
extern struct demo_env demo_env;

/* Sets up secure calls and runs the kernel-side stages (read-only kernel code, the
 * copy-on-write library). Returns false, doing nothing, without a secure kernel. */
bool demo_init(const struct boot_info *bi);
bool demo_active(void);

/* Records one check for the summary; a failed one sets the exit status (the first
 * failure wins). */
void demo_check(const char *what, bool ok, int code);

/* A fresh challenge for SYS_cred_challenge. */
uint64_t demo_next_challenge(void);

/* SYS_sched_yield: the compromised kernel's "other work": the attacker module, once. */
void demo_kernel_work(void);

/* lsass exited with `code`: print the summary and end the run. */
__attribute__((noreturn)) void demo_finish(uint64_t code);

/* cow.c, attack.c */
struct trap_frame;
void cow_run(void);
void attack_run(void);
/* A #PF or #GP in one of the attacker's probes: resume after it. False for any other
 * exception (the caller panics). */
bool attack_fixup(struct trap_frame *f);

#endif
