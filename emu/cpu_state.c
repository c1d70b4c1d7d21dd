#include "emu/cpu_state.h"

#include <string.h>

static const int gpr_ids[GPR_COUNT] = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

static const uint32_t msr_ids[CS_MSR_COUNT] = {
    [CS_MSR_EFER] = MSR_EFER, [CS_MSR_STAR] = MSR_STAR, [CS_MSR_LSTAR] = MSR_LSTAR,
    [CS_MSR_CSTAR] = MSR_CSTAR, [CS_MSR_SFMASK] = MSR_SFMASK, [CS_MSR_KGS] = MSR_KERNEL_GS,
    [CS_MSR_SYSENTER_CS] = MSR_SYSENTER_CS, [CS_MSR_SYSENTER_ESP] = MSR_SYSENTER_ESP,
    [CS_MSR_SYSENTER_EIP] = MSR_SYSENTER_EIP, [CS_MSR_PAT] = MSR_PAT, [CS_MSR_TSC_AUX] = MSR_TSC_AUX,
};

/* Register ids and value pointers in one list, so read and write use the same order.
 * Order matters on write: EFER, CR4 and CR0 before CR3; segment selectors before the
 * FS/GS bases (a selector load reloads the base from the GDT). */
#define MAX_REGS 96
typedef struct reg_list {
    int ids[MAX_REGS];
    void *vals[MAX_REGS];
    int n;
} reg_list;

static void add(reg_list *l, int id, void *val)
{
    l->ids[l->n] = id;
    l->vals[l->n] = val;
    l->n++;
}

static void build_list(cpu_state *s, reg_list *l, int with_segments)
{
    l->n = 0;
    for (int i = 0; i < CS_MSR_COUNT; i++)
        add(l, UC_X86_REG_MSR, &s->msr[i]);
    /* Unicorn 2.1.1 handles a CR2 write like a CR3 write (it reloads CR3 with the
     * value's low 32 bits) before storing CR2: write CR2 first, CR3 after it. */
    add(l, UC_X86_REG_CR2, &s->cr2);
    add(l, UC_X86_REG_CR4, &s->cr4);
    add(l, UC_X86_REG_CR0, &s->cr0);
    add(l, UC_X86_REG_CR3, &s->cr3);
    add(l, UC_X86_REG_DR0, &s->dr0);
    add(l, UC_X86_REG_DR1, &s->dr1);
    add(l, UC_X86_REG_DR2, &s->dr2);
    add(l, UC_X86_REG_DR3, &s->dr3);
    add(l, UC_X86_REG_DR6, &s->dr6);
    add(l, UC_X86_REG_DR7, &s->dr7);
    add(l, UC_X86_REG_GDTR, &s->gdtr);
    add(l, UC_X86_REG_IDTR, &s->idtr);
    add(l, UC_X86_REG_LDTR, &s->ldtr);
    add(l, UC_X86_REG_TR, &s->tr);
    if (with_segments) {
        add(l, UC_X86_REG_CS, &s->cs);
        add(l, UC_X86_REG_SS, &s->ss);
        add(l, UC_X86_REG_DS, &s->ds);
        add(l, UC_X86_REG_ES, &s->es);
        add(l, UC_X86_REG_FS, &s->fs);
        add(l, UC_X86_REG_GS, &s->gs);
    }
    add(l, UC_X86_REG_FS_BASE, &s->fs_base);
    add(l, UC_X86_REG_GS_BASE, &s->gs_base);
    for (int i = 0; i < GPR_COUNT; i++)
        add(l, gpr_ids[i], &s->gpr[i]);
    add(l, UC_X86_REG_RIP, &s->rip);
    add(l, UC_X86_REG_RFLAGS, &s->rflags);
    for (int i = 0; i < 8; i++)
        add(l, UC_X86_REG_FP0 + i, s->fp[i]);
    add(l, UC_X86_REG_FPCW, &s->fpcw);
    add(l, UC_X86_REG_FPSW, &s->fpsw);
    add(l, UC_X86_REG_FPTAG, &s->fptag);
    add(l, UC_X86_REG_MXCSR, &s->mxcsr);
    for (int i = 0; i < 16; i++)
        add(l, UC_X86_REG_XMM0 + i, s->xmm[i]);
}

uc_err cpu_state_read(uc_engine *uc, cpu_state *s)
{
    reg_list l;
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < CS_MSR_COUNT; i++)
        s->msr[i].rid = msr_ids[i];
    build_list(s, &l, 1);
    return uc_reg_read_batch(uc, l.ids, l.vals, l.n);  /* stops at the first failing id */
}

uc_err cpu_state_write(uc_engine *uc, const cpu_state *s)
{
    reg_list l;
    cpu_state copy = *s; /* the batch API takes non-const pointers */
    build_list(&copy, &l, 1);
    return uc_reg_write_batch(uc, l.ids, (void *const *)l.vals, l.n);
}

uint64_t cpu_reg(uc_engine *uc, int regid)
{
    uint64_t v = 0;
    uc_reg_read(uc, regid, &v);
    return v;
}

void cpu_set_reg(uc_engine *uc, int regid, uint64_t v)
{
    uc_reg_write(uc, regid, &v);
}

uint64_t cpu_msr(uc_engine *uc, uint32_t msr)
{
    uc_x86_msr m = { .rid = msr, .value = 0 };
    uc_reg_read(uc, UC_X86_REG_MSR, &m);
    return m.value;
}

void cpu_set_msr(uc_engine *uc, uint32_t msr, uint64_t v)
{
    uc_x86_msr m = { .rid = msr, .value = v };
    uc_reg_write(uc, UC_X86_REG_MSR, &m);
}

void cpu_set_cr2(uc_engine *uc, uint64_t v)
{
    /* See build_list: a CR2 write reloads CR3 in Unicorn 2.1.1; put CR3 back. */
    uint64_t cr3 = cpu_reg(uc, UC_X86_REG_CR3);
    cpu_set_reg(uc, UC_X86_REG_CR2, v);
    cpu_set_reg(uc, UC_X86_REG_CR3, cr3);
}
