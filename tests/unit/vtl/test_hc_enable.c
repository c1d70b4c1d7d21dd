/* HvCallEnablePartitionVtl and HvCallEnableVpVtl: one row per validation case, with
 * the exact status and what the call changed (or did not). */
#include "tests/unit/vtl/fake_machine.h"

/* How a row sets up the machine before the call. */
typedef enum start_state {
    ONLY_VTL0,          /* fresh machine: VTL0 enabled and running */
    VTL1_PARTITION,     /* VTL0 running; VTL1 enabled for the partition, not the VP */
    VTL1_RUNNING,       /* VTL1 enabled at boot and running */
} start_state;

static void arrange(fake_machine *fm, start_state s)
{
    switch (s) {
    case ONLY_VTL0:
        break;
    case VTL1_PARTITION:
        fm->st.partition_enabled[1] = true;
        break;
    case VTL1_RUNNING:
        fm_run_in_vtl1(fm);
        break;
    }
}

/* ---- HvCallEnablePartitionVtl ------------------------------------------------------ */

typedef struct partition_row {
    const char *name;
    start_state start;
    uint64_t control_extra;         /* FAST, REPS(...) */
    hv_input_enable_partition_vtl in;   /* placed at IN */
    uint64_t rdx, r8;
    void (*arrange)(fake_machine *fm);
    uint16_t status;
    bool vtl1_enabled_after;        /* partition_enabled[1] after the call */
} partition_row;

#define PIN(t, f) {.partition_id = SELF, .target_vtl = (t), .flags = (f)}

static void deny_input_to_vtl0(fake_machine *fm) { fm_deny(fm, 0, IN, FM_NO_READ); }
static void deny_input_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, IN, FM_NO_READ); }
static void deny_write_of_input_to_vtl0(fake_machine *fm) { fm_deny(fm, 0, IN, FM_NO_WRITE); }
static void deny_page_after_input_to_vtl0(fake_machine *fm) { fm_deny(fm, 0, IN + PAGE_SIZE, FM_NO_READ); }

/* Contrived: VTL1 runs but is not enabled for the partition, so a target of VTL1 gets
 * past "already enabled" and meets the "above the caller" rule (reachable only with
 * more than two VTLs). */
static void vtl1_runs_without_partition_enable(fake_machine *fm)
{
    fm->st.partition_enabled[1] = false;
}

static const partition_row partition_rows[] = {
    {"enable_partition_vtl_from_vtl0_enables_vtl1_for_the_partition_only",
     ONLY_VTL0, 0, PIN(1, 0), IN, 0, NULL, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_with_fast_input_takes_partition_from_rdx_and_vtl_from_r8",
     ONLY_VTL0, FAST, {0}, SELF, 0x01, NULL, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_fast_ignores_r8_bits_above_the_flags",
     ONLY_VTL0, FAST, {0}, SELF, UINT64_C(0xFFFFFFFFFFFF0001), NULL, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_fast_with_flags_in_r8_bits_15_8_is_invalid_parameter",
     ONLY_VTL0, FAST, {0}, SELF, 0x0101, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_fast_with_another_partition_in_rdx_is_invalid_parameter",
     ONLY_VTL0, FAST, {0}, 0, 0x01, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_fast_reads_no_memory_and_needs_no_aligned_rdx",
     ONLY_VTL0, FAST, {0}, SELF, 0x01, deny_input_to_vtl0, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_ignores_the_reserved_bytes",
     ONLY_VTL0, 0, {.partition_id = SELF, .target_vtl = 1, .reserved = {1, 2, 3, 4, 5, 6}}, IN, 0,
     NULL, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_for_another_partition_is_invalid_parameter",
     ONLY_VTL0, 0, {.partition_id = 0, .target_vtl = 1}, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_for_partition_self_minus_one_is_invalid_parameter",
     ONLY_VTL0, 0, {.partition_id = SELF - 1, .target_vtl = 1}, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_of_vtl2_is_invalid_parameter",
     ONLY_VTL0, 0, PIN(2, 0), IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_of_vtl255_is_invalid_parameter",
     ONLY_VTL0, 0, PIN(255, 0), IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_of_vtl0_is_already_enabled",
     ONLY_VTL0, 0, PIN(0, 0), IN, 0, NULL, HV_STATUS_VTL_ALREADY_ENABLED, false},
    {"enable_partition_vtl_of_vtl1_a_second_time_is_already_enabled",
     VTL1_PARTITION, 0, PIN(1, 0), IN, 0, NULL, HV_STATUS_VTL_ALREADY_ENABLED, true},
    {"enable_partition_vtl_from_vtl1_of_vtl1_is_already_enabled",
     VTL1_RUNNING, 0, PIN(1, 0), IN, 0, NULL, HV_STATUS_VTL_ALREADY_ENABLED, true},
    {"enable_partition_vtl_already_enabled_is_reported_before_bad_flags",
     VTL1_PARTITION, 0, PIN(1, 1), IN, 0, NULL, HV_STATUS_VTL_ALREADY_ENABLED, true},
    {"enable_partition_vtl_of_a_vtl_not_above_the_caller_is_access_denied",
     VTL1_RUNNING, 0, PIN(1, 0), IN, 0, vtl1_runs_without_partition_enable, HV_STATUS_ACCESS_DENIED, false},
    {"enable_partition_vtl_with_flags_set_is_invalid_parameter",
     ONLY_VTL0, 0, PIN(1, 0x01), IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_with_flags_0x80_is_invalid_parameter",
     ONLY_VTL0, 0, PIN(1, 0x80), IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, false},
    {"enable_partition_vtl_with_input_gpa_4_bytes_off_alignment_is_invalid_alignment",
     ONLY_VTL0, 0, PIN(1, 0), IN + 4, 0, NULL, HV_STATUS_INVALID_ALIGNMENT, false},
    {"enable_partition_vtl_with_input_gpa_1_byte_off_alignment_is_invalid_alignment",
     ONLY_VTL0, 0, PIN(1, 0), IN + 1, 0, NULL, HV_STATUS_INVALID_ALIGNMENT, false},
    {"enable_partition_vtl_ignores_r8_when_not_fast",
     ONLY_VTL0, 0, PIN(1, 0), IN, 3, NULL, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_with_input_the_caller_cannot_read_is_invalid_input",
     ONLY_VTL0, 0, PIN(1, 0), IN, 0, deny_input_to_vtl0, HV_STATUS_INVALID_HYPERCALL_INPUT, false},
    {"enable_partition_vtl_reads_input_through_the_callers_view_not_another_vtls",
     ONLY_VTL0, 0, PIN(1, 0), IN, 0, deny_input_to_vtl1, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_with_input_the_caller_cannot_write_succeeds",
     ONLY_VTL0, 0, PIN(1, 0), IN, 0, deny_write_of_input_to_vtl0, HV_STATUS_SUCCESS, true},
    {"enable_partition_vtl_with_input_running_into_an_unreadable_page_is_invalid_input",
     ONLY_VTL0, 0, PIN(1, 0), IN + PAGE_SIZE - 8, 0, deny_page_after_input_to_vtl0,
     HV_STATUS_INVALID_HYPERCALL_INPUT, false},
    {"enable_partition_vtl_with_input_outside_ram_is_invalid_input",
     ONLY_VTL0, 0, PIN(1, 0), FM_RAM, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, false},
    {"enable_partition_vtl_with_input_at_the_top_of_the_address_space_is_invalid_input",
     ONLY_VTL0, 0, PIN(1, 0), UINT64_C(0xFFFFFFFFFFFFFFF8), 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, false},
    {"enable_partition_vtl_with_a_rep_count_is_invalid_input",
     ONLY_VTL0, REPS(1, 0), PIN(1, 0), IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, false},
    {"enable_partition_vtl_with_a_rep_start_is_invalid_input",
     ONLY_VTL0, REPS(0, 1), PIN(1, 0), IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, false},
    {"enable_partition_vtl_fast_with_a_rep_count_is_invalid_input",
     ONLY_VTL0, FAST | REPS(2, 0), {0}, SELF, 0x01, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, false},
};

static void run_partition_row(void **state)
{
    fm_fixture *f = *state;
    const partition_row *r = f->row;
    fake_machine *fm = f->fm;
    arrange(fm, r->start);
    if (r->arrange)
        r->arrange(fm);
    fm_put(fm, IN, &r->in, sizeof(r->in));
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, HVCALL_ENABLE_PARTITION_VTL | r->control_extra, r->rdx, r->r8);

    fm_assert_plain_result(fm, &res, HVCALL_ENABLE_PARTITION_VTL, r->status, 0);
    assert_int_equal(fm->st.partition_enabled[1], r->vtl1_enabled_after);
    /* Nothing else changes: the VP, the running VTL, machine side effects. */
    vtl_state expect = before;
    expect.partition_enabled[1] = r->vtl1_enabled_after;
    fm_assert_state_equal(&fm->st, &expect);
    assert_int_equal(fm->enable_vp_calls, 0);
    assert_int_equal(fm->gpa_writes, 0);
    assert_int_equal(fm->assist_writes, 0);
    if (r->control_extra & FAST)
        assert_int_equal(fm->gpa_reads, 0);
}

/* ---- HvCallEnableVpVtl -------------------------------------------------------------- */

typedef struct vp_row {
    const char *name;
    start_state start;
    uint64_t control_extra;
    uint64_t partition;
    uint32_t vp_index;
    uint8_t target;
    uint64_t rdx;
    ve_status enable_vp_result;     /* what the machine answers */
    void (*arrange)(fake_machine *fm);
    uint16_t status;
    unsigned enable_vp_calls;       /* 0 or 1; when 1 it is for `target` with the context */
    bool vtl1_on_vp_after;
} vp_row;

/* The input's tail (its context) runs into the next page from IN + PAGE_SIZE - 16. */
static void deny_page_after_input_to_vtl0_vp(fake_machine *fm) { fm_deny(fm, 0, IN + PAGE_SIZE, FM_NO_READ); }

static const vp_row vp_rows[] = {
    {"enable_vp_vtl_from_vtl0_after_enable_partition_vtl_brings_up_vtl1_with_the_context",
     VTL1_PARTITION, 0, SELF, 0, 1, IN, VE_OK, NULL, HV_STATUS_SUCCESS, 1, true},
    {"enable_vp_vtl_accepts_vp_index_self",
     VTL1_PARTITION, 0, SELF, HV_VP_INDEX_SELF, 1, IN, VE_OK, NULL, HV_STATUS_SUCCESS, 1, true},
    {"enable_vp_vtl_for_vp_index_1_is_invalid_parameter",
     VTL1_PARTITION, 0, SELF, 1, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_PARAMETER, 0, false},
    {"enable_vp_vtl_for_vp_index_all_ones_is_invalid_parameter",
     VTL1_PARTITION, 0, SELF, 0xFFFFFFFFu, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_PARAMETER, 0, false},
    {"enable_vp_vtl_for_another_partition_is_invalid_parameter",
     VTL1_PARTITION, 0, 7, 0, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_PARAMETER, 0, false},
    {"enable_vp_vtl_of_vtl2_is_invalid_parameter",
     VTL1_PARTITION, 0, SELF, 0, 2, IN, VE_OK, NULL, HV_STATUS_INVALID_PARAMETER, 0, false},
    {"enable_vp_vtl_of_vtl1_before_enable_partition_vtl_is_invalid_parameter",
     ONLY_VTL0, 0, SELF, 0, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_PARAMETER, 0, false},
    {"enable_vp_vtl_of_vtl0_is_already_enabled",
     VTL1_PARTITION, 0, SELF, 0, 0, IN, VE_OK, NULL, HV_STATUS_VTL_ALREADY_ENABLED, 0, false},
    {"enable_vp_vtl_of_vtl1_from_vtl1_is_already_enabled",
     VTL1_RUNNING, 0, SELF, 0, 1, IN, VE_OK, NULL, HV_STATUS_VTL_ALREADY_ENABLED, 0, true},
    {"enable_vp_vtl_with_bad_vp_index_is_reported_before_already_enabled",
     VTL1_RUNNING, 0, SELF, 3, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_PARAMETER, 0, true},
    {"enable_vp_vtl_refused_by_the_machine_is_invalid_parameter_and_leaves_vtl1_off",
     VTL1_PARTITION, 0, SELF, 0, 1, IN, VE_E_INVAL, NULL, HV_STATUS_INVALID_PARAMETER, 1, false},
    {"enable_vp_vtl_refused_by_the_machine_for_memory_is_invalid_parameter",
     VTL1_PARTITION, 0, SELF, 0, 1, IN, VE_E_NOMEM, NULL, HV_STATUS_INVALID_PARAMETER, 1, false},
    {"enable_vp_vtl_fast_is_invalid_input",
     VTL1_PARTITION, FAST, SELF, 0, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, false},
    {"enable_vp_vtl_with_input_gpa_off_alignment_is_invalid_alignment",
     VTL1_PARTITION, 0, SELF, 0, 1, IN + 4, VE_OK, NULL, HV_STATUS_INVALID_ALIGNMENT, 0, false},
    {"enable_vp_vtl_with_unreadable_input_is_invalid_input",
     VTL1_PARTITION, 0, SELF, 0, 1, IN, VE_OK, deny_input_to_vtl0, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, false},
    {"enable_vp_vtl_with_a_context_running_into_an_unreadable_page_is_invalid_input",
     VTL1_PARTITION, 0, SELF, 0, 1, IN + PAGE_SIZE - 16, VE_OK, deny_page_after_input_to_vtl0_vp,
     HV_STATUS_INVALID_HYPERCALL_INPUT, 0, false},
    {"enable_vp_vtl_with_input_outside_ram_is_invalid_input",
     VTL1_PARTITION, 0, SELF, 0, 1, FM_RAM - 16, VE_OK, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, false},
    {"enable_vp_vtl_with_a_rep_count_is_invalid_input",
     VTL1_PARTITION, REPS(1, 0), SELF, 0, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, false},
    {"enable_vp_vtl_with_a_rep_start_is_invalid_input",
     VTL1_PARTITION, REPS(0, 5), SELF, 0, 1, IN, VE_OK, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, false},
};

/* A context whose every byte differs from its neighbours, so a field taken from the
 * wrong offset shows. */
static void fill_context(hv_initial_vp_context *c)
{
    uint8_t *p = (uint8_t *)c;
    for (size_t i = 0; i < sizeof(*c); i++)
        p[i] = (uint8_t)(0x40 + i);
}

static void run_vp_row(void **state)
{
    fm_fixture *f = *state;
    const vp_row *r = f->row;
    fake_machine *fm = f->fm;
    arrange(fm, r->start);
    if (r->arrange)
        r->arrange(fm);
    fm->enable_vp_result = r->enable_vp_result;
    hv_input_enable_vp_vtl in;
    memset(&in, 0, sizeof(in));
    in.partition_id = r->partition;
    in.vp_index = r->vp_index;
    in.target_vtl = r->target;
    fill_context(&in.context);
    const uint64_t at = r->rdx & ~UINT64_C(7);
    if (range_within(at, sizeof(in), FM_RAM))
        fm_put(fm, at, &in, sizeof(in));
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, HVCALL_ENABLE_VP_VTL | r->control_extra, r->rdx, 0);

    fm_assert_plain_result(fm, &res, HVCALL_ENABLE_VP_VTL, r->status, 0);
    assert_int_equal(fm->enable_vp_calls, r->enable_vp_calls);
    if (r->enable_vp_calls) {
        assert_int_equal(fm->enable_vp_vtl, r->target);
        assert_memory_equal(&fm->enable_vp_ctx, &in.context, sizeof(in.context));
    }
    vtl_state expect = before;
    expect.vp_enabled[1] = r->vtl1_on_vp_after;
    fm_assert_state_equal(&fm->st, &expect);
    assert_int_equal(fm->gpa_writes, 0);
    assert_int_equal(fm->assist_writes, 0);
}

/* ---- sequences ---------------------------------------------------------------------- */

static void vtl0_bringing_up_vtl1_can_then_vtl_call_into_it(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    vtl_hc_result r = fm_call(fm, HVCALL_VTL_CALL, 0, 0);
    assert_int_equal(r.status, HV_STATUS_ACCESS_DENIED);

    r = fm_call(fm, HVCALL_ENABLE_PARTITION_VTL | FAST, SELF, 1);
    assert_int_equal(r.status, HV_STATUS_SUCCESS);
    r = fm_call(fm, HVCALL_VTL_CALL, 0, 0);
    assert_int_equal(r.status, HV_STATUS_ACCESS_DENIED);   /* not yet on the VP */

    hv_input_enable_vp_vtl in = {.partition_id = SELF, .vp_index = HV_VP_INDEX_SELF, .target_vtl = 1};
    in.context.rip = 0x123456;
    in.context.cr3 = 0x9000;
    fm_put(fm, IN, &in, sizeof(in));
    r = fm_call(fm, HVCALL_ENABLE_VP_VTL, IN, 0);
    assert_int_equal(r.status, HV_STATUS_SUCCESS);
    assert_int_equal(fm->enable_vp_ctx.rip, 0x123456);
    assert_int_equal(fm->enable_vp_ctx.cr3, 0x9000);

    r = fm_call(fm, HVCALL_ENABLE_VP_VTL, IN, 0);
    assert_int_equal(r.status, HV_STATUS_VTL_ALREADY_ENABLED);
    assert_int_equal(fm->enable_vp_calls, 1);

    r = fm_call(fm, HVCALL_VTL_CALL, 0, 0);
    assert_int_equal(r.status, HV_STATUS_SUCCESS);
    assert_int_equal(r.action, VTL_HC_CALL);
    assert_int_equal(r.next_vtl, 1);
}

static void enable_partition_vtl_a_second_time_is_already_enabled(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    hv_input_enable_partition_vtl in = {.partition_id = SELF, .target_vtl = 1};
    fm_put(fm, IN, &in, sizeof(in));
    assert_int_equal(fm_call(fm, HVCALL_ENABLE_PARTITION_VTL, IN, 0).rax, 0);
    assert_int_equal(fm_call(fm, HVCALL_ENABLE_PARTITION_VTL, IN, 0).rax, HV_STATUS_VTL_ALREADY_ENABLED);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(vtl0_bringing_up_vtl1_can_then_vtl_call_into_it),
        T(enable_partition_vtl_a_second_time_is_already_enabled),
    };
    struct CMUnitTest tests[ARRAY_LEN(partition_rows) + ARRAY_LEN(vp_rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(partition_rows, run_partition_row);
    ADD_ROWS(vp_rows, run_vp_row);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("vtl_hc_enable", tests, n, NULL, NULL);
}
