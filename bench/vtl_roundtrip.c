/* VTL round trips per second (issue: >= 1,000,000): VTL0 calls VTL1 n times with
 * HvCallVtlCall, VTL1 answers each with HvCallVtlReturn (bench/guests/rt_vtl*.asm). */
#include <stdio.h>

#include "bench/bench.h"
#include "emu/machine.h"

#define RT_TARGET 1000000.0

static bool run_once(const char *dir, uint64_t n, double *seconds, uint64_t *icount)
{
    char v0[600], v1[600], cmd[BENCH_COUNT_DIGITS + 1], err[256];
    snprintf(v0, sizeof(v0), "%s/rt_vtl0.elf", dir);
    snprintf(v1, sizeof(v1), "%s/rt_vtl1.elf", dir);
    bench_cmdline(n, cmd, sizeof(cmd));
    emu_config cfg = { .mem_size = BENCH_RAM, .append = cmd };
    vtl_machine *m = NULL;
    if (emu_create(&cfg, &m, err, sizeof(err)) != VE_OK || emu_load(m, v0, v1, err, sizeof(err)) != VE_OK) {
        fprintf(stderr, "vtl round trips: %s\n", err);
        emu_destroy(m);
        return false;
    }
    double t0 = bench_now();
    int status = emu_run(m);
    *seconds = bench_now() - t0;
    *icount = emu_icount(m);
    emu_destroy(m);
    /* The guest ends at its hlt: exit 65 (halt) is the expected end. */
    if (status != 65) {
        fprintf(stderr, "vtl round trips: the guest ended with status %d\n", status);
        return false;
    }
    return true;
}

int bench_vtl_roundtrips(const char *guest_dir, int reps)
{
    uint64_t n = 20000;
    double s = 0;
    uint64_t ic;
    /* Calibrate to about half a second per run. */
    while (run_once(guest_dir, n, &s, &ic) && s < 0.25 && n < 100000000)
        n *= 4;
    if (s <= 0)
        return 2;
    double best = 0, worst = 1e30;
    for (int i = 0; i < reps; i++) {
        if (!run_once(guest_dir, n, &s, &ic))
            return 2;
        double rate = (double)n / s;
        if (rate > best)
            best = rate;
        if (rate < worst)
            worst = rate;
    }
    printf("\nVTL round trips (HvCallVtlCall + HvCallVtlReturn), %llu per run, %d runs:\n",
           (unsigned long long)n, reps);
    printf("  best %.0f/s [%.0f-%.0f], %.2f us per round trip; target %.0f/s: %s\n", best, worst, best,
           1e6 / best, RT_TARGET, best >= RT_TARGET ? "PASS" : "MISS");
    return best >= RT_TARGET ? 0 : 1;
}
