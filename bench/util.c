/* Helpers shared by the runners and the driver. */
#include <stdio.h>
#include <time.h>

#include "bench/bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_cmdline(uint64_t iters, char *buf, size_t len)
{
    snprintf(buf, len, "%0*llu", BENCH_COUNT_DIGITS, (unsigned long long)iters);
}

/* Under MODE=asan, Unicorn 2.1.1 leaks a small allocation per engine; every run opens
 * engines, so tell LeakSanitizer to ignore leaks allocated inside libunicorn only. */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BENCH_ASAN 1
#endif
#endif
#ifdef BENCH_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libunicorn.so\n";
}
#endif
