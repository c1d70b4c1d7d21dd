/* System call entry (syscall_entry.asm) and dispatch. Numbers and conventions: abi.h. */
#ifndef VTL0_SYSCALL_H
#define VTL0_SYSCALL_H

#include <stdint.h>

/* What syscall_entry.asm saves on the kernel stack, lowest address first. rax carries the
 * number in and the result out; the other argument registers are restored unchanged. */
struct syscall_frame {
    uint64_t rax, rdi, rsi, rdx, r10, r8, r9;
    uint64_t r11;               /* user RFLAGS, as the CPU saved it */
    uint64_t rcx;               /* user RIP after the syscall instruction */
    uint64_t rsp;               /* user RSP */
};
_Static_assert(sizeof(struct syscall_frame) == 10 * 8, "must match syscall_entry.asm");

/* Programs the syscall MSRs; system calls run on the stack ending at kernel_stack_top. */
void syscall_init(uint64_t kernel_stack_top);

void syscall_dispatch(struct syscall_frame *f);

/* Drops to user mode at rip with the given stack, all other registers zero, RFLAGS =
 * 0x2 (interrupts stay off). Implemented in syscall_entry.asm. */
__attribute__((noreturn)) void enter_user(uint64_t rip, uint64_t rsp);

#endif
