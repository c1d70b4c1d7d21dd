/* bench_mips: guest MIPS of the same loops on raw Unicorn 2.1.1 (its own paging, no
 * hooks) and on vtlemu (two-stage translation in the TLB-fill hook, block hook counting
 * instructions), measured side by side in one process. See docs/performance.md.
 *
 * Per loop: check that the instruction-count formula matches what Unicorn (code hook)
 * and vtlemu (emu_icount) count; pick an iteration count so that a raw run takes about
 * -t seconds; then run raw and vtlemu alternately (the order flips every repetition) and
 * report the best MIPS of each, the range over the repetitions, the ratio of the bests
 * and the median ratio of the pairs.
 *
 * Exit status: 0 every loop of the issue (alu, store, pages) reaches the target ratio,
 * 1 one of them misses it, 2 the benchmark itself failed (count or checksum mismatch,
 * a guest that did not halt, bad usage). Extra loops (tight) are reported, not judged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#include "bench/bench.h"

#define TARGET_RATIO 0.7
#define MAX_REPS 51
#define MAX_PATH 4096

/* Instructions a guest retires: pre + iters * body + post. pre and post include the
 * shared frame (bench/guests/frame.asm): 87 for BENCH_ENTRY, 118 for BENCH_EXIT. */
typedef struct loop_desc {
    const char *name;    /* the guest is <guest dir>/<name>.elf */
    const char *what;
    uint64_t pre, body, post;
    bool required;       /* one of the loops: its verdict sets the exit status */
} loop_desc;

static const loop_desc loops[] = {
    { "alu",   "ALU only; 16 insns per iteration and per block",           87 + 6,     16,  5 + 118,     true },
    { "store", "one 8-byte store per 16 insns (all in one 4 KiB page)",    87 + 6 + 2, 16,  5 + 1 + 118, true },
    { "pages", "store to a new 4 KiB page every 262 insns, 64 MiB, wraps", 87 + 6 + 2, 262, 5 + 1 + 118, true },
    /* Not in the issue: fixed per-block costs (the block hook) at their worst. */
    { "tight", "3 insns per iteration and per block (add/dec/jnz)",        87 + 1,     3,   118,         false },
};
#define NLOOPS (sizeof(loops) / sizeof(loops[0]))

typedef enum side { SIDE_BOTH, SIDE_RAW, SIDE_VTLEMU } side;

typedef struct stats {
    double v[MAX_REPS];
    int n;
    double min, median, max;
} stats;

typedef struct loop_result {
    bool measured;
    uint64_t insns;
    stats raw, vtl, pair;      /* MIPS per run (wall time); vtlemu/raw per repetition */
    stats raw_cpu, vtl_cpu;    /* MIPS per run by thread CPU time */
    double ratio;              /* best vtlemu MIPS / best raw MIPS (wall time): the verdict */
    double cpu_ratio;          /* the same by CPU time: a cross-check on a busy machine */
} loop_result;

static uint64_t expected_insns(const loop_desc *l, uint64_t iters)
{
    return l->pre + iters * l->body + l->post;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void summarize(stats *s)
{
    if (s->n == 0)
        return;
    double sorted[MAX_REPS];
    memcpy(sorted, s->v, (size_t)s->n * sizeof(double));
    qsort(sorted, (size_t)s->n, sizeof(double), cmp_double);
    s->min = sorted[0];
    s->max = sorted[s->n - 1];
    s->median = s->n % 2 ? sorted[s->n / 2] : (sorted[s->n / 2 - 1] + sorted[s->n / 2]) / 2;
}

/* --- the machine the figures come from ------------------------------------------- */

/* The value of the first line starting with `key` (after its ':'), or the first line
 * when key is NULL; "unknown" when there is none. */
static void read_line(const char *path, const char *key, char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        const char *v = line;
        if (key) {
            if (strncmp(line, key, strlen(key)) != 0 || !(v = strchr(line, ':')))
                continue;
            v++;
            while (*v == ' ' || *v == '\t')
                v++;
        }
        size_t n = strcspn(v, "\n");
        if (n >= len)
            n = len - 1;
        memcpy(buf, v, n);
        buf[n] = 0;
        break;
    }
    fclose(f);
}

/* The 1-minute load average: a busy machine makes a noisy run. */
static double load1(void)
{
    char buf[128];
    read_line("/proc/loadavg", NULL, buf, sizeof(buf));
    return strtod(buf, NULL);
}

static void print_machine(int reps, double target)
{
    char model[256], debian[64];
    read_line("/proc/cpuinfo", "model name", model, sizeof(model));
    read_line("/etc/debian_version", NULL, debian, sizeof(debian));
    unsigned v = uc_version(NULL, NULL);
    printf("machine: %ld CPUs, %s, Debian %s, Unicorn %u.%u.%u, load average %.2f at start\n",
           sysconf(_SC_NPROCESSORS_ONLN), model, debian, (v >> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff,
           load1());
    printf("method: per loop %d repetitions of one raw and one vtlemu run (order flipped each time),\n"
           "        ~%.2g s per raw run. MIPS: wall time, best run [min-max]. ratio: best vtlemu MIPS /\n"
           "        best raw MIPS (the verdict); pairs: median of vtlemu/raw within a repetition;\n"
           "        cpu: ratio of the best runs by thread CPU time (check on a busy machine)\n\n",
           reps, target);
}

/* --- per loop ---------------------------------------------------------------------- */

static bool fail_loop(const loop_desc *l, const char *what)
{
    fprintf(stderr, "bench_mips: %s: %s\n", l->name, what);
    return false;
}

/* The formula must match Unicorn's own count and vtlemu's, and both must compute the
 * same checksum: otherwise the MIPS figures compare different work. */
static bool check_counts(const loop_desc *l, const char *elf)
{
    static const uint64_t iters[] = { 1, 1000 };
    char err[512], msg[640];
    for (size_t i = 0; i < sizeof(iters) / sizeof(iters[0]); i++) {
        bench_run raw, vtl;
        if (!bench_run_raw(elf, iters[i], true, &raw, err, sizeof(err)) ||
            !bench_run_vtlemu(elf, iters[i], &vtl, err, sizeof(err)))
            return fail_loop(l, err);
        uint64_t want = expected_insns(l, iters[i]);
        if (raw.icount != want || vtl.icount != want || raw.checksum != vtl.checksum) {
            snprintf(msg, sizeof(msg),
                     "count check at %llu iterations: expected %llu insns, Unicorn counted %llu, "
                     "vtlemu %llu; checksums %016llx (raw) %016llx (vtlemu)",
                     (unsigned long long)iters[i], (unsigned long long)want, (unsigned long long)raw.icount,
                     (unsigned long long)vtl.icount, (unsigned long long)raw.checksum,
                     (unsigned long long)vtl.checksum);
            return fail_loop(l, msg);
        }
    }
    return true;
}

/* Raw runs of growing length until they last long enough to extrapolate from (short
 * runs are dominated by translation and first-touch page faults); the faster of two
 * runs at each length, so one disturbed run does not shorten every later one. */
static bool pick_iters(const loop_desc *l, const char *elf, double target, uint64_t *iters)
{
    uint64_t n = 20000000 / l->body + 1;
    char err[512];
    for (int round = 0;; round++) {
        double t = 1e300;
        for (int k = 0; k < 2; k++) {
            bench_run r;
            if (!bench_run_raw(elf, n, false, &r, err, sizeof(err)))
                return fail_loop(l, err);
            if (r.seconds < t)
                t = r.seconds;
        }
        double scale = target / (t > 1e-6 ? t : 1e-6);
        if (t >= target / 3 || round == 5 || (double)n * scale > (double)BENCH_MAX_ITERS) {
            double want = (double)n * scale;
            *iters = want < 1 ? 1 : want > (double)BENCH_MAX_ITERS ? BENCH_MAX_ITERS : (uint64_t)want;
            fprintf(stderr, "  %-5s %llu iterations (from %llu in %.3f s)\n", l->name, (unsigned long long)*iters,
                    (unsigned long long)n, t);
            return true;
        }
        n = (uint64_t)((double)n * (scale / 2 < 16 ? scale / 2 : 16));
    }
}

static bool measure(const loop_desc *l, const char *elf, uint64_t iters, int reps, side only, loop_result *res)
{
    char err[512], msg[640];
    uint64_t want = expected_insns(l, iters);
    uint64_t checksum = 0;
    bool have_checksum = false;
    res->insns = want;
    for (int r = 0; r < reps; r++) {
        bench_run raw = { 0 }, vtl = { 0 };
        bool raw_first = r % 2 == 0;
        for (int k = 0; k < 2; k++) {
            bool do_raw = (k == 0) == raw_first;
            if ((do_raw && only == SIDE_VTLEMU) || (!do_raw && only == SIDE_RAW))
                continue;
            bool ok = do_raw ? bench_run_raw(elf, iters, false, &raw, err, sizeof(err))
                             : bench_run_vtlemu(elf, iters, &vtl, err, sizeof(err));
            if (!ok)
                return fail_loop(l, err);
            uint64_t sum = do_raw ? raw.checksum : vtl.checksum;
            if (!have_checksum) {
                checksum = sum;
                have_checksum = true;
            }
            if (sum != checksum || (!do_raw && vtl.icount != want)) {
                snprintf(msg, sizeof(msg), "repetition %d, %s: checksum %016llx (first run: %016llx), "
                         "%llu insns counted (expected %llu)", r + 1, do_raw ? "raw" : "vtlemu",
                         (unsigned long long)sum, (unsigned long long)checksum,
                         (unsigned long long)(do_raw ? want : vtl.icount), (unsigned long long)want);
                return fail_loop(l, msg);
            }
        }
        fprintf(stderr, "  %-5s %2d/%d:", l->name, r + 1, reps);
        if (only != SIDE_VTLEMU) {
            res->raw_cpu.v[res->raw_cpu.n++] = (double)want / raw.cpu_seconds / 1e6;
            res->raw.v[res->raw.n++] = (double)want / raw.seconds / 1e6;
            fprintf(stderr, " raw %7.1f MIPS (%.3f s, cpu %.3f s)", res->raw.v[res->raw.n - 1], raw.seconds,
                    raw.cpu_seconds);
        }
        if (only != SIDE_RAW) {
            res->vtl_cpu.v[res->vtl_cpu.n++] = (double)want / vtl.cpu_seconds / 1e6;
            res->vtl.v[res->vtl.n++] = (double)want / vtl.seconds / 1e6;
            fprintf(stderr, " vtlemu %7.1f MIPS (%.3f s, cpu %.3f s)", res->vtl.v[res->vtl.n - 1], vtl.seconds,
                    vtl.cpu_seconds);
        }
        if (only == SIDE_BOTH) {
            res->pair.v[res->pair.n++] = raw.seconds / vtl.seconds;
            fprintf(stderr, " ratio %.3f", res->pair.v[res->pair.n - 1]);
        }
        fprintf(stderr, "\n");
    }
    summarize(&res->raw);
    summarize(&res->vtl);
    summarize(&res->pair);
    summarize(&res->raw_cpu);
    summarize(&res->vtl_cpu);
    res->ratio = only == SIDE_BOTH ? res->vtl.max / res->raw.max : 0;
    res->cpu_ratio = only == SIDE_BOTH ? res->vtl_cpu.max / res->raw_cpu.max : 0;
    res->measured = true;
    return true;
}

/* --- output -------------------------------------------------------------------------- */

static void fmt_mips(char *buf, size_t len, const stats *s)
{
    if (s->n)
        snprintf(buf, len, "%7.1f [%.0f-%.0f]", s->max, s->min, s->max);
    else
        snprintf(buf, len, "%7s", "-");
}

/* Returns the exit status the verdicts call for (0 or 1). */
static int print_table(const loop_result *results, side only)
{
    int status = 0;
    printf("%-6s %13s  %-22s %-22s %5s %6s %5s  %s\n", "loop", "instructions", "raw MIPS [min-max]",
           "vtlemu MIPS [min-max]", "ratio", "pairs", "cpu", "vs 0.7");
    for (size_t i = 0; i < NLOOPS; i++) {
        const loop_result *r = &results[i];
        if (!r->measured)
            continue;
        char raw[48], vtl[48], ratio[16] = "    -", pairs[16] = "     -", cpu[16] = "    -";
        const char *verdict = "-";
        fmt_mips(raw, sizeof(raw), &r->raw);
        fmt_mips(vtl, sizeof(vtl), &r->vtl);
        if (only == SIDE_BOTH) {
            bool pass = r->ratio >= TARGET_RATIO;
            snprintf(ratio, sizeof(ratio), "%5.2f", r->ratio);
            snprintf(pairs, sizeof(pairs), "%6.2f", r->pair.median);
            snprintf(cpu, sizeof(cpu), "%5.2f", r->cpu_ratio);
            verdict = loops[i].required ? (pass ? "PASS" : "MISS") : (pass ? "PASS (extra)" : "MISS (extra)");
            if (!pass && loops[i].required)
                status = 1;
        }
        printf("%-6s %13llu  %-22s %-22s %5s %6s %5s  %s\n", loops[i].name, (unsigned long long)r->insns, raw,
               vtl, ratio, pairs, cpu, verdict);
    }
    printf("\n");
    for (size_t i = 0; i < NLOOPS; i++)
        if (results[i].measured)
            printf("  %-6s %s\n", loops[i].name, loops[i].what);
    printf("\nload average %.2f at the end\n", load1());
    return status;
}

/* --- driver -------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f, "usage: bench_mips [-r REPS] [-t SECONDS] [-g GUEST_DIR] [-l LOOP]... [-s raw|vtlemu]\n"
               "  -r REPS     repetitions per loop, each one raw and one vtlemu run (default 7, max %d)\n"
               "  -t SECONDS  wall time of one raw run; sets the iteration count (default 0.5)\n"
               "  -g DIR      directory of the guest images <loop>.elf (default: guests/ next to\n"
               "              this program)\n"
               "  -l LOOP     run only this loop (repeatable):", MAX_REPS);
    for (size_t i = 0; i < NLOOPS; i++)
        fprintf(f, " %s", loops[i].name);
    fprintf(f, "\n"
               "  -s SIDE     time only raw or only vtlemu runs (for profiling; no ratio)\n");
}

static bool parse_num(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    int reps = 7;
    double target = 0.5;
    side only = SIDE_BOTH;
    char guest_dir[MAX_PATH] = "";
    bool selected[NLOOPS] = { false };
    bool any_selected = false;

    int opt;
    while ((opt = getopt(argc, argv, "r:t:g:l:s:h")) != -1) {
        double v;
        size_t i = 0;
        switch (opt) {
        case 'r':
            if (!parse_num(optarg, 1, MAX_REPS, &v) || v != (int)v)
                goto bad_usage;
            reps = (int)v;
            break;
        case 't':
            if (!parse_num(optarg, 0.001, 60, &target))
                goto bad_usage;
            break;
        case 'g':
            snprintf(guest_dir, sizeof(guest_dir), "%s", optarg);
            break;
        case 'l':
            while (i < NLOOPS && strcmp(loops[i].name, optarg) != 0)
                i++;
            if (i == NLOOPS)
                goto bad_usage;
            selected[i] = any_selected = true;
            break;
        case 's':
            if (strcmp(optarg, "raw") == 0)
                only = SIDE_RAW;
            else if (strcmp(optarg, "vtlemu") == 0)
                only = SIDE_VTLEMU;
            else
                goto bad_usage;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            goto bad_usage;
        }
    }
    if (optind != argc)
        goto bad_usage;
    if (!guest_dir[0]) {
        const char *slash = strrchr(argv[0], '/');
        if (slash)
            snprintf(guest_dir, sizeof(guest_dir), "%.*s/guests", (int)(slash - argv[0]), argv[0]);
        else
            snprintf(guest_dir, sizeof(guest_dir), "guests");
    }

    print_machine(reps, target);
    fflush(stdout);

    static loop_result results[NLOOPS];
    bool failed = false;
    for (size_t i = 0; i < NLOOPS; i++) {
        if (any_selected && !selected[i])
            continue;
        const loop_desc *l = &loops[i];
        char elf[MAX_PATH + 64];
        snprintf(elf, sizeof(elf), "%s/%s.elf", guest_dir, l->name);
        uint64_t iters;
        fprintf(stderr, "%s: %s\n", l->name, l->what);
        if (!check_counts(l, elf) || !pick_iters(l, elf, target, &iters) ||
            !measure(l, elf, iters, reps, only, &results[i]))
            failed = true;
    }
    int status = print_table(results, only);
    if (!any_selected && only == SIDE_BOTH) {
        int rt = bench_vtl_roundtrips(guest_dir, reps < 3 ? reps : 3);
        if (rt > status)
            status = rt;
    }
    return failed ? 2 : status;

bad_usage:
    usage(stderr);
    return 2;
}
