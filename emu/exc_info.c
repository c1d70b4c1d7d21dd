/* What Unicorn's interrupt hook does not tell: the error code of a #GP/#NP/#SS/#TS it
 * raised, and whether a non-canonical access went through the stack segment (#SS rather
 * than #GP). Both are recovered by decoding the faulting instruction. */
#include <string.h>

#include "emu/machine_priv.h"

static bool is_data_segment(x86_reg r)
{
    return r == X86_REG_DS || r == X86_REG_ES || r == X86_REG_FS || r == X86_REG_GS || r == X86_REG_SS;
}

/* The value of a register or memory operand, as 16 bits (selectors). */
static bool operand_u16(vtl_machine *m, const cs_insn *insn, const cs_x86_op *op, uint16_t *out)
{
    if (op->type == X86_OP_REG) {
        /* Selector sources are general registers; read the 64-bit one via its low word. */
        const char *name = cs_reg_name(m->cs_detail, op->reg);
        static const struct { const char *n; int id; } regs[] = {
            { "ax", UC_X86_REG_AX }, { "bx", UC_X86_REG_BX }, { "cx", UC_X86_REG_CX }, { "dx", UC_X86_REG_DX },
            { "si", UC_X86_REG_SI }, { "di", UC_X86_REG_DI }, { "bp", UC_X86_REG_BP }, { "sp", UC_X86_REG_SP },
            { "eax", UC_X86_REG_AX }, { "ebx", UC_X86_REG_BX }, { "ecx", UC_X86_REG_CX }, { "edx", UC_X86_REG_DX },
            { "esi", UC_X86_REG_SI }, { "edi", UC_X86_REG_DI }, { "rax", UC_X86_REG_AX }, { "rbx", UC_X86_REG_BX },
            { "rcx", UC_X86_REG_CX }, { "rdx", UC_X86_REG_DX }, { "rsi", UC_X86_REG_SI }, { "rdi", UC_X86_REG_DI },
            { "r8w", UC_X86_REG_R8W }, { "r9w", UC_X86_REG_R9W }, { "r10w", UC_X86_REG_R10W },
            { "r11w", UC_X86_REG_R11W }, { "r12w", UC_X86_REG_R12W }, { "r13w", UC_X86_REG_R13W },
            { "r14w", UC_X86_REG_R14W }, { "r15w", UC_X86_REG_R15W }, { "r8d", UC_X86_REG_R8W },
            { "r9d", UC_X86_REG_R9W }, { "r10d", UC_X86_REG_R10W }, { "r11d", UC_X86_REG_R11W },
            { "r12d", UC_X86_REG_R12W }, { "r13d", UC_X86_REG_R13W }, { "r14d", UC_X86_REG_R14W },
            { "r15d", UC_X86_REG_R15W }, { "r8", UC_X86_REG_R8W }, { "r9", UC_X86_REG_R9W },
            { "r10", UC_X86_REG_R10W }, { "r11", UC_X86_REG_R11W }, { "r12", UC_X86_REG_R12W },
            { "r13", UC_X86_REG_R13W }, { "r14", UC_X86_REG_R14W }, { "r15", UC_X86_REG_R15W },
        };
        for (size_t i = 0; name && i < sizeof(regs) / sizeof(regs[0]); i++) {
            if (!strcmp(name, regs[i].n)) {
                uint16_t v = 0;
                uc_reg_read(m->cur->uc, regs[i].id, &v);
                *out = v;
                return true;
            }
        }
        return false;
    }
    if (op->type == X86_OP_MEM) {
        uint64_t ea;
        if (!emu_operand_address(m, insn, op, &ea))
            return false;
        gmem_fault f;
        return emu_gva_rw(m, ea, out, 2, false, emu_cpl(m), false, &f) == GMEM_OK;
    }
    return false;
}

uint32_t emu_infer_error_code(vtl_machine *m, uint64_t rip, unsigned vector)
{
    if (vector != 10 && vector != 11 && vector != 12 && vector != 13)
        return 0;
    cs_insn *insn = emu_decode_at(m, rip);
    if (!insn)
        return 0;
    const cs_x86 *x = &insn->detail->x86;
    uint16_t sel = 0;
    bool have = false;
    switch (insn->id) {
    case X86_INS_MOV:
        if (x->op_count == 2 && x->operands[0].type == X86_OP_REG && is_data_segment(x->operands[0].reg))
            have = operand_u16(m, insn, &x->operands[1], &sel);
        break;
    case X86_INS_POP:
        if (x->op_count == 1 && x->operands[0].type == X86_OP_REG && is_data_segment(x->operands[0].reg)) {
            gmem_fault f;
            have = emu_gva_rw(m, cpu_reg(m->cur->uc, UC_X86_REG_RSP), &sel, 2, false, emu_cpl(m), false, &f) == GMEM_OK;
        }
        break;
    case X86_INS_LTR:
    case X86_INS_LLDT:
    case X86_INS_VERR:
    case X86_INS_VERW:
        if (x->op_count == 1)
            have = operand_u16(m, insn, &x->operands[0], &sel);
        break;
    default:
        break;
    }
    cs_free(insn, 1);
    /* A failed selector load reports the selector without its RPL bits (EXT = 0). */
    return have ? (uint32_t)(sel & 0xFFFC) : 0;
}

bool emu_access_uses_stack(vtl_machine *m, uint64_t rip)
{
    cs_insn *insn = emu_decode_at(m, rip);
    if (!insn)
        return false;
    bool stack = false;
    switch (insn->id) {
    case X86_INS_PUSH: case X86_INS_POP: case X86_INS_CALL: case X86_INS_RET: case X86_INS_PUSHFQ:
    case X86_INS_POPFQ: case X86_INS_LEAVE: case X86_INS_ENTER: case X86_INS_IRETQ:
        stack = true;
        break;
    default: {
        const cs_x86 *x = &insn->detail->x86;
        for (int i = 0; i < x->op_count; i++) {
            const cs_x86_op *op = &x->operands[i];
            if (op->type != X86_OP_MEM)
                continue;
            if (op->mem.segment == X86_REG_SS ||
                (op->mem.segment == X86_REG_INVALID &&
                 (op->mem.base == X86_REG_RSP || op->mem.base == X86_REG_RBP ||
                  op->mem.base == X86_REG_ESP || op->mem.base == X86_REG_EBP)))
                stack = true;
        }
    }
    }
    cs_free(insn, 1);
    return stack;
}
