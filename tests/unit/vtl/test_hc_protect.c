/* HvCallModifyVtlProtectionMask: header validation, the rep list of GPA page numbers,
 * and rep calls that stop part way with the exact reps completed. */
#include "tests/unit/vtl/fake_machine.h"

#define CODE HVCALL_MODIFY_VTL_PROTECTION_MASK
#define R    HV_MAP_GPA_READABLE
#define W    HV_MAP_GPA_WRITABLE
#define KX   HV_MAP_GPA_KERNEL_EXEC
#define UX   HV_MAP_GPA_USER_EXEC
#define COW  HV_MAP_VTLEMU_COW_SHARE

#define MAX_PAGES 8

typedef struct protect_row {
    const char *name;
    unsigned caller;                /* 1: VTL1 enabled at boot and running; 0: VTL0 alone */
    hv_input_modify_vtl_protection_mask in;   /* header, placed at rdx */
    uint64_t pages[MAX_PAGES];      /* page numbers, placed at rdx + 16 */
    unsigned rep_count, rep_start;
    uint64_t control_extra;         /* FAST */
    uint64_t rdx, r8;
    void (*arrange)(fake_machine *fm);
    uint16_t status;
    unsigned reps_done;
    /* pages[first .. first + protected) were protected, in order, with these: */
    unsigned first, protected;
    unsigned rights;
    bool cow;
    unsigned protect_calls;         /* accepted + refused by the machine */
} protect_row;

#define HDR(flags, target) {.partition_id = SELF, .map_flags = (flags), .target_vtl = (target)}
/* Page numbers inside the fake's RAM (16 pages), distinct so order shows. */
#define PAGES_4 {1, 3, 5, 7}

static void deny_input_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, IN, FM_NO_READ); }
static void deny_input_to_vtl0(fake_machine *fm) { fm_deny(fm, 0, IN, FM_NO_READ); }
static void deny_page_after_input_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, IN + PAGE_SIZE, FM_NO_READ); }
static void machine_refuses_page_5(fake_machine *fm)
{
    fm->protect_fail_gpa = 5 * PAGE_SIZE;
    fm->protect_fail = VE_E_DENIED;
}

static const protect_row rows[] = {
    /* Success. */
    {"protect_of_one_page_sets_vtl0_rights_on_that_gpa",
     1, HDR(R, 0), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 1, R, false, 1},
    {"protect_of_four_pages_sets_each_in_list_order",
     1, HDR(R | KX, 0), PAGES_4, 4, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 4, 0, 4, R | KX, false, 4},
    {"protect_with_every_valid_flag_passes_all_four_rights_and_cow",
     1, HDR(R | W | KX | UX | COW, 0), {2, 4}, 2, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 2, 0, 2, 0xF, true, 2},
    {"protect_with_no_rights_removes_all_access",
     1, HDR(0, 0), {2}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 1, 0, false, 1},
    {"protect_with_only_cow_passes_no_rights_and_cow",
     1, HDR(COW, 0), {2}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 1, 0, true, 1},
    {"protect_with_write_and_user_exec_passes_exactly_those",
     1, HDR(W | UX, 0), {2}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 1, W | UX, false, 1},
    {"protect_of_page_zero_passes_gpa_zero",
     1, HDR(R, 0), {0}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 1, R, false, 1},
    {"protect_ignores_r8_even_unaligned",
     1, HDR(R, 0), {9}, 1, 0, 0, IN, 3, NULL, HV_STATUS_SUCCESS, 1, 0, 1, R, false, 1},
    {"protect_ignores_the_reserved_header_bytes",
     1, {.partition_id = SELF, .map_flags = R, .target_vtl = 0, .reserved = {1, 2, 3}}, {9}, 1, 0, 0, IN, 0,
     NULL, HV_STATUS_SUCCESS, 1, 0, 1, R, false, 1},
    {"protect_reads_input_through_the_callers_view_not_the_targets",
     1, HDR(R, 0), {9}, 1, 0, 0, IN, 0, deny_input_to_vtl0, HV_STATUS_SUCCESS, 1, 0, 1, R, false, 1},
    {"protect_with_rep_start_2_of_4_does_entries_2_and_3_and_reports_4_done",
     1, HDR(R, 0), PAGES_4, 4, 2, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 4, 2, 2, R, false, 2},
    {"protect_with_rep_start_on_the_last_entry_does_that_one",
     1, HDR(W, 0), PAGES_4, 4, 3, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 4, 3, 1, W, false, 1},

    /* Header refused: no page is touched. */
    {"protect_for_another_partition_is_invalid_parameter",
     1, {.partition_id = 0, .map_flags = R}, {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER,
     0, 0, 0, 0, false, 0},
    {"protect_with_flag_0x10_is_invalid_parameter",
     1, HDR(0x10, 0), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, false, 0},
    {"protect_with_flag_0x200_is_invalid_parameter",
     1, HDR(R | 0x200, 0), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, false, 0},
    {"protect_with_flag_bit_31_is_invalid_parameter",
     1, HDR(R | 0x80000000u, 0), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, false, 0},
    {"protect_with_bad_flags_is_reported_before_a_bad_target",
     1, HDR(0x20, 1), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, false, 0},
    {"protect_from_vtl1_of_vtl1_itself_is_access_denied",
     1, HDR(R, 1), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, false, 0},
    {"protect_from_vtl1_of_vtl2_is_access_denied",
     1, HDR(R, 2), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, false, 0},
    {"protect_from_vtl1_of_vtl255_is_access_denied",
     1, HDR(R, 255), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, false, 0},
    {"protect_from_vtl0_of_vtl0_is_access_denied",
     0, HDR(R, 0), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, false, 0},
    {"protect_from_vtl0_of_vtl1_is_access_denied",
     0, HDR(R, 1), {9}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, false, 0},
    {"protect_header_refused_after_rep_start_reports_rep_start_done",
     1, HDR(R, 1), PAGES_4, 4, 2, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 2, 0, 0, 0, false, 0},

    /* Control word and input GPA. */
    {"protect_with_rep_count_0_is_invalid_input",
     1, HDR(R, 0), {9}, 0, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, false, 0},
    {"protect_with_rep_start_equal_to_rep_count_is_invalid_input_with_no_reps_done",
     1, HDR(R, 0), PAGES_4, 3, 3, 0, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, false, 0},
    {"protect_with_rep_start_past_rep_count_is_invalid_input_with_no_reps_done",
     1, HDR(R, 0), PAGES_4, 2, 5, 0, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, false, 0},
    {"protect_fast_is_invalid_input",
     1, HDR(R, 0), {9}, 1, 0, FAST, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, false, 0},
    {"protect_fast_with_rep_start_1_is_invalid_input_with_1_rep_done",
     1, HDR(R, 0), {9, 9}, 2, 1, FAST, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 1, 0, 0, 0, false, 0},
    {"protect_with_input_gpa_4_bytes_off_alignment_is_invalid_alignment",
     1, HDR(R, 0), {9}, 1, 0, 0, IN + 4, 0, NULL, HV_STATUS_INVALID_ALIGNMENT, 0, 0, 0, 0, false, 0},
    {"protect_with_unreadable_header_is_invalid_input",
     1, HDR(R, 0), {9}, 1, 0, 0, IN, 0, deny_input_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, false, 0},
    {"protect_with_unreadable_header_after_rep_start_reports_rep_start_done",
     1, HDR(R, 0), PAGES_4, 4, 2, 0, IN, 0, deny_input_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT,
     2, 0, 0, 0, false, 0},
    {"protect_with_header_outside_ram_is_invalid_input",
     1, HDR(R, 0), {0}, 1, 0, 0, FM_RAM, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, false, 0},

    /* Stopping part way. */
    {"protect_list_running_into_an_unreadable_page_stops_after_2_with_invalid_input",
     1, HDR(R, 0), PAGES_4, 4, 0, 0, IN + PAGE_SIZE - 32, 0, deny_page_after_input_to_vtl1,
     HV_STATUS_INVALID_HYPERCALL_INPUT, 2, 0, 2, R, false, 2},
    {"protect_list_running_out_of_ram_stops_with_invalid_input",
     1, HDR(R, 0), {1, 2}, 4, 0, 0, FM_RAM - 32, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 2, 0, 2, R, false, 2},
    {"protect_of_a_page_outside_ram_stops_there_with_invalid_parameter",
     1, HDR(R, 0), {1, FM_PAGES, 5}, 3, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 1, 0, 1, R, false, 2},
    {"protect_refused_by_the_machine_for_another_reason_is_invalid_parameter",
     1, HDR(R, 0), PAGES_4, 4, 0, 0, IN, 0, machine_refuses_page_5, HV_STATUS_INVALID_PARAMETER, 2, 0, 2, R, false, 3},
    {"protect_from_rep_start_1_stopping_at_entry_2_reports_2_done",
     1, HDR(R, 0), PAGES_4, 4, 1, 0, IN, 0, machine_refuses_page_5, HV_STATUS_INVALID_PARAMETER, 2, 1, 1, R, false, 2},
    {"protect_of_a_page_number_beyond_64_bit_gpas_is_invalid_parameter_without_asking_the_machine",
     1, HDR(R, 0), {UINT64_C(1) << 52}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, false, 0},
    {"protect_of_the_highest_page_number_asks_the_machine_which_refuses_it",
     1, HDR(R, 0), {(UINT64_C(1) << 52) - 1}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, false, 1},
};

static void run_row(void **state)
{
    fm_fixture *f = *state;
    const protect_row *r = f->row;
    fake_machine *fm = f->fm;
    if (r->caller == 1)
        fm_run_in_vtl1(fm);
    if (r->arrange)
        r->arrange(fm);
    const uint64_t at = r->rdx & ~UINT64_C(7);
    uint8_t input[sizeof(r->in) + sizeof(r->pages)];
    memcpy(input, &r->in, sizeof(r->in));
    memcpy(input + sizeof(r->in), r->pages, sizeof(r->pages));
    /* As much of the input as fits in RAM (rows about input past RAM rely on it). */
    size_t len = sizeof(input);
    if (at >= FM_RAM)
        len = 0;
    else if (len > FM_RAM - at)
        len = (size_t)(FM_RAM - at);
    fm_put(fm, at, input, len);
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, CODE | REPS(r->rep_count, r->rep_start) | r->control_extra, r->rdx, r->r8);

    fm_assert_plain_result(fm, &res, CODE, r->status, r->reps_done);
    assert_int_equal(fm->protect_calls, r->protect_calls);
    assert_int_equal(fm->nprotects, r->protected);
    for (unsigned i = 0; i < r->protected; i++) {
        const fm_protect *p = &fm->protects[i];
        assert_int_equal(p->caller, r->caller);
        assert_int_equal(p->target, r->in.target_vtl);
        assert_int_equal(p->gpa, r->pages[r->first + i] << PAGE_SHIFT);
        assert_int_equal(p->rights, r->rights);
        assert_int_equal(p->cow, r->cow);
    }
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->gpa_writes, 0);
    assert_int_equal(fm->assist_writes, 0);
    assert_int_equal(fm->reg_calls, 0);
}

/* ---- beyond the table ---------------------------------------------------------------- */

static void protect_with_the_largest_rep_count_reports_4095_reps_in_rax_bits_43_32(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    const hv_input_modify_vtl_protection_mask in = HDR(R, 0);
    fm_put(fm, 0, &in, sizeof(in));
    fm_put_u64(fm, 16 + 8 * 4094, 11);   /* the entry of rep 4094, read at RDX + 16 + 8*i */

    vtl_hc_result r = fm_call(fm, CODE | REPS(4095, 4094), 0, 0);

    assert_int_equal(r.status, HV_STATUS_SUCCESS);
    assert_int_equal(r.reps_done, 4095);
    assert_int_equal(r.rax, UINT64_C(0x00000FFF00000000));
    assert_int_equal(fm->nprotects, 1);
    assert_int_equal(fm->protects[0].gpa, 11 * PAGE_SIZE);
}

static void protect_stopped_part_way_puts_status_low_and_reps_done_at_bit_32(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    const hv_input_modify_vtl_protection_mask in = HDR(R, 0);
    fm_put(fm, IN, &in, sizeof(in));
    const uint64_t pages[] = {1, 2, FM_PAGES + 1, 4};
    fm_put(fm, IN + 16, pages, sizeof(pages));

    vtl_hc_result r = fm_call(fm, CODE | REPS(4, 0), IN, 0);

    assert_int_equal(r.rax, UINT64_C(0x0000000200000005));
}

/* The guest's side of the TLFS resume protocol: fix the entry that failed and reissue
 * with rep start = the reps done. Every page ends up protected exactly once. */
static void protect_stopped_part_way_can_be_resumed_from_reps_done(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    const hv_input_modify_vtl_protection_mask in = HDR(R | W, 0);
    fm_put(fm, IN, &in, sizeof(in));
    uint64_t pages[] = {1, 2, FM_PAGES + 3, 4, 6};
    fm_put(fm, IN + 16, pages, sizeof(pages));

    vtl_hc_result r = fm_call(fm, CODE | REPS(5, 0), IN, 0);
    assert_int_equal(r.status, HV_STATUS_INVALID_PARAMETER);
    assert_int_equal(r.reps_done, 2);

    fm_put_u64(fm, IN + 16 + 8 * r.reps_done, 3);
    r = fm_call(fm, CODE | REPS(5, r.reps_done), IN, 0);
    assert_int_equal(r.status, HV_STATUS_SUCCESS);
    assert_int_equal(r.reps_done, 5);

    const uint64_t expect[] = {1, 2, 3, 4, 6};
    assert_int_equal(fm->nprotects, ARRAY_LEN(expect));
    for (size_t i = 0; i < ARRAY_LEN(expect); i++)
        assert_int_equal(fm->protects[i].gpa, expect[i] << PAGE_SHIFT);
}

static void protect_with_input_gpa_at_the_top_of_the_address_space_is_invalid_input(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    vtl_hc_result r = fm_call(fm, CODE | REPS(1, 0), UINT64_C(0xFFFFFFFFFFFFFFF0), 0);
    fm_assert_plain_result(fm, &r, CODE, HV_STATUS_INVALID_HYPERCALL_INPUT, 0);
    assert_int_equal(fm->protect_calls, 0);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(protect_with_the_largest_rep_count_reports_4095_reps_in_rax_bits_43_32),
        T(protect_stopped_part_way_puts_status_low_and_reps_done_at_bit_32),
        T(protect_stopped_part_way_can_be_resumed_from_reps_done),
        T(protect_with_input_gpa_at_the_top_of_the_address_space_is_invalid_input),
    };
    struct CMUnitTest tests[ARRAY_LEN(rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(rows, run_row);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("vtl_hc_protect", tests, n, NULL, NULL);
}
