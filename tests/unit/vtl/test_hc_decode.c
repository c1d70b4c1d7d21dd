/* The control word: call codes known and unknown, names, rep fields per call, ignored
 * bits, and the RAX result layout. */
#include "tests/unit/vtl/fake_machine.h"

/* Nothing reached the machine: no memory, assist page, register, protect or enable. */
static void assert_machine_untouched(const fake_machine *fm)
{
    assert_int_equal(fm->gpa_reads, 0);
    assert_int_equal(fm->gpa_writes, 0);
    assert_int_equal(fm->assist_reads, 0);
    assert_int_equal(fm->assist_writes, 0);
    assert_int_equal(fm->reg_calls, 0);
    assert_int_equal(fm->protect_calls, 0);
    assert_int_equal(fm->enable_vp_calls, 0);
}

/* ---- unknown call codes --------------------------------------------------------------- */

typedef struct unknown_row {
    const char *name;
    uint64_t control;
} unknown_row;

static const unknown_row unknown_rows[] = {
    {"call_code_0_is_an_invalid_hypercall_code", 0x0000},
    {"call_code_1_is_an_invalid_hypercall_code", 0x0001},
    {"call_code_0x0b_just_below_modify_vtl_protection_mask_is_invalid", 0x000B},
    {"call_code_0x0e_between_the_two_enables_is_invalid", 0x000E},
    {"call_code_0x10_just_below_vtl_call_is_invalid", 0x0010},
    {"call_code_0x13_just_above_vtl_return_is_invalid", 0x0013},
    {"call_code_0x4f_just_below_get_vp_registers_is_invalid", 0x004F},
    {"call_code_0x52_just_above_set_vp_registers_is_invalid", 0x0052},
    {"call_code_0xffff_is_invalid", 0xFFFF},
    {"unknown_code_is_reported_before_a_bad_rep_count", 0x0013 | REPS(0, 7)},
    {"unknown_code_with_fast_bit_and_reps_reports_no_reps_done", 0x0099 | FAST | REPS(9, 2)},
    {"code_bits_above_15_do_not_make_an_unknown_code_known", 0x0001 | (UINT64_C(0x0C) << 16)},
};

static void run_unknown_row(void **state)
{
    fm_fixture *f = *state;
    const unknown_row *r = f->row;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, r->control, IN, OUT);

    fm_assert_plain_result(fm, &res, (unsigned)(r->control & 0xFFFF), HV_STATUS_INVALID_HYPERCALL_CODE, 0);
    assert_string_equal(res.name, "unknown");
    assert_int_equal(res.rax, 2);
    fm_assert_state_equal(&fm->st, &before);
    assert_machine_untouched(fm);
}

/* ---- names ---------------------------------------------------------------------------- */

typedef struct name_row {
    const char *name;
    unsigned code;
    const char *expect;
} name_row;

static const name_row name_rows[] = {
    {"name_of_0x0c_is_hv_call_modify_vtl_protection_mask", 0x000C, "HvCallModifyVtlProtectionMask"},
    {"name_of_0x0d_is_hv_call_enable_partition_vtl", 0x000D, "HvCallEnablePartitionVtl"},
    {"name_of_0x0f_is_hv_call_enable_vp_vtl", 0x000F, "HvCallEnableVpVtl"},
    {"name_of_0x11_is_hv_call_vtl_call", 0x0011, "HvCallVtlCall"},
    {"name_of_0x12_is_hv_call_vtl_return", 0x0012, "HvCallVtlReturn"},
    {"name_of_0x50_is_hv_call_get_vp_registers", 0x0050, "HvCallGetVpRegisters"},
    {"name_of_0x51_is_hv_call_set_vp_registers", 0x0051, "HvCallSetVpRegisters"},
    {"name_of_0x0e_is_unknown", 0x000E, "unknown"},
    {"name_of_0_is_unknown", 0x0000, "unknown"},
    {"name_of_a_code_past_16_bits_is_unknown", 0x1000C, "unknown"},
};

static void run_name_row(void **state)
{
    fm_fixture *f = *state;
    const name_row *r = f->row;
    assert_string_equal(vtl_hc_name(r->code), r->expect);
}

/* A refused call still names its code in the result. */
static void result_of_a_refused_known_call_carries_its_code_and_name(void **state)
{
    fm_fixture *f = *state;
    vtl_hc_result r = fm_call(f->fm, HVCALL_SET_VP_REGISTERS, IN, 0);   /* rep count 0 */
    assert_int_equal(r.code, HVCALL_SET_VP_REGISTERS);
    assert_string_equal(r.name, "HvCallSetVpRegisters");
    assert_int_equal(r.status, HV_STATUS_INVALID_HYPERCALL_INPUT);
}

/* ---- rep fields ------------------------------------------------------------------------ */

/* Every row is refused on its control word alone: status 3, no reps, nothing touched,
 * whatever RDX/R8 hold (they point at valid input anyway). */
typedef struct rep_row {
    const char *name;
    unsigned code;
    unsigned count, start;
} rep_row;

static const rep_row rep_rows[] = {
    {"modify_vtl_protection_mask_with_rep_count_0_is_invalid_input", 0x000C, 0, 0},
    {"modify_vtl_protection_mask_with_rep_start_1_of_1_is_invalid_input", 0x000C, 1, 1},
    {"modify_vtl_protection_mask_with_rep_start_3_of_2_is_invalid_input", 0x000C, 2, 3},
    {"modify_vtl_protection_mask_with_rep_start_4095_of_4095_is_invalid_input", 0x000C, 4095, 4095},
    {"get_vp_registers_with_rep_count_0_is_invalid_input", 0x0050, 0, 0},
    {"get_vp_registers_with_rep_count_0_and_a_rep_start_is_invalid_input", 0x0050, 0, 5},
    {"get_vp_registers_with_rep_start_2_of_2_is_invalid_input", 0x0050, 2, 2},
    {"set_vp_registers_with_rep_count_0_is_invalid_input", 0x0051, 0, 0},
    {"set_vp_registers_with_rep_start_9_of_4_is_invalid_input", 0x0051, 4, 9},
    {"enable_partition_vtl_with_rep_count_1_is_invalid_input", 0x000D, 1, 0},
    {"enable_partition_vtl_with_rep_start_1_is_invalid_input", 0x000D, 0, 1},
    {"enable_vp_vtl_with_rep_count_4095_is_invalid_input", 0x000F, 4095, 0},
    {"enable_vp_vtl_with_rep_start_4095_is_invalid_input", 0x000F, 0, 4095},
    {"vtl_call_with_rep_count_1_is_invalid_input", 0x0011, 1, 0},
    {"vtl_call_with_rep_start_1_is_invalid_input", 0x0011, 0, 1},
    {"vtl_return_with_rep_count_1_is_invalid_input", 0x0012, 1, 0},
    {"vtl_return_with_rep_start_2048_is_invalid_input", 0x0012, 0, 2048},
};

static void run_rep_row(void **state)
{
    fm_fixture *f = *state;
    const rep_row *r = f->row;
    fake_machine *fm = f->fm;
    /* VTL1 running, entered by a call: every call would otherwise be accepted. */
    fm_run_in_vtl1(fm);
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, r->code | REPS(r->count, r->start), IN, OUT);

    fm_assert_plain_result(fm, &res, r->code, HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
    fm_assert_state_equal(&fm->st, &before);
    assert_machine_untouched(fm);
}

/* ---- bits that change nothing ------------------------------------------------------------ */

/* Bits 16-31 (fast and reserved), 44-47 and 60-63: VtlCall ignores the fast bit, and
 * reserved bits are not an error. */
static void vtl_call_ignores_reserved_control_bits(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    vtl_enable_at_boot(&fm->st, 1);
    vtl_hc_result r = fm_call(fm, UINT64_C(0xF000F000FFFF0000) | HVCALL_VTL_CALL, 0, 0);
    assert_int_equal(r.code, HVCALL_VTL_CALL);
    assert_int_equal(r.status, HV_STATUS_SUCCESS);
    assert_int_equal(r.action, VTL_HC_CALL);
    assert_int_equal(r.next_vtl, 1);
}

static void rep_call_ignores_reserved_control_bits(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    const hv_input_modify_vtl_protection_mask in = {.partition_id = SELF, .map_flags = HV_MAP_GPA_READABLE};
    fm_put(fm, IN, &in, sizeof(in));
    fm_put_u64(fm, IN + 16, 4);
    fm_put_u64(fm, IN + 24, 5);
    const uint64_t reserved = UINT64_C(0xF000F000FFFE0000);   /* all reserved bits, not fast */
    vtl_hc_result r = fm_call(fm, reserved | HVCALL_MODIFY_VTL_PROTECTION_MASK | REPS(2, 0), IN, 0);
    fm_assert_plain_result(fm, &r, HVCALL_MODIFY_VTL_PROTECTION_MASK, HV_STATUS_SUCCESS, 2);
    assert_int_equal(fm->nprotects, 2);
}

/* ---- control word and result macros --------------------------------------------------- */

static void control_fields_sit_where_the_tlfs_puts_them(void **state)
{
    (void)state;
    const uint64_t c = UINT64_C(0x0ABC0123000100CD);
    assert_int_equal(HV_CONTROL_CODE(c), 0x00CD);
    assert_true((c & HV_CONTROL_FAST) != 0);
    assert_int_equal(HV_CONTROL_REP_COUNT(c), 0x123);
    assert_int_equal(HV_CONTROL_REP_START(c), 0xABC);
    assert_int_equal(HV_CONTROL_REP_COUNT(UINT64_C(0xFFFFFFFFFFFFFFFF)), 0xFFF);
    assert_int_equal(HV_CONTROL_REP_START(UINT64_C(0xFFFFFFFFFFFFFFFF)), 0xFFF);
    assert_int_equal(HV_CONTROL_FAST, UINT64_C(0x10000));
}

static void result_puts_status_in_bits_15_0_and_reps_in_bits_43_32(void **state)
{
    (void)state;
    assert_int_equal(HV_RESULT(HV_STATUS_VTL_ALREADY_ENABLED, 0), 0x86);
    assert_int_equal(HV_RESULT(HV_STATUS_INVALID_PARAMETER, 3), UINT64_C(0x0000000300000005));
    assert_int_equal(HV_RESULT(0, 0xFFF), UINT64_C(0x00000FFF00000000));
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(result_of_a_refused_known_call_carries_its_code_and_name),
        T(vtl_call_ignores_reserved_control_bits),
        T(rep_call_ignores_reserved_control_bits),
        cmocka_unit_test(control_fields_sit_where_the_tlfs_puts_them),
        cmocka_unit_test(result_puts_status_in_bits_15_0_and_reps_in_bits_43_32),
    };
    struct CMUnitTest tests[ARRAY_LEN(unknown_rows) + ARRAY_LEN(name_rows) + ARRAY_LEN(rep_rows) +
                            ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(unknown_rows, run_unknown_row);
    ADD_ROWS(name_rows, run_name_row);
    ADD_ROWS(rep_rows, run_rep_row);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("vtl_hc_decode", tests, n, NULL, NULL);
}
