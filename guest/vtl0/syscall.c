/* syscall setup and the system calls themselves. */
#include "guest/vtl0/syscall.h"

#include <stddef.h>

#include "guest/lib/cpu.h"
#include "guest/lib/uart.h"
#include "guest/lib/securecall.h"
#include "guest/vtl0/abi.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/gdt.h"
#include "guest/vtl0/process.h"
#include "guest/vtl0/securecall.h"

/* Per-CPU data syscall_entry.asm reaches through GS (one CPU: one instance). */
struct percpu {
    uint64_t kernel_rsp;        /* stack to switch to on syscall */
    uint64_t user_rsp;          /* scratch: the user RSP while switching */
};
_Static_assert(offsetof(struct percpu, kernel_rsp) == 0, "syscall_entry.asm");
_Static_assert(offsetof(struct percpu, user_rsp) == 8, "syscall_entry.asm");

static struct percpu percpu;

extern char syscall_entry[];

void syscall_init(uint64_t kernel_stack_top)
{
    percpu.kernel_rsp = kernel_stack_top;

    /* The loader already set SCE; a kernel should not depend on that. */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* STAR[31:0] is the legacy 32-bit syscall target, unused in long mode. */
    wrmsr(MSR_STAR, (uint64_t)STAR_SYSRET_BASE << 48 | (uint64_t)STAR_SYSCALL_BASE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* RFLAGS bits cleared on entry: IF so nothing interrupts the stack switch, TF so a
     * user single-step does not trap in kernel code, DF for the C ABI, AC so user
     * settings cannot change kernel alignment checking. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)&percpu);
}

static int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t len)
{
    if (fd != 1 && fd != 2)
        return -EBADF;
    /* Without this check a user could make the kernel print kernel memory, or fault
     * on an unmapped address (a kernel #PF is a panic). */
    if (!process_user_readable(buf, len))
        return -EFAULT;
    uart_write((const char *)buf, len);
    return (int64_t)len;
}

/* The response goes to VTL1 in two registers; the challenge as it is. The kernel never
 * sees the credential, only the response, which is useless for any other challenge. */
static int64_t sys_cred_verify(uint64_t challenge, uint64_t response)
{
    if (!securecall_available())
        return -ENOSYS;
    if (!process_user_readable(response, 16))
        return -EFAULT;
    const volatile uint64_t *r = (const volatile uint64_t *)response;
    uint64_t ok = 0;
    if (secure_call(SC_VERIFY_CREDENTIAL, challenge, r[0], r[1], &ok) != SC_OK)
        return -EIO;
    return ok ? 0 : -EACCES;
}

void syscall_dispatch(struct syscall_frame *f)
{
    switch (f->rax) {
    case SYS_write:
        f->rax = (uint64_t)sys_write(f->rdi, f->rsi, f->rdx);
        break;
    case SYS_sched_yield:
        demo_kernel_work();
        f->rax = 0;
        break;
    case SYS_cred_challenge:
        f->rax = securecall_available() ? demo_next_challenge() : (uint64_t)-ENOSYS;
        break;
    case SYS_cred_verify:
        f->rax = (uint64_t)sys_cred_verify(f->rdi, f->rsi);
        break;
    case SYS_getpid:
        f->rax = 1;
        break;
    case SYS_exit:
        process_exit(f->rdi);
    default:
        f->rax = (uint64_t)-ENOSYS;
        break;
    }
}
