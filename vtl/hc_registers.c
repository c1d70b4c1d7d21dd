/* HvCallGetVpRegisters and HvCallSetVpRegisters: a VTL reads or writes its own
 * registers or a lower VTL's (e.g. VTL1 moving VTL0's RIP past an intercepted
 * instruction). Rep calls, one register per rep. */
#include "vtl/hc_priv.h"

/* The header both calls share. Checks in this order: partition id (5), VP index 0 or
 * self (5), target above the caller (6), target not enabled on the VP (5; cannot
 * happen with two VTLs, every VTL at or below the running one being enabled).
 * Target: input_vtl bits 3:0 when bit 4 is set, else the caller's own VTL (bits 3:0
 * and the reserved bits 7:5 are then ignored). */
static uint16_t hc_registers_target(const hc_call *c, unsigned *target)
{
    hv_input_vp_registers in;
    if (!hc_read(c, c->rdx, 0, &in, sizeof(in)))
        return HV_STATUS_INVALID_HYPERCALL_INPUT;
    if (!hc_names_own_vp(in.partition_id, in.vp_index))
        return HV_STATUS_INVALID_PARAMETER;
    const unsigned t = (in.input_vtl & HV_INPUT_VTL_USE_TARGET) ? HV_INPUT_VTL_TARGET(in.input_vtl)
                                                                : c->caller;
    if (t > c->caller)
        return HV_STATUS_ACCESS_DENIED;
    if (!c->st->vp_enabled[t])
        return HV_STATUS_INVALID_PARAMETER;
    *target = t;
    return HV_STATUS_SUCCESS;
}

/* Rep i: the u32 name at RDX + 16 + 4*i; its 16-byte value {low, high} goes to
 * R8 + 16*i. An unreadable name or unwritable output: status 3; a name the machine
 * does not know (or any other refusal): status 5. Either stops the call with reps_done
 * counting the reps completed before it; a refused rep writes no output. */
uint16_t hc_get_vp_registers(hc_call *c)
{
    unsigned target;
    uint16_t status = hc_registers_target(c, &target);
    if (status != HV_STATUS_SUCCESS)
        return status;
    for (unsigned i = c->rep_start; i < c->rep_count; i++) {
        uint32_t name;
        if (!hc_read(c, c->rdx, sizeof(hv_input_vp_registers) + UINT64_C(4) * i, &name, sizeof(name)))
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        uint64_t value[2] = {0, 0};
        if (c->ops->get_reg(c->ops->ctx, target, name, &value[0], &value[1]) != VE_OK)
            return HV_STATUS_INVALID_PARAMETER;
        if (!hc_write(c, c->r8, UINT64_C(16) * i, value, sizeof(value)))
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        c->reps_done = i + 1;
    }
    return HV_STATUS_SUCCESS;
}

/* Rep i: the 32-byte hv_register_assoc at RDX + 16 + 32*i (its pad fields are not
 * checked). Unreadable: status 3; refused by the machine: status 5; both stop the call
 * as for Get. R8 is not used. */
uint16_t hc_set_vp_registers(hc_call *c)
{
    unsigned target;
    uint16_t status = hc_registers_target(c, &target);
    if (status != HV_STATUS_SUCCESS)
        return status;
    for (unsigned i = c->rep_start; i < c->rep_count; i++) {
        hv_register_assoc a;
        if (!hc_read(c, c->rdx, sizeof(hv_input_vp_registers) + sizeof(a) * (uint64_t)i, &a, sizeof(a)))
            return HV_STATUS_INVALID_HYPERCALL_INPUT;
        if (c->ops->set_reg(c->ops->ctx, target, a.name, a.value_low, a.value_high) != VE_OK)
            return HV_STATUS_INVALID_PARAMETER;
        c->reps_done = i + 1;
    }
    return HV_STATUS_SUCCESS;
}
