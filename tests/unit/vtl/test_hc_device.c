/* HvCallVtlemuAssignDevice: a VTL above 0 takes a DMA device; table of input -> status. */
#include "tests/unit/vtl/fake_machine.h"

static unsigned assigned_rid = 0xFFFFu, assigned_vtl = 99, assign_calls;

static ve_status fake_assign(void *ctx, uint16_t rid, unsigned vtl)
{
    (void)ctx;
    assign_calls++;
    if (rid != 0x0018)
        return VE_E_RANGE;   /* only dma0 exists */
    assigned_rid = rid;
    assigned_vtl = vtl;
    return VE_OK;
}

typedef struct row {
    const char *name;
    bool in_vtl1;
    uint64_t partition;
    uint16_t rid;
    uint8_t target;
    uint64_t rdx;
    uint16_t status;
    bool assigned;
} row;

static const row rows[] = {
    { "vtl1_takes_dma0_for_itself", true, SELF, 0x0018, 1, IN, HV_STATUS_SUCCESS, true },
    { "vtl1_gives_dma0_back_to_vtl0", true, SELF, 0x0018, 0, IN, HV_STATUS_SUCCESS, true },
    { "vtl0_may_not_assign_devices", false, SELF, 0x0018, 0, IN, HV_STATUS_ACCESS_DENIED, false },
    { "a_target_above_the_caller_is_denied", false, SELF, 0x0018, 1, IN, HV_STATUS_ACCESS_DENIED, false },
    { "a_target_vtl_that_does_not_exist_is_invalid", true, SELF, 0x0018, 2, IN, HV_STATUS_INVALID_PARAMETER, false },
    { "another_partition_is_invalid", true, 7, 0x0018, 1, IN, HV_STATUS_INVALID_PARAMETER, false },
    { "an_unknown_device_is_invalid", true, SELF, 0x0020, 1, IN, HV_STATUS_INVALID_PARAMETER, false },
    { "a_misaligned_input_is_refused", true, SELF, 0x0018, 1, IN + 0x104, HV_STATUS_INVALID_ALIGNMENT, false },
};


static void assign_device_rows_give_their_status(void **state)
{
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        const row *r = &rows[i];
        fake_machine *fm = fm_new();
        fm->ops.assign_device = fake_assign;
        if (r->in_vtl1)
            fm_run_in_vtl1(fm);
        hv_input_vtlemu_assign_device in = { .partition_id = r->partition, .requester_id = r->rid,
                                             .target_vtl = r->target };
        fm_put(fm, IN, &in, sizeof(in));
        fm_put(fm, IN + 0x104, &in, sizeof(in));   /* the misaligned row reads from here */
        assigned_vtl = 99;
        assign_calls = 0;
        vtl_hc_result res = fm_call(fm, HVCALL_VTLEMU_ASSIGN_DEVICE, r->rdx, 0);
        print_message("%s\n", r->name);
        assert_int_equal(res.status, r->status);
        assert_int_equal(res.action, VTL_HC_NONE);
        assert_int_equal(assigned_vtl != 99, r->assigned);
        if (r->assigned)
            assert_int_equal(assigned_vtl, r->target);
        assert_string_equal(res.name, "HvCallVtlemuAssignDevice");
        test_free(fm);
    }
    (void)state;
}

static void without_a_device_hook_the_call_is_invalid(void **state)
{
    (void)state;
    fake_machine *fm = fm_new();
    fm_run_in_vtl1(fm);
    hv_input_vtlemu_assign_device in = { .partition_id = SELF, .requester_id = 0x18, .target_vtl = 1 };
    fm_put(fm, IN, &in, sizeof(in));
    vtl_hc_result res = fm_call(fm, HVCALL_VTLEMU_ASSIGN_DEVICE, IN, 0);
    assert_int_equal(res.status, HV_STATUS_INVALID_PARAMETER);
    test_free(fm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(assign_device_rows_give_their_status),
        cmocka_unit_test(without_a_device_hook_the_call_is_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
