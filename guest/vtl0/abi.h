/* The user/kernel ABI of the vtl0 demo kernel, shared by the kernel and user programs.
 *
 * System calls use the x86-64 Linux convention: `syscall` with the number in RAX,
 * arguments in RDI, RSI, RDX; the result comes back in RAX (a negative errno on
 * failure). RCX and R11 are clobbered (the CPU uses them for the return RIP and RFLAGS);
 * every other register is preserved. The numbers are Linux's too, so a disassembly
 * reads familiar. */
#ifndef VTL0_ABI_H
#define VTL0_ABI_H

#include <stdint.h>

#define SYS_write   1   /* write(fd 1 or 2, buf, len) -> len; prints on COM1 */
#define SYS_sched_yield 24  /* sched_yield() -> 0: the kernel runs its pending work */
#define SYS_getpid  39  /* getpid() -> 1: there is exactly one process */
#define SYS_exit    60  /* exit(code): the run ends with status code & 0x3F */

/* vtlemu's own calls, for the credential client (need a secure kernel: -ENOSYS
 * without one). A challenge is fresh for every call; the response is
 * MD4(NT hash || challenge) (guest/lib/cred.h), which VTL1 checks. */
#define SYS_cred_challenge 500  /* cred_challenge() -> a 63-bit challenge */
#define SYS_cred_verify    501  /* cred_verify(challenge, const u8 response[16]) -> 0 if
                                   right, -EACCES if wrong, -EIO if VTL1 failed */

#define EIO     5       /* the secure call failed */
#define EBADF   9       /* write to an fd other than 1 or 2 */
#define EACCES  13      /* credential check failed */
#define EFAULT  14      /* buffer not entirely readable user memory */
#define ENOSYS  38      /* unknown system call number, or no secure kernel */

/* User address space. The program image is linked at USER_IMAGE_BASE (user.ld) and
 * must end below the stack's guard page: the page under the stack stays unmapped, so
 * a stack overflow faults instead of running into the image. The stack is mapped up
 * front. The heap is demand-zero: nothing is mapped
 * until the first touch, then the #PF handler maps a zeroed page. */
#define USER_IMAGE_BASE  UINT64_C(0x400000)
#define USER_STACK_TOP   UINT64_C(0x800000)
#define USER_STACK_SIZE  UINT64_C(0x4000)            /* 16 KiB */
#define USER_HEAP_BASE   UINT64_C(0x10000000)
#define USER_HEAP_SIZE   UINT64_C(0x10000)           /* 64 KiB */
#define USER_SPACE_END   UINT64_C(0x0000800000000000) /* first non-canonical address */

#endif
