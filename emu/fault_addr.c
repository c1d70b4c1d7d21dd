/* The exact faulting address (CR2) of a data access. Unicorn's TLB-fill hook only gives
 * the page, so decode the faulting instruction and compute the addresses it touches:
 * explicit memory operands, the stack for push/pop/call/ret, RSI/RDI for string
 * instructions. CR2 is the first byte of such an access that lies in the faulting page. */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

/* Value of a Capstone address register as Unicorn holds it. */
static bool reg_value(vtl_machine *m, x86_reg r, uint64_t next_rip, uint64_t *v)
{
    static const struct { x86_reg cs; int uc; } map[] = {
        { X86_REG_RAX, UC_X86_REG_RAX }, { X86_REG_RCX, UC_X86_REG_RCX }, { X86_REG_RDX, UC_X86_REG_RDX },
        { X86_REG_RBX, UC_X86_REG_RBX }, { X86_REG_RSP, UC_X86_REG_RSP }, { X86_REG_RBP, UC_X86_REG_RBP },
        { X86_REG_RSI, UC_X86_REG_RSI }, { X86_REG_RDI, UC_X86_REG_RDI }, { X86_REG_R8, UC_X86_REG_R8 },
        { X86_REG_R9, UC_X86_REG_R9 },   { X86_REG_R10, UC_X86_REG_R10 }, { X86_REG_R11, UC_X86_REG_R11 },
        { X86_REG_R12, UC_X86_REG_R12 }, { X86_REG_R13, UC_X86_REG_R13 }, { X86_REG_R14, UC_X86_REG_R14 },
        { X86_REG_R15, UC_X86_REG_R15 },
        { X86_REG_EAX, UC_X86_REG_EAX }, { X86_REG_ECX, UC_X86_REG_ECX }, { X86_REG_EDX, UC_X86_REG_EDX },
        { X86_REG_EBX, UC_X86_REG_EBX }, { X86_REG_ESP, UC_X86_REG_ESP }, { X86_REG_EBP, UC_X86_REG_EBP },
        { X86_REG_ESI, UC_X86_REG_ESI }, { X86_REG_EDI, UC_X86_REG_EDI }, { X86_REG_R8D, UC_X86_REG_R8D },
        { X86_REG_R9D, UC_X86_REG_R9D }, { X86_REG_R10D, UC_X86_REG_R10D }, { X86_REG_R11D, UC_X86_REG_R11D },
        { X86_REG_R12D, UC_X86_REG_R12D }, { X86_REG_R13D, UC_X86_REG_R13D }, { X86_REG_R14D, UC_X86_REG_R14D },
        { X86_REG_R15D, UC_X86_REG_R15D },
    };
    if (r == X86_REG_INVALID) {
        *v = 0;
        return true;
    }
    if (r == X86_REG_RIP) {
        *v = next_rip;
        return true;
    }
    if (r == X86_REG_EIP) {
        *v = (uint32_t)next_rip;
        return true;
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (map[i].cs == r) {
            *v = 0;
            uc_reg_read(m->cur->uc, map[i].uc, v);
            return true;
        }
    }
    return false;
}

typedef struct access_list {
    uint64_t start[8], size[8];
    bool write[8];
    int n;
} access_list;

static void add_access_rw(access_list *l, uint64_t start, uint64_t size, bool write)
{
    if (l->n < 8 && size) {
        l->start[l->n] = start;
        l->size[l->n] = size;
        l->write[l->n] = write;
        l->n++;
    }
}

static void add_access(access_list *l, uint64_t start, uint64_t size)
{
    add_access_rw(l, start, size, false);
}

/* bt/bts/btr/btc with a register bit offset reach base + size * (offset / bits). */
static uint64_t bit_string_offset(vtl_machine *m, const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    if (x->op_count != 2 || x->operands[0].type != X86_OP_MEM || x->operands[1].type != X86_OP_REG)
        return 0;
    switch (insn->id) {
    case X86_INS_BT: case X86_INS_BTS: case X86_INS_BTR: case X86_INS_BTC:
        break;
    default:
        return 0;
    }
    unsigned size = x->operands[0].size ? x->operands[0].size : 8;
    uint64_t raw;
    if (!reg_value(m, x->operands[1].reg, 0, &raw))
        return 0;
    int64_t off;
    if (x->operands[1].size == 2)
        off = (int16_t)raw;
    else if (x->operands[1].size == 4)
        off = (int32_t)raw;
    else
        off = (int64_t)raw;
    int64_t bits = (int64_t)size * 8;
    int64_t units = off >= 0 ? off / bits : -((-off + bits - 1) / bits);
    return (uint64_t)(units * (int64_t)size);
}

static unsigned operand_size(const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    for (int i = 0; i < x->op_count; i++)
        if (x->operands[i].size)
            return x->operands[i].size;
    return 8;
}

static void implicit_accesses(vtl_machine *m, const cs_insn *insn, access_list *l)
{
    uint64_t rsp = cpu_reg(m->cur->uc, UC_X86_REG_RSP);
    uint64_t rsi = cpu_reg(m->cur->uc, UC_X86_REG_RSI), rdi = cpu_reg(m->cur->uc, UC_X86_REG_RDI);
    unsigned sz = operand_size(insn);
    switch (insn->id) {
    case X86_INS_PUSH: case X86_INS_PUSHFQ: case X86_INS_CALL:
        add_access(l, rsp - 8, 8);
        break;
    case X86_INS_POP: case X86_INS_POPFQ: case X86_INS_RET:
        add_access(l, rsp, 8);
        break;
    case X86_INS_IRETQ:
        add_access(l, rsp, 40);
        break;
    case X86_INS_LEAVE:
        add_access(l, cpu_reg(m->cur->uc, UC_X86_REG_RBP), 8);
        break;
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: case X86_INS_MOVSQ:
    case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD: case X86_INS_CMPSQ:
        add_access(l, rsi, sz);
        add_access(l, rdi, sz);
        break;
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD: case X86_INS_STOSQ:
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD: case X86_INS_SCASQ:
        add_access(l, rdi, sz);
        break;
    case X86_INS_LODSB: case X86_INS_LODSW: case X86_INS_LODSD: case X86_INS_LODSQ:
        add_access(l, rsi, sz);
        break;
    default:
        break;
    }
}

bool emu_operand_address(vtl_machine *m, const cs_insn *insn, const cs_x86_op *op, uint64_t *ea)
{
    uint64_t base, index, next = insn->address + insn->size;
    if (!reg_value(m, op->mem.base, next, &base) || !reg_value(m, op->mem.index, next, &index))
        return false;
    *ea = base + index * (uint64_t)op->mem.scale + (uint64_t)op->mem.disp;
    if (op->mem.segment == X86_REG_FS)
        *ea += cpu_reg(m->cur->uc, UC_X86_REG_FS_BASE);
    else if (op->mem.segment == X86_REG_GS)
        *ea += cpu_reg(m->cur->uc, UC_X86_REG_GS_BASE);
    return true;
}

uint64_t emu_fault_address(vtl_machine *m, uint64_t rip, uint64_t page, bool *rmw)
{
    if (rmw)
        *rmw = false;
    cs_insn *insn = emu_decode_at(m, rip);
    if (!insn)
        return page;

    access_list l = { .n = 0 };
    const cs_x86 *x = &insn->detail->x86;
    bool is_lea = insn->id == X86_INS_LEA || insn->id == X86_INS_NOP;
    for (int i = 0; i < x->op_count && !is_lea; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type != X86_OP_MEM)
            continue;
        uint64_t ea;
        if (!emu_operand_address(m, insn, op, &ea))
            continue;
        ea += bit_string_offset(m, insn);
        /* Unicorn reads before it writes a read-modify-write operand, so the read may
         * fault first; the CPU reports such an access as a write. */
        add_access_rw(&l, ea, op->size ? op->size : 1, (op->access & CS_AC_WRITE) != 0);
    }
    implicit_accesses(m, insn, &l);
    cs_free(insn, 1);

    for (int i = 0; i < l.n; i++) {
        uint64_t s = l.start[i], e = l.start[i] + l.size[i];
        if (s < page + PAGE_SIZE && e > page) {
            if (rmw)
                *rmw = l.write[i];
            return s > page ? s : page;
        }
    }
    return page;
}
