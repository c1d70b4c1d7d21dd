/* VTL switch bookkeeping and the hypervisor's writes to the VP assist pages. With two
 * VTLs there is no nesting: a VTL entered from below returns to the one that entered
 * it, and the VTL returned to is never itself "entered from below" (it is VTL0). The
 * assist-page values are written in host byte order, little endian like the guest. */
#include "vtl/vp.h"

#include <string.h>

void vtl_state_init(vtl_state *st)
{
    memset(st, 0, sizeof(*st));
    st->partition_enabled[0] = true;
    st->vp_enabled[0] = true;
    st->current = 0;
}

void vtl_enable_at_boot(vtl_state *st, unsigned vtl)
{
    if (vtl >= VTL_COUNT)
        return;
    st->partition_enabled[vtl] = true;
    st->vp_enabled[vtl] = true;
}

/* Only a VTL above 0 that is enabled can be "called" at boot; anything else is ignored
 * (the VP keeps running where it was). */
void vtl_boot_enter(vtl_state *st, unsigned vtl)
{
    if (vtl == 0 || vtl >= VTL_COUNT || !st->vp_enabled[vtl])
        return;
    st->current = vtl;
    st->entered_from_below = true;
    st->return_to = 0;
}

bool vtl_higher_enabled(const vtl_state *st, unsigned *next)
{
    for (unsigned v = st->current + 1; v < VTL_COUNT; v++) {
        if (st->vp_enabled[v]) {
            *next = v;
            return true;
        }
    }
    return false;
}

static void write_entry_reason(const vtl_ops *ops, unsigned vtl, uint32_t reason)
{
    ops->write_assist(ops->ctx, vtl, HV_VP_ASSIST_ENTRY_REASON, &reason, sizeof(reason));
}

/* Entering `to` from the running VTL: it returns there on VtlReturn. */
static unsigned enter_from_below(vtl_state *st, unsigned to)
{
    st->return_to = st->current;
    st->entered_from_below = true;
    st->current = to;
    return to;
}

unsigned vtl_enter_call(vtl_state *st, const vtl_ops *ops)
{
    unsigned to;
    if (!vtl_higher_enabled(st, &to))
        return st->current;
    write_entry_reason(ops, to, HV_ENTRY_REASON_VTL_CALL);
    return enter_from_below(st, to);
}

/* The message goes in before the entry reason, so a reason of 3 always finds its
 * message in place. */
unsigned vtl_enter_intercept(vtl_state *st, const vtl_ops *ops, const hv_message *msg)
{
    unsigned to;
    if (!vtl_higher_enabled(st, &to))
        return st->current;
    ops->write_assist(ops->ctx, to, HV_VP_ASSIST_INTERCEPT_MSG, msg, sizeof(*msg));
    write_entry_reason(ops, to, HV_ENTRY_REASON_INTERCEPT);
    return enter_from_below(st, to);
}

unsigned vtl_enter_return(vtl_state *st, const vtl_ops *ops, uint64_t *rax, uint64_t *rcx)
{
    if (!st->entered_from_below)
        return st->current;
    const unsigned from = st->current;
    ops->read_assist(ops->ctx, from, HV_VP_ASSIST_VTL_RET_RAX, rax, sizeof(*rax));
    ops->read_assist(ops->ctx, from, HV_VP_ASSIST_VTL_RET_RCX, rcx, sizeof(*rcx));
    st->current = st->return_to;
    st->entered_from_below = false;
    st->return_to = 0;
    return st->current;
}

/* Every field of DESIGN.md §6 that vtlemu does not model is zero: flags, sender, VP
 * index (one VP), cache type, access info. insn_length keeps the low 4 bits of
 * insn_len (x86 instructions are at most 15 bytes); at most 16 bytes are copied and the
 * rest of the 16-byte field is zero. */
void vtl_build_gpa_intercept(hv_message *msg, uint64_t rip, uint64_t rflags, const hv_segment *cs,
                             unsigned cpl, unsigned access, uint64_t gva, uint64_t gpa,
                             const uint8_t *insn, unsigned insn_len)
{
    memset(msg, 0, sizeof(*msg));
    msg->type = HV_MESSAGE_GPA_INTERCEPT;
    msg->payload_size = (uint8_t)sizeof(msg->gpa);
    hv_gpa_intercept *p = &msg->gpa;
    p->insn_length = (uint8_t)(insn_len & 0xF);
    p->access = (uint8_t)access;
    p->exec_state = (uint16_t)(cpl & 3);
    if (cs)
        p->cs = *cs;
    p->rip = rip;
    p->rflags = rflags;
    const unsigned n = insn_len < sizeof(p->insn_bytes) ? insn_len : (unsigned)sizeof(p->insn_bytes);
    p->insn_byte_count = (uint8_t)n;
    p->gva = gva;
    p->gpa = gpa;
    if (insn && n)
        memcpy(p->insn_bytes, insn, n);
}
