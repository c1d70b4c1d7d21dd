/* The architectural CPU state vtlemu carries across the points where it must rebuild
 * Unicorn's state (entering ring 0 from a hook, clearing Unicorn's sticky exception
 * state). Unicorn cannot change the privilege level by register writes in 64-bit mode,
 * so such a change restores a ring-0 template context and writes this state back. */
#ifndef EMU_CPU_STATE_H
#define EMU_CPU_STATE_H

#include <stdint.h>
#include <unicorn/unicorn.h>

/* General registers in encoding order: RAX RCX RDX RBX RSP RBP RSI RDI R8..R15. */
enum { R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI, R_R8, R_R9, R_R10, R_R11,
       R_R12, R_R13, R_R14, R_R15, GPR_COUNT };

/* Architectural MSRs that live in Unicorn's CPU state. */
#define MSR_SYSENTER_CS   0x174u
#define MSR_SYSENTER_ESP  0x175u
#define MSR_SYSENTER_EIP  0x176u
#define MSR_PAT           0x277u
#define MSR_EFER          0xC0000080u
#define MSR_STAR          0xC0000081u
#define MSR_LSTAR         0xC0000082u
#define MSR_CSTAR         0xC0000083u
#define MSR_SFMASK        0xC0000084u
#define MSR_KERNEL_GS     0xC0000102u
#define MSR_TSC_AUX       0xC0000103u

enum { CS_MSR_EFER, CS_MSR_STAR, CS_MSR_LSTAR, CS_MSR_CSTAR, CS_MSR_SFMASK, CS_MSR_KGS,
       CS_MSR_SYSENTER_CS, CS_MSR_SYSENTER_ESP, CS_MSR_SYSENTER_EIP, CS_MSR_PAT,
       CS_MSR_TSC_AUX, CS_MSR_COUNT };

#define EFER_SCE  (1u << 0)
#define EFER_LME  (1u << 8)
#define EFER_LMA  (1u << 10)
#define EFER_NXE  (1u << 11)

#define RFLAGS_TF  (1u << 8)
#define RFLAGS_IF  (1u << 9)
#define RFLAGS_DF  (1u << 10)
#define RFLAGS_NT  (1u << 14)
#define RFLAGS_RF  (1u << 16)
#define RFLAGS_VM  (1u << 17)
#define RFLAGS_AC  (1u << 18)

typedef struct cpu_state {
    uint64_t gpr[GPR_COUNT];
    uint64_t rip, rflags;
    uint64_t cr0, cr2, cr3, cr4;   /* CR8 (TPR): Unicorn 2.1.1 has no register id for it */
    uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
    uc_x86_mmr gdtr, idtr, ldtr, tr;
    uint16_t cs, ss, ds, es, fs, gs;
    uint64_t fs_base, gs_base;
    uc_x86_msr msr[CS_MSR_COUNT];
    uint8_t fp[8][16];   /* 80-bit x87 registers: u64 mantissa, u16 sign+exponent */
    uint16_t fpcw, fpsw, fptag;
    uint32_t mxcsr;
    uint8_t xmm[16][16];
} cpu_state;

uc_err cpu_state_read(uc_engine *uc, cpu_state *s);
/* Writes everything but CS/SS hidden parts: the privilege level is the caller's
 * choice of template (CS/SS selectors are written as given). */
uc_err cpu_state_write(uc_engine *uc, const cpu_state *s);

uint64_t cpu_reg(uc_engine *uc, int regid);
void cpu_set_reg(uc_engine *uc, int regid, uint64_t v);
uint64_t cpu_msr(uc_engine *uc, uint32_t msr);
void cpu_set_msr(uc_engine *uc, uint32_t msr, uint64_t v);
/* CR2 without disturbing CR3 (Unicorn 2.1.1 reloads CR3 on a CR2 write). */
void cpu_set_cr2(uc_engine *uc, uint64_t v);

#endif
