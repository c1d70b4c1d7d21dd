#include "guest/vtl0/user/ulib.h"

#include <stdarg.h>

#include "guest/lib/fmt.h"

/* The kernel preserves all registers but RAX (result), RCX and R11 (used by the CPU for
 * RIP and RFLAGS); "memory" because the kernel reads buf. */
static int64_t syscall3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    int64_t ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return ret;
}

int64_t sys_write(int fd, const void *buf, size_t len)
{
    return syscall3(SYS_write, (uint64_t)fd, (uint64_t)buf, len);
}

int64_t sys_getpid(void)
{
    return syscall3(SYS_getpid, 0, 0, 0);
}

int64_t sys_sched_yield(void)
{
    return syscall3(SYS_sched_yield, 0, 0, 0);
}

int64_t sys_cred_challenge(void)
{
    return syscall3(SYS_cred_challenge, 0, 0, 0);
}

int64_t sys_cred_verify(uint64_t challenge, const uint8_t response[16])
{
    return syscall3(SYS_cred_verify, challenge, (uint64_t)response, 0);
}

void sys_exit(int code)
{
    syscall3(SYS_exit, (uint64_t)code, 0, 0);
    __builtin_unreachable();
}

/* printf output is collected per line so the kernel sees a few writes, not one per
 * character. */
struct line {
    char buf[128];
    size_t len;
};

static void flush(struct line *l)
{
    if (l->len)
        sys_write(1, l->buf, l->len);
    l->len = 0;
}

static void line_put(void *ctx, char c)
{
    struct line *l = ctx;
    l->buf[l->len++] = c;
    if (c == '\n' || l->len == sizeof l->buf)
        flush(l);
}

int printf(const char *fmt, ...)
{
    struct line l = { .len = 0 };
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(line_put, &l, fmt, ap);
    va_end(ap);
    flush(&l);
    return (int)n;
}

/* The kernel enters here with RSP 16-aligned and every other register zero. Not a C
 * function (nothing called it, there is no return address), so it is written as a
 * top-level asm: align the call into C as the ABI wants, and never return. */
__asm__(".pushsection .text._start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n\t"
        "call main\n\t"
        "movl %eax, %edi\n\t"
        "call sys_exit\n"
        ".popsection");
