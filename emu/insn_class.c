/* What a translated block may touch beyond the general registers, decided once when the
 * block is first seen: x87/MMX/SSE/AVX state and debug registers are shared between
 * VTLs (DESIGN.md §6) but costly to copy, so a switch copies them only from an engine
 * that has run code using them. */
#include "emu/machine_priv.h"

static bool fpu_group(uint8_t g)
{
    switch (g) {
    case X86_GRP_FPU: case X86_GRP_MMX: case X86_GRP_3DNOW:
    case X86_GRP_SSE1: case X86_GRP_SSE2: case X86_GRP_SSE3: case X86_GRP_SSSE3:
    case X86_GRP_SSE41: case X86_GRP_SSE42: case X86_GRP_SSE4A:
    case X86_GRP_AVX: case X86_GRP_AVX2: case X86_GRP_AVX512:
    case X86_GRP_F16C: case X86_GRP_FMA: case X86_GRP_FMA4:
        return true;
    default:
        return false;
    }
}

static bool fpu_reg(uint16_t r)
{
    return (r >= X86_REG_FP0 && r <= X86_REG_FP7) || (r >= X86_REG_MM0 && r <= X86_REG_MM7) ||
           (r >= X86_REG_ST0 && r <= X86_REG_ST7) || (r >= X86_REG_XMM0 && r <= X86_REG_ZMM31) ||
           r == X86_REG_FPSW;
}

static bool fpu_insn(unsigned id)
{
    switch (id) {
    case X86_INS_FXSAVE: case X86_INS_FXSAVE64: case X86_INS_FXRSTOR: case X86_INS_FXRSTOR64:
    case X86_INS_XSAVE: case X86_INS_XSAVE64: case X86_INS_XRSTOR: case X86_INS_XRSTOR64:
    case X86_INS_XSAVEOPT: case X86_INS_XSAVEOPT64: case X86_INS_XSAVEC: case X86_INS_XSAVES:
    case X86_INS_XRSTORS: case X86_INS_LDMXCSR: case X86_INS_STMXCSR:
    case X86_INS_VLDMXCSR: case X86_INS_VSTMXCSR:
        return true;
    default:
        return false;
    }
}

unsigned emu_insn_class(const cs_insn *insn)
{
    unsigned cls = 0;
    const cs_detail *d = insn->detail;
    if (insn->id == X86_INS_VMCALL)
        cls |= INSN_VMCALL;
    if (insn->id == X86_INS_WRMSR || insn->id == X86_INS_VMRUN || insn->id == X86_INS_RSM ||
        insn->id == X86_INS_LMSW || insn->id == X86_INS_LGDT || insn->id == X86_INS_LIDT ||
        insn->id == X86_INS_LLDT || insn->id == X86_INS_LTR)
        cls |= INSN_CTRL;
    if (fpu_insn(insn->id))
        cls |= INSN_FPU;
    if (!d)
        return cls | INSN_FPU | INSN_DR | INSN_CTRL;   /* unknown: assume the worst */
    for (int i = 0; i < d->groups_count; i++)
        if (fpu_group(d->groups[i]))
            cls |= INSN_FPU;
    for (int i = 0; i < d->regs_read_count; i++)
        if (fpu_reg(d->regs_read[i]))
            cls |= INSN_FPU;
    for (int i = 0; i < d->regs_write_count; i++)
        if (fpu_reg(d->regs_write[i]))
            cls |= INSN_FPU;
    const cs_x86 *x = &d->x86;
    for (int i = 0; i < x->op_count; i++) {
        if (x->operands[i].type != X86_OP_REG)
            continue;
        x86_reg r = x->operands[i].reg;
        if (fpu_reg((uint16_t)r))
            cls |= INSN_FPU;
        if (r >= X86_REG_DR0 && r <= X86_REG_DR15)
            cls |= INSN_DR;
        if (i == 0 && insn->id == X86_INS_MOV && r >= X86_REG_CR0 && r <= X86_REG_CR15)
            cls |= INSN_CTRL;   /* mov to a control register */
    }
    return cls;
}
