#include "vtl/hypercall.h"

#include <string.h>

#include "common/bits.h"
#include "vtl/hc_priv.h"

/* What the dispatcher checks for a call before its handler runs. */
#define HC_REP      0x1u   /* a rep call */
#define HC_MEM_IN   0x2u   /* reads its input from RDX unless fast */
#define HC_FAST_OK  0x4u   /* accepts fast (register) input */
#define HC_MEM_OUT  0x8u   /* writes its output at R8 */

typedef struct hc_desc {
    unsigned code;
    const char *name;
    unsigned flags;
    uint16_t (*handler)(hc_call *c);
} hc_desc;

static uint16_t hc_vtl_call(hc_call *c);
static uint16_t hc_vtl_return(hc_call *c);

static const hc_desc hc_table[] = {
    {HVCALL_MODIFY_VTL_PROTECTION_MASK, "HvCallModifyVtlProtectionMask", HC_REP | HC_MEM_IN,
     hc_modify_vtl_protection_mask},
    {HVCALL_ENABLE_PARTITION_VTL, "HvCallEnablePartitionVtl", HC_MEM_IN | HC_FAST_OK,
     hc_enable_partition_vtl},
    {HVCALL_ENABLE_VP_VTL, "HvCallEnableVpVtl", HC_MEM_IN, hc_enable_vp_vtl},
    /* No input at all: RDX, R8 and the fast bit are never looked at (DESIGN.md §5). */
    {HVCALL_VTL_CALL, "HvCallVtlCall", 0, hc_vtl_call},
    {HVCALL_VTL_RETURN, "HvCallVtlReturn", 0, hc_vtl_return},
    {HVCALL_GET_VP_REGISTERS, "HvCallGetVpRegisters", HC_REP | HC_MEM_IN | HC_MEM_OUT,
     hc_get_vp_registers},
    {HVCALL_SET_VP_REGISTERS, "HvCallSetVpRegisters", HC_REP | HC_MEM_IN, hc_set_vp_registers},
    {HVCALL_VTLEMU_ASSIGN_DEVICE, "HvCallVtlemuAssignDevice", HC_MEM_IN, hc_assign_device},
};

static const hc_desc *hc_find(unsigned code)
{
    for (size_t i = 0; i < sizeof(hc_table) / sizeof(hc_table[0]); i++)
        if (hc_table[i].code == code)
            return &hc_table[i];
    return NULL;
}

const char *vtl_hc_name(unsigned code)
{
    const hc_desc *d = hc_find(code);
    return d ? d->name : "unknown";
}

/* The rep fields of the control word. Reserved control-word bits (17-31, 44-47, 60-63)
 * are ignored rather than refused: DESIGN.md §5 does not make them an error. */
static uint16_t hc_check_reps(const hc_desc *d, const hc_call *c)
{
    if (d->flags & HC_REP) {
        /* A rep call does at least one rep and starts inside its list. */
        if (c->rep_count == 0 || c->rep_start >= c->rep_count)
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
    } else if (c->rep_count != 0 || c->rep_start != 0) {
        /* Also for VtlCall/VtlReturn: the rep fields are in RCX, not RDX/R8. */
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    }
    return HV_STATUS_SUCCESS;
}

/* Fast bit, then alignment of the input GPA and (for calls with output) the output
 * GPA. Calls without input look at none of it. */
static uint16_t hc_check_input(const hc_desc *d, const hc_call *c)
{
    if (!(d->flags & HC_MEM_IN))
        return HV_STATUS_SUCCESS;
    if (c->fast)
        return (d->flags & HC_FAST_OK) ? HV_STATUS_SUCCESS : HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (!is_aligned(c->rdx, 8))
        return HV_STATUS_INVALID_ALIGNMENT;
    if ((d->flags & HC_MEM_OUT) && !is_aligned(c->r8, 8))
        return HV_STATUS_INVALID_ALIGNMENT;
    return HV_STATUS_SUCCESS;
}

void vtl_hypercall(vtl_state *st, const vtl_ops *ops, uint64_t control, uint64_t rdx, uint64_t r8,
                   vtl_hc_result *out)
{
    const unsigned code = HV_CONTROL_CODE(control);
    const hc_desc *d = hc_find(code);
    hc_call c = {
        .st = st,
        .ops = ops,
        .caller = st->current,
        .fast = (control & HV_CONTROL_FAST) != 0,
        .rep_count = HV_CONTROL_REP_COUNT(control),
        .rep_start = HV_CONTROL_REP_START(control),
        .rdx = rdx,
        .r8 = r8,
        .reps_done = 0,
        .action = VTL_HC_NONE,
        .next_vtl = st->current,
    };
    uint16_t status = HV_STATUS_INVALID_HYPERCALL_CODE;
    if (d) {
        /* Invalid rep fields complete no reps (reps_done 0). Past them, whatever the
         * outcome, a rep call reports rep_start + the reps this call completed, as the
         * TLFS does, so the guest can reissue the call from where it stopped. */
        status = hc_check_reps(d, &c);
        if (status == HV_STATUS_SUCCESS) {
            if (d->flags & HC_REP)
                c.reps_done = c.rep_start;
            status = hc_check_input(d, &c);
        }
        if (status == HV_STATUS_SUCCESS)
            status = d->handler(&c);
    }
    memset(out, 0, sizeof(*out));
    out->code = code;
    out->name = d ? d->name : "unknown";
    out->status = status;
    out->reps_done = c.reps_done;
    out->rax = HV_RESULT(status, c.reps_done);
    /* A refused VtlCall/VtlReturn is an ordinary call: its status goes to RAX. */
    out->action = status == HV_STATUS_SUCCESS ? c.action : VTL_HC_NONE;
    out->next_vtl = status == HV_STATUS_SUCCESS ? c.next_vtl : st->current;
}

/* VtlCall: to the lowest VTL above the caller enabled on the VP (with two VTLs, VTL1
 * from VTL0). None -> access denied, reported in RAX, no switch. */
static uint16_t hc_vtl_call(hc_call *c)
{
    unsigned next;
    if (!vtl_higher_enabled(c->st, &next))
        return HV_STATUS_ACCESS_DENIED;
    c->action = VTL_HC_CALL;
    c->next_vtl = next;
    return HV_STATUS_SUCCESS;
}

/* VtlReturn: only from a VTL entered by a VtlCall or an intercept from below; VTL0,
 * or VTL1 running for another reason, is refused with access denied in RAX. */
static uint16_t hc_vtl_return(hc_call *c)
{
    if (!c->st->entered_from_below)
        return HV_STATUS_ACCESS_DENIED;
    c->action = VTL_HC_RETURN;
    c->next_vtl = c->st->return_to;
    return HV_STATUS_SUCCESS;
}
