/* Exceptions: the IDT and the register frame the stubs in isr.asm build. */
#ifndef VTL0_TRAP_H
#define VTL0_TRAP_H

#include <stdint.h>

/* Lowest address first: the GPRs isr.asm pushes, then the vector and error code (0 for
 * vectors without one), then what the CPU pushed. In long mode the CPU always pushes
 * SS:RSP, so the frame has the same shape from CPL0 and CPL3. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "must match isr.asm");

#define VEC_DF  8
#define VEC_GP  13
#define VEC_PF  14

/* #PF error code bits. */
#define PFERR_P  (1u << 0)     /* 0: page not present, 1: protection violation */
#define PFERR_W  (1u << 1)     /* write access */
#define PFERR_U  (1u << 2)     /* the access was made at CPL3 */
#define PFERR_I  (1u << 4)     /* instruction fetch */

void idt_init(void);

/* Called by isr.asm with interrupts off; returning resumes at frame->rip. */
void trap_dispatch(struct trap_frame *frame);

#endif
