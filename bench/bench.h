/* The MIPS benchmark (`make bench`): the same guest loops run on raw Unicorn (its own
 * paging, no hooks) and on vtlemu (two-stage translation in a TLB-fill hook, block hook
 * for instruction counts), side by side in one process. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Guest RAM for both runners: vtlemu's default, and above the loops' scratch areas
 * (bench/guests/frame.asm) plus the loader area. */
#define BENCH_RAM (UINT64_C(256) << 20)

/* The guests read their iteration count from the boot command line, always this many
 * decimal digits (COUNT_DIGITS in frame.asm), so their prologue has a fixed length. */
#define BENCH_COUNT_DIGITS 12
#define BENCH_MAX_ITERS    UINT64_C(999999999999)

/* One run of one guest image. */
typedef struct bench_run {
    double seconds;         /* wall time of the emulation alone (not setup or teardown) */
    double cpu_seconds;     /* CPU time of this thread over the same span: unlike wall
                               time, not stretched while other processes hold the CPU */
    uint64_t icount;        /* instructions retired: vtlemu's count; for raw Unicorn only
                               when counted (then with a code hook, not timed) */
    uint64_t checksum;      /* the guest's result: RBX at the hlt (raw), or the 16 hex
                               digits it printed on COM1 (vtlemu) */
} bench_run;

/* Both return false and fill err (one line) when the run could not be set up or did
 * not end at the guest's hlt. count_insns (raw only) adds a UC_HOOK_CODE counter: for
 * checking instruction counts, never for timing. */
bool bench_run_raw(const char *elf_path, uint64_t iters, bool count_insns, bench_run *out,
                   char *err, size_t errlen);
bool bench_run_vtlemu(const char *elf_path, uint64_t iters, bench_run *out, char *err, size_t errlen);

/* The command line handed to the guest for `iters` iterations (exactly
 * BENCH_COUNT_DIGITS digits); buf holds at least BENCH_COUNT_DIGITS + 1 bytes. */
void bench_cmdline(uint64_t iters, char *buf, size_t len);

/* VTL round trips per second (bench/vtl_roundtrip.c): prints its line, returns 0 when
 * the target is met, 1 when missed, 2 when the run failed. */
int bench_vtl_roundtrips(const char *guest_dir, int reps);

/* Wall clock (CLOCK_MONOTONIC) and this thread's CPU time, in seconds. */
double bench_now(void);
double bench_cpu_now(void);

#endif
