/* Accesses wider than 8 bytes (SSE/AVX moves, fxsave, xsave) are split by Unicorn's
 * translator into 8-byte pieces, so one crossing into a page that faults or that the SLAT
 * denies would complete in part: a load fills the low half of the register, a store
 * writes the bytes before the boundary. The CPU completes nothing. For every instruction
 * with such an access, vtlemu adds a code hook on exactly its address (noted when its
 * block is first seen) that checks every page of the access before it runs, and raises
 * the fault or the violation on the instruction itself. */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

/* Bytes an instruction's memory operand covers beyond what Capstone states. */
static uint64_t operand_bytes(const cs_insn *insn, const cs_x86_op *op)
{
    switch (insn->id) {
    case X86_INS_FXSAVE: case X86_INS_FXSAVE64: case X86_INS_FXRSTOR: case X86_INS_FXRSTOR64:
        return 512;
    case X86_INS_XSAVE: case X86_INS_XSAVE64: case X86_INS_XRSTOR: case X86_INS_XRSTOR64:
    case X86_INS_XSAVEOPT: case X86_INS_XSAVEOPT64: case X86_INS_XSAVEC: case X86_INS_XSAVES:
    case X86_INS_XRSTORS:
        return 576;   /* legacy area + header + AVX state: what this CPU model saves */
    default:
        return op->size;
    }
}

bool emu_insn_is_wide(const cs_insn *insn)
{
    const cs_x86 *x = &insn->detail->x86;
    for (int i = 0; i < x->op_count; i++)
        if (x->operands[i].type == X86_OP_MEM && operand_bytes(insn, &x->operands[i]) > 8)
            return true;
    return false;
}

/* Probe one page of the access as the CPU would see it; false with m->stop set when it
 * faults or the SLAT denies it. */
static bool probe(vtl_machine *m, uint64_t gva, uint64_t page_gva, bool write, unsigned cpl, uint64_t rip)
{
    vcpu *v = m->cur;
    mmu_ctrl ctrl;
    emu_mmu_ctrl_of(v, &ctrl);
    mmu_mem mem = emu_pt_mem_ops;
    mem.ctx = v;
    uint64_t rflags = cpu_reg(v->uc, UC_X86_REG_RFLAGS);
    mmu_req req = { .gva = page_gva, .access = write ? MMU_WRITE : MMU_READ, .cpl = cpl,
                    .rflags_ac = (rflags & RFLAGS_AC) != 0, .set_ad = false };
    mmu_result r;
    mmu_walk(&ctrl, &mem, &req, &r);
    switch (r.kind) {
    case MMU_OK:
    case MMU_NO_PAGING:
        break;
    case MMU_PAGE_FAULT:
        m->stop = STOP_EXCEPTION;
        m->exc = (pending_exc){ .vector = 14, .has_error_code = true, .error_code = r.error_code, .has_cr2 = true,
                                .cr2 = gva, .rip = rip };
        return false;
    case MMU_NONCANONICAL:
        m->stop = STOP_EXCEPTION;
        m->exc = (pending_exc){ .vector = 13, .has_error_code = true, .rip = rip };
        return false;
    case MMU_PT_ACCESS:
        m->stop = STOP_VIOLATION;
        m->viol = (pending_violation){ .gva_page = page_gva, .gpa = r.pt_gpa,
                                       .access = r.pt_write ? ACC_WRITE : ACC_READ, .cpl = cpl, .page_walk = true };
        return false;
    }
    uint64_t gpa = r.kind == MMU_NO_PAGING ? page_gva : r.gpa;
    if (gpa == VTD_MMIO_GPA)
        return true;
    slat_entry e;
    if (slat_lookup(v->slat, gpa, &e) != VE_OK || !(e.rights & (write ? SLAT_W : SLAT_R))) {
        m->stop = STOP_VIOLATION;
        m->viol = (pending_violation){ .gva_page = page_gva, .gpa = align_down(gpa, PAGE_SIZE),
                                       .access = write ? ACC_WRITE : ACC_READ, .cpl = cpl };
        return false;
    }
    return true;   /* a copy-on-write page is broken by the fill, before any byte is written */
}

static void wide_hook(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    vtl_machine *m = ud;
    (void)size;
    if (m->stop != STOP_NONE)
        return;
    cs_insn *insn = emu_decode_at(m, address);
    if (!insn)
        return;
    unsigned cpl = emu_cpl(m);
    const cs_x86 *x = &insn->detail->x86;
    bool stop = false;
    for (int i = 0; i < x->op_count && !stop; i++) {
        const cs_x86_op *op = &x->operands[i];
        uint64_t len = op->type == X86_OP_MEM ? operand_bytes(insn, op) : 0, ea;
        if (len <= 8 || !emu_operand_address(m, insn, op, &ea))
            continue;
        if ((ea & PAGE_MASK) == ((ea + len - 1) & PAGE_MASK))
            continue;   /* within one page: it faults whole, through the fill */
        bool write = (op->access & CS_AC_WRITE) != 0, read = (op->access & CS_AC_READ) != 0 || !write;
        for (uint64_t p = align_down(ea, PAGE_SIZE); p <= ((ea + len - 1) & PAGE_MASK) && !stop; p += PAGE_SIZE) {
            uint64_t first = p > ea ? p : ea;
            if ((read && !probe(m, first, p, false, cpl, address)) ||
                (write && !probe(m, first, p, true, cpl, address)))
                stop = true;
        }
    }
    cs_free(insn, 1);
    if (stop)
        uc_emu_stop(uc);   /* the code hook runs before the instruction: nothing of it happens */
}

bool emu_wide_watch(vtl_machine *m, vcpu *v, uint64_t address)
{
    for (size_t i = 0; i < v->nwide; i++)
        if (v->wide[i] == address)
            return false;
    if (v->nwide == WIDE_MAX)
        return false;   /* enough: later sites keep Unicorn's split (documented) */
    uc_hook h;
    if (uc_hook_add(v->uc, &h, UC_HOOK_CODE, (void *)wide_hook, m, address, address) != UC_ERR_OK)
        return false;
    v->wide[v->nwide++] = address;
    return true;
}
