/* Exact retired-instruction counts without a per-instruction hook: each translated
 * block adds its instruction count when it starts (UC_HOOK_BLOCK runs before the block's
 * exit check, so a stop requested here prevents the block from running). Where an
 * event happens inside a block, the count is resolved by decoding from the block's
 * start up to the event's instruction with Capstone. */
#include <string.h>

#include "common/bits.h"
#include "emu/machine_priv.h"

#define MAX_INSN 15

static bool is_io(const cs_insn *i);

/* A rep-prefixed string instruction: Unicorn runs one iteration per block entry. */
static bool is_rep_string(const cs_insn *i)
{
    bool rep = false;
    for (int k = 0; k < i->size && k < 4; k++) {
        uint8_t b = i->bytes[k];
        if (b == 0xF3 || b == 0xF2)
            rep = true;
        else if (!(b == 0x66 || b == 0x67 || (b >= 0x40 && b <= 0x4F) || b == 0x2E || b == 0x3E || b == 0x26 ||
                   b == 0x36 || b == 0x64 || b == 0x65))
            break;
    }
    if (!rep)
        return false;
    switch (i->id) {
    case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: case X86_INS_MOVSQ:
    case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD: case X86_INS_STOSQ:
    case X86_INS_LODSB: case X86_INS_LODSW: case X86_INS_LODSD: case X86_INS_LODSQ:
    case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD: case X86_INS_CMPSQ:
    case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD: case X86_INS_SCASQ:
    case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
    case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
        return true;
    default:
        return false;
    }
}

/* Decode [pc, pc+size) and count instructions; stop early at `until` (if nonzero).
 * *has_io (if given) tells whether one of them is a port I/O instruction. */
static uint32_t count_insns(vtl_machine *m, uint64_t pc, uint32_t size, uint64_t until, bool *has_io,
                            bool *rep_string)
{
    if (has_io)
        *has_io = false;
    if (rep_string)
        *rep_string = false;
    uint8_t buf[4096 + MAX_INSN];
    if (size > 4096)
        size = 4096;
    size_t n = emu_read_code(m, pc, buf, size);
    const uint8_t *code = buf;
    uint64_t addr = pc;
    uint32_t count = 0;
    cs_insn *insn = cs_malloc(m->cs);
    if (!insn)
        return 0;
    while (n > 0 && addr < pc + size && (until == 0 || addr < until)) {
        if (!cs_disasm_iter(m->cs, &code, &n, &addr, insn))
            break;
        if (has_io && is_io(insn))
            *has_io = true;
        if (rep_string && count == 0 && is_rep_string(insn) && addr == pc + size)
            *rep_string = true;   /* the block is this one instruction */
        count++;
    }
    cs_free(insn, 1);
    return count;
}

/* First sight of a block: note what it touches beyond the general registers (for VTL
 * switches) and whether it ends with a vmcall (for the invalid-opcode hook). */
static void classify_block(vtl_machine *m, vcpu *v, icount_slot *s)
{
    uint8_t buf[4096 + MAX_INSN];
    uint32_t size = s->size > 4096 ? 4096 : s->size;
    size_t n = emu_read_code(m, s->pc, buf, size);
    const uint8_t *code = buf;
    uint64_t addr = s->pc;
    s->vmcall_at = 0;
    s->writes_ctrl = true;   /* until the decode says otherwise */
    cs_insn *insn = cs_malloc(m->cs_detail);
    if (!insn)
        return;
    unsigned cls = 0;
    while (n > 0 && addr < s->pc + size) {
        uint64_t at = addr;
        if (!cs_disasm_iter(m->cs_detail, &code, &n, &addr, insn)) {
            cls |= INSN_FPU | INSN_DR | INSN_CTRL;   /* cannot tell: assume the worst */
            break;
        }
        unsigned c = emu_insn_class(insn);
        if (c & INSN_VMCALL)
            s->vmcall_at = at;
        if (emu_insn_is_wide(insn) && emu_wide_watch(m, v, at))
            s->needs_retranslate = true;
        cls |= c;
    }
    cs_free(insn, 1);
    s->writes_ctrl = (cls & INSN_CTRL) != 0;
    if (cls & INSN_FPU)
        v->fpu_used = true;
    if (cls & INSN_DR)
        v->dr_used = true;
}

/* Direct-mapped: the top bits of a multiplicative hash of the whole RIP. */
static inline icount_slot *slot_for(icount_slot *cache, uint64_t pc)
{
    return &cache[(pc * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - ICOUNT_SLOT_BITS)];
}

/* "No block under way": all zero, it matches no block (no block has size 0) and reads
 * as an empty range, so the hook needs no NULL test. */
const icount_slot emu_no_block;

void emu_set_cur(vtl_machine *m, vcpu *v)
{
    m->cur = v;
    m->icache = v->icache;
    m->blk = &emu_no_block;
    m->blk_base = m->icount;
    m->blk_io_seq = 0;
}

/* Everything but the common case: a new block, port I/O, rep strings, budgets. Same
 * arguments as the hook, so the fast path reaches it without moving registers. */
__attribute__((noinline, cold)) static void block_hook_slow(uc_engine *uc, uint64_t pc, uint32_t size, void *ud)
{
    vtl_machine *m = ud;
    vcpu *v = m->cur;
    icount_slot *s = slot_for(m->icache, pc);
    if (s->pc != pc || s->size != size || s->icount == 0) {
        s->pc = pc;
        s->size = size;
        s->fast_size = 0;
        bool io, rep;
        s->icount = count_insns(m, pc, size, 0, &io, &rep);
        s->has_io = io;
        s->rep_string = rep;
        bool slow = io || rep || s->icount == 0;
        s->needs_retranslate = false;
        classify_block(m, v, s);
        if (s->needs_retranslate) {
            /* The block was translated before its new code hook: run it again later. */
            s->needs_retranslate = false;
            s->size = 0;   /* seen afresh (and counted) when it runs */
            m->stop = STOP_RETRANSLATE;
            m->block_stop_pc = pc;
            m->retranslate_pc = pc;
            m->retranslate_size = size;
            uc_emu_stop(uc);
            return;
        }
        if (!slow && !s->writes_ctrl)
            s->fast_size = size;
    }
    if (s->writes_ctrl)
        v->ctrl_live = true;   /* the fills from now on read them afresh (see vcpu) */
    /* Unicorn lets every I/O instruction through; below IOPL the TSS bitmap decides,
     * before the instruction runs: leave such a block to the run loop. A caller waiting
     * for an event also needs I/O instructions alone, to stop right after one. */
    if (s->has_io && pc != v->io_checked_pc) {
        unsigned cpl = emu_cpl(m);
        unsigned iopl = (unsigned)(cpu_reg(uc, UC_X86_REG_RFLAGS) >> 12) & 3;
        if (cpl > iopl || m->stop_fn) {
            m->stop = STOP_IO_CHECK;
            m->block_stop_pc = pc;
            uc_emu_stop(uc);
            return;
        }
    }
    /* The further iterations of a rep instruction are the same instruction: it retires
     * once. (After a fault mid-copy it is counted again when it resumes, as on hardware,
     * where the faulting execution did not retire.) */
    bool again = s->rep_string && m->blk == s;
    /* The first iteration may have run as the last instruction of a longer block, which
     * counted it: a block ending exactly where this one ends. */
    bool tail = s->rep_string && !again && m->blk->pc + m->blk->size == pc + size && m->blk->pc < pc;
    if (!again && m->icount + s->icount > m->budget_limit) {
        /* Leave the block unexecuted; the run loop finishes the budget exactly. */
        m->stop = STOP_BUDGET;
        m->block_stop_pc = pc;
        uc_emu_stop(uc);
        return;
    }
    m->blk = s;
    m->blk_io_seq = 0;
    if (again)
        return;   /* blk_base stays at the first iteration's start */
    if (tail) {
        m->blk_base = m->icount - s->icount;   /* where the rep instruction started */
        return;
    }
    m->blk_base = m->icount;
    m->icount += s->icount;
}

/* Runs before every execution of every translated block, so it is kept to a dozen or so
 * instructions: one compare each for start and length, the budget, the sum. A block
 * that follows itself (a loop of one block, the commonest hot loop) is the current
 * block again; any other is looked up in the cache. */
void emu_block_hook(uc_engine *uc, uint64_t pc, uint32_t size, void *ud)
{
    vtl_machine *m = ud;
    const icount_slot *cur = m->blk;
    if (__builtin_expect(cur->pc == pc && cur->fast_size == size, 1)) {
        uint64_t base = m->icount, next = base + cur->icount;
        if (next <= m->budget_limit) {
            m->blk_base = base;
            m->icount = next;
            return;
        }
    } else {
        const icount_slot *s = slot_for(m->icache, pc);
        uint64_t base = m->icount, next = base + s->icount;
        if (s->pc == pc && s->fast_size == size && next <= m->budget_limit) {
            m->blk = s;
            m->blk_base = base;
            m->icount = next;
            return;
        }
    }
    block_hook_slow(uc, pc, size, ud);
}

uint64_t emu_icount_at(vtl_machine *m, uint64_t rip)
{
    const icount_slot *b = m->blk;   /* emu_no_block: an empty range */
    if (rip < b->pc || rip >= b->pc + b->size)
        return m->icount;
    return m->blk_base + count_insns(m, b->pc, b->size, rip, NULL, NULL);
}

static bool is_io(const cs_insn *i)
{
    switch (i->id) {
    case X86_INS_IN: case X86_INS_OUT:
    case X86_INS_INSB: case X86_INS_INSW: case X86_INS_INSD:
    case X86_INS_OUTSB: case X86_INS_OUTSW: case X86_INS_OUTSD:
        return true;
    default:
        return false;
    }
}

uint64_t emu_block_io_insn(vtl_machine *m, unsigned n, uint64_t *insn_index)
{
    uint8_t buf[4096 + MAX_INSN];
    const icount_slot *b = m->blk;
    if (b->size == 0) {   /* emu_no_block: no block under way */
        *insn_index = 0;
        return 0;
    }
    uint32_t size = b->size > 4096 ? 4096 : b->size;
    size_t len = emu_read_code(m, b->pc, buf, size);
    const uint8_t *code = buf;
    uint64_t addr = b->pc, found = 0, idx = 0;
    cs_insn *insn = cs_malloc(m->cs);
    if (!insn)
        return 0;
    while (len > 0 && cs_disasm_iter(m->cs, &code, &len, &addr, insn)) {
        if (is_io(insn) && n-- == 0) {
            found = insn->address;
            break;
        }
        idx++;
    }
    cs_free(insn, 1);
    *insn_index = idx;
    return found;
}

uint64_t emu_next_io_insn(vtl_machine *m, uint64_t from)
{
    uint8_t buf[4096 + MAX_INSN];
    size_t len = emu_read_code(m, from, buf, sizeof(buf));
    const uint8_t *code = buf;
    uint64_t addr = from, found = 0;
    cs_insn *insn = cs_malloc(m->cs);
    if (!insn)
        return 0;
    while (len > 0 && cs_disasm_iter(m->cs, &code, &len, &addr, insn)) {
        if (is_io(insn)) {
            found = insn->address;
            break;
        }
    }
    cs_free(insn, 1);
    return found;
}

int emu_insn_length(vtl_machine *m, uint64_t rip)
{
    uint8_t buf[MAX_INSN];
    size_t n = emu_read_code(m, rip, buf, sizeof(buf));
    const uint8_t *code = buf;
    uint64_t addr = rip;
    int len = 0;
    cs_insn *insn = cs_malloc(m->cs);
    if (insn && n && cs_disasm_iter(m->cs, &code, &n, &addr, insn))
        len = insn->size;
    cs_free(insn, 1);
    return len;
}
