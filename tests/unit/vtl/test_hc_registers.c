/* HvCallGetVpRegisters and HvCallSetVpRegisters: which VTL's registers a call reaches,
 * header validation, the rep lists of names / associations, and the output slots. */
#include "tests/unit/vtl/fake_machine.h"

#define MAX_REPS   4
#define USE        HV_INPUT_VTL_USE_TARGET
#define HDR_SIZE   sizeof(hv_input_vp_registers)
#define NOT_A_NAME 0x00012345u
/* TLFS GPR names in encoding order from RAX (hv.h names only the ends). */
#define REG_RCX    (HV_REG_RAX + 1)
#define REG_RBX    (HV_REG_RAX + 3)
#define REG_RSP    (HV_REG_RAX + 4)

/* Every register of every VTL gets a distinct value: VTL in the top byte, the fake's
 * index in the low bits; the high half differs from the low. */
static uint64_t seed_lo(unsigned vtl, int idx) { return ((uint64_t)(vtl + 1) << 56) | (0x100u + (unsigned)idx); }
static uint64_t seed_hi(unsigned vtl, int idx) { return ((uint64_t)(vtl + 1) << 48) | (unsigned)idx; }

static void seed_regs(fake_machine *fm)
{
    for (unsigned v = 0; v < VTL_COUNT; v++)
        for (int i = 0; i < 32; i++) {
            fm->regs[v][i][0] = seed_lo(v, i);
            fm->regs[v][i][1] = seed_hi(v, i);
        }
}

static void arrange_caller(fake_machine *fm, unsigned caller)
{
    seed_regs(fm);
    if (caller == 1)
        fm_run_in_vtl1(fm);
}

static void put_header(fake_machine *fm, uint64_t at, uint64_t partition, uint32_t vp, uint8_t input_vtl)
{
    hv_input_vp_registers h;
    memset(&h, 0, sizeof(h));
    h.partition_id = partition;
    h.vp_index = vp;
    h.input_vtl = input_vtl;
    if (range_within(at, sizeof(h), FM_RAM))
        fm_put(fm, at, &h, sizeof(h));
}

static void deny_input_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, IN, FM_NO_READ); }
static void deny_page_after_input_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, IN + PAGE_SIZE, FM_NO_READ); }
static void deny_output_write_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, OUT, FM_NO_WRITE); }
static void deny_output_write_to_vtl0(fake_machine *fm) { fm_deny(fm, 0, OUT, FM_NO_WRITE); }
static void deny_page_after_output_write_to_vtl1(fake_machine *fm) { fm_deny(fm, 1, OUT + PAGE_SIZE, FM_NO_WRITE); }

/* ---- HvCallGetVpRegisters ------------------------------------------------------------ */

typedef struct get_row {
    const char *name;
    unsigned caller;                /* 1: VTL1 running (entered from VTL0); 0: VTL0 alone */
    uint64_t partition;
    uint32_t vp_index;
    uint8_t input_vtl;
    uint32_t names[MAX_REPS];       /* at rdx + 16 */
    unsigned rep_count, rep_start;
    uint64_t control_extra;
    uint64_t rdx, r8;
    void (*arrange)(fake_machine *fm);
    uint16_t status;
    unsigned reps_done;
    unsigned target;                /* whose registers the reps read */
    unsigned written_first, written;    /* output slots holding values; others untouched */
    unsigned reg_calls;
} get_row;

#define GET_OK(caller, ivtl) (caller), SELF, 0, (ivtl)

static const get_row get_rows[] = {
    {"get_from_vtl1_with_use_target_0_reads_vtl0_rip",
     GET_OK(1, USE | 0), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"get_of_four_registers_writes_four_16_byte_slots_in_order",
     GET_OK(1, USE | 0), {HV_REG_RIP, HV_REG_RAX, HV_REG_CR3, HV_REG_EFER}, 4, 0, 0, IN, OUT, NULL,
     HV_STATUS_SUCCESS, 4, 0, 0, 4, 4},
    {"get_of_r15_rflags_cr2_and_cr4_reads_each_by_its_tlfs_name",
     GET_OK(1, USE | 0), {HV_REG_R15, HV_REG_RFLAGS, HV_REG_CR2, HV_REG_CR4}, 4, 0, 0, IN, OUT, NULL,
     HV_STATUS_SUCCESS, 4, 0, 0, 4, 4},
    {"get_from_vtl1_with_input_vtl_0_reads_its_own_registers",
     GET_OK(1, 0), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 1, 0, 1, 1},
    {"get_from_vtl1_with_use_target_1_reads_its_own_registers",
     GET_OK(1, USE | 1), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 1, 0, 1, 1},
    {"get_with_target_bits_but_no_use_bit_reads_the_callers_own_vtl",
     GET_OK(1, 0x02), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 1, 0, 1, 1},
    {"get_ignores_the_reserved_input_vtl_bits",
     GET_OK(1, 0xE0 | USE | 0), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"get_from_vtl0_of_its_own_registers_succeeds",
     GET_OK(0, 0), {REG_RSP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"get_from_vtl0_with_use_target_0_succeeds",
     GET_OK(0, USE | 0), {HV_REG_CR0}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"get_accepts_vp_index_self",
     1, SELF, HV_VP_INDEX_SELF, USE, {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"get_with_output_8_byte_aligned_but_not_16_succeeds",
     GET_OK(1, USE), {HV_REG_RIP, HV_REG_RAX}, 2, 0, 0, IN, OUT + 8, NULL, HV_STATUS_SUCCESS, 2, 0, 0, 2, 2},
    {"get_with_rep_start_1_of_3_fills_slots_1_and_2_only",
     GET_OK(1, USE), {HV_REG_RIP, HV_REG_RAX, HV_REG_CR3}, 3, 1, 0, IN, OUT, NULL, HV_STATUS_SUCCESS, 3, 0, 1, 2, 2},
    {"get_writes_output_through_the_callers_view",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, 0, IN, OUT, deny_output_write_to_vtl0, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},

    {"get_from_vtl0_of_vtl1_is_access_denied",
     GET_OK(0, USE | 1), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, 0},
    {"get_from_vtl1_of_vtl2_is_access_denied",
     GET_OK(1, USE | 2), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, 0},
    {"get_from_vtl1_of_vtl15_is_access_denied",
     GET_OK(1, USE | 0xF), {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, 0},
    {"get_for_another_partition_is_invalid_parameter",
     1, 5, 0, USE, {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 0},
    {"get_for_vp_index_1_is_invalid_parameter",
     1, SELF, 1, USE, {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 0},
    {"get_with_bad_vp_index_is_reported_before_a_denied_target",
     1, SELF, 1, USE | 2, {HV_REG_RIP}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 0},
    {"get_of_an_unknown_name_first_is_invalid_parameter_with_nothing_written",
     GET_OK(1, USE), {NOT_A_NAME, HV_REG_RIP}, 2, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 1},
    {"get_of_an_unknown_name_second_stops_after_1_with_invalid_parameter",
     GET_OK(1, USE), {HV_REG_RIP, NOT_A_NAME, HV_REG_RAX}, 3, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER,
     1, 0, 0, 1, 2},
    {"get_of_name_zero_is_invalid_parameter",
     GET_OK(1, USE), {0}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 1},
    {"get_of_the_name_after_rflags_is_invalid_parameter",
     GET_OK(1, USE), {HV_REG_RFLAGS + 1}, 1, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 1},
    {"get_from_rep_start_1_stopping_at_rep_2_reports_2_done",
     GET_OK(1, USE), {HV_REG_RIP, HV_REG_RAX, NOT_A_NAME}, 3, 1, 0, IN, OUT, NULL, HV_STATUS_INVALID_PARAMETER,
     2, 0, 1, 1, 2},
    {"get_with_output_the_caller_cannot_write_is_invalid_input",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, 0, IN, OUT, deny_output_write_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT,
     0, 0, 0, 0, 1},
    {"get_with_output_running_into_an_unwritable_page_stops_after_2",
     GET_OK(1, USE), {HV_REG_RIP, HV_REG_RAX, REG_RBX}, 3, 0, 0, IN, OUT + PAGE_SIZE - 32,
     deny_page_after_output_write_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT, 2, 0, 0, 2, 3},
    {"get_with_output_outside_ram_is_invalid_input",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, 0, IN, FM_RAM, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, 1},
    {"get_with_names_running_into_an_unreadable_page_stops_after_2",
     GET_OK(1, USE), {HV_REG_RIP, HV_REG_RAX, HV_REG_CR3}, 3, 0, 0, IN + PAGE_SIZE - 24, OUT,
     deny_page_after_input_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT, 2, 0, 0, 2, 2},
    {"get_with_unreadable_header_is_invalid_input",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, 0, IN, OUT, deny_input_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT,
     0, 0, 0, 0, 0},
    {"get_with_input_gpa_off_alignment_is_invalid_alignment",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, 0, IN + 2, OUT, NULL, HV_STATUS_INVALID_ALIGNMENT, 0, 0, 0, 0, 0},
    {"get_with_output_gpa_off_alignment_is_invalid_alignment",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, 0, IN, OUT + 4, NULL, HV_STATUS_INVALID_ALIGNMENT, 0, 0, 0, 0, 0},
    {"get_fast_is_invalid_input",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 0, FAST, IN, OUT, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, 0},
    {"get_with_rep_count_0_is_invalid_input",
     GET_OK(1, USE), {HV_REG_RIP}, 0, 0, 0, IN, OUT, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, 0},
    {"get_with_rep_start_equal_to_rep_count_is_invalid_input",
     GET_OK(1, USE), {HV_REG_RIP}, 1, 1, 0, IN, OUT, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, 0},
};

static void run_get_row(void **state)
{
    fm_fixture *f = *state;
    const get_row *r = f->row;
    fake_machine *fm = f->fm;
    arrange_caller(fm, r->caller);
    if (r->arrange)
        r->arrange(fm);
    put_header(fm, r->rdx & ~UINT64_C(7), r->partition, r->vp_index, r->input_vtl);
    for (unsigned i = 0; i < MAX_REPS; i++)
        if (range_within((r->rdx & ~UINT64_C(7)) + HDR_SIZE + 4 * i, 4, FM_RAM))
            fm_put_u32(fm, (r->rdx & ~UINT64_C(7)) + HDR_SIZE + 4 * i, r->names[i]);
    const bool out_in_ram = range_within(r->r8, 16 * MAX_REPS, FM_RAM);
    if (out_in_ram)
        memset(fm->ram + r->r8, UNTOUCHED, 16 * MAX_REPS);
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, HVCALL_GET_VP_REGISTERS | REPS(r->rep_count, r->rep_start) | r->control_extra,
                                r->rdx, r->r8);

    fm_assert_plain_result(fm, &res, HVCALL_GET_VP_REGISTERS, r->status, r->reps_done);
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->reg_calls, r->reg_calls);
    for (unsigned i = 0; i < fm->reg_calls; i++) {
        assert_int_equal(fm->reg_log[i].vtl, r->target);
        assert_int_equal(fm->reg_log[i].name, r->names[r->rep_start + i]);
    }
    if (out_in_ram) {
        for (unsigned i = 0; i < MAX_REPS; i++) {
            const uint8_t *slot = fm->ram + r->r8 + 16 * i;
            if (i >= r->written_first && i < r->written_first + r->written) {
                const int idx = fm_reg_index(r->names[i]);
                assert_true(idx >= 0);
                assert_int_equal(fm_get_u64(fm, r->r8 + 16 * i), seed_lo(r->target, idx));
                assert_int_equal(fm_get_u64(fm, r->r8 + 16 * i + 8), seed_hi(r->target, idx));
            } else {
                assert_true(fm_all_bytes(slot, 16, UNTOUCHED));
            }
        }
    }
    /* Registers are only read. */
    for (unsigned v = 0; v < VTL_COUNT; v++)
        for (int i = 0; i < 32; i++)
            assert_int_equal(fm->regs[v][i][0], seed_lo(v, i));
}

/* ---- HvCallSetVpRegisters ------------------------------------------------------------ */

typedef struct set_row {
    const char *name;
    unsigned caller;
    uint64_t partition;
    uint32_t vp_index;
    uint8_t input_vtl;
    hv_register_assoc entries[MAX_REPS];    /* at rdx + 16 */
    unsigned rep_count, rep_start;
    uint64_t control_extra;
    uint64_t rdx, r8;
    void (*arrange)(fake_machine *fm);
    uint16_t status;
    unsigned reps_done;
    unsigned target;
    unsigned applied_first, applied;    /* entries that took effect */
    unsigned reg_calls;
} set_row;

#define A(n, lo, hi) {.name = (n), .value_low = (lo), .value_high = (hi)}
#define SET_OK(caller, ivtl) (caller), SELF, 0, (ivtl)

static const set_row set_rows[] = {
    {"set_from_vtl1_with_use_target_0_moves_vtl0_rip",
     SET_OK(1, USE | 0), {A(HV_REG_RIP, 0x401003, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"set_of_three_registers_applies_each_with_both_halves",
     SET_OK(1, USE | 0), {A(HV_REG_RAX, 1, 2), A(HV_REG_CR3, 0x5000, 0), A(HV_REG_RFLAGS, 0x202, 0x77)}, 3, 0, 0,
     IN, 0, NULL, HV_STATUS_SUCCESS, 3, 0, 0, 3, 3},
    {"set_ignores_the_pad_fields_of_an_entry",
     SET_OK(1, USE | 0), {{.name = HV_REG_RIP, .pad0 = 0xFFFFFFFF, .pad1 = ~UINT64_C(0), .value_low = 9}}, 1, 0, 0,
     IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"set_from_vtl1_with_input_vtl_0_writes_its_own_registers",
     SET_OK(1, 0), {A(HV_REG_RIP, 0x77, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 1, 0, 1, 1},
    {"set_from_vtl0_of_its_own_registers_succeeds",
     SET_OK(0, 0), {A(HV_REG_EFER, 0xD01, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"set_accepts_vp_index_self",
     1, SELF, HV_VP_INDEX_SELF, USE, {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"set_ignores_r8_even_unaligned",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 3, NULL, HV_STATUS_SUCCESS, 1, 0, 0, 1, 1},
    {"set_with_rep_start_2_of_3_applies_only_the_last_entry",
     SET_OK(1, USE), {A(HV_REG_RAX, 1, 0), A(REG_RCX, 2, 0), A(HV_REG_CR0, 3, 0)}, 3, 2, 0, IN, 0,
     NULL, HV_STATUS_SUCCESS, 3, 0, 2, 1, 1},

    {"set_from_vtl0_of_vtl1_is_access_denied",
     SET_OK(0, USE | 1), {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, 0},
    {"set_from_vtl1_of_vtl2_is_access_denied",
     SET_OK(1, USE | 2), {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_ACCESS_DENIED, 0, 0, 0, 0, 0},
    {"set_for_another_partition_is_invalid_parameter",
     1, 0, 0, USE, {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 0},
    {"set_for_vp_index_2_is_invalid_parameter",
     1, SELF, 2, USE, {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_PARAMETER, 0, 0, 0, 0, 0},
    {"set_of_an_unknown_name_second_stops_after_1_with_invalid_parameter",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0), A(NOT_A_NAME, 2, 0), A(HV_REG_RAX, 3, 0)}, 3, 0, 0, IN, 0, NULL,
     HV_STATUS_INVALID_PARAMETER, 1, 0, 0, 1, 2},
    {"set_from_rep_start_1_stopping_at_rep_2_reports_2_done",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0), A(HV_REG_RAX, 2, 0), A(NOT_A_NAME, 3, 0)}, 3, 1, 0, IN, 0, NULL,
     HV_STATUS_INVALID_PARAMETER, 2, 0, 1, 1, 2},
    {"set_with_entries_running_into_an_unreadable_page_stops_after_2",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0), A(HV_REG_RAX, 2, 0), A(HV_REG_CR3, 3, 0)}, 3, 0, 0,
     IN + PAGE_SIZE - 16 - 64, 0, deny_page_after_input_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT, 2, 0, 0, 2, 2},
    {"set_with_unreadable_header_is_invalid_input",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN, 0, deny_input_to_vtl1, HV_STATUS_INVALID_HYPERCALL_INPUT,
     0, 0, 0, 0, 0},
    {"set_with_input_gpa_off_alignment_is_invalid_alignment",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0)}, 1, 0, 0, IN + 4, 0, NULL, HV_STATUS_INVALID_ALIGNMENT, 0, 0, 0, 0, 0},
    {"set_fast_is_invalid_input",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0)}, 1, 0, FAST, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, 0},
    {"set_with_rep_count_0_is_invalid_input",
     SET_OK(1, USE), {A(HV_REG_RIP, 1, 0)}, 0, 0, 0, IN, 0, NULL, HV_STATUS_INVALID_HYPERCALL_INPUT, 0, 0, 0, 0, 0},
};

static void run_set_row(void **state)
{
    fm_fixture *f = *state;
    const set_row *r = f->row;
    fake_machine *fm = f->fm;
    arrange_caller(fm, r->caller);
    if (r->arrange)
        r->arrange(fm);
    const uint64_t at = r->rdx & ~UINT64_C(7);
    put_header(fm, at, r->partition, r->vp_index, r->input_vtl);
    for (unsigned i = 0; i < MAX_REPS; i++)
        fm_put(fm, at + HDR_SIZE + sizeof(hv_register_assoc) * i, &r->entries[i], sizeof(r->entries[i]));
    const vtl_state before = fm->st;
    uint64_t expect[VTL_COUNT][32][2];
    memcpy(expect, fm->regs, sizeof(expect));
    for (unsigned i = r->applied_first; i < r->applied_first + r->applied; i++) {
        const int idx = fm_reg_index(r->entries[i].name);
        assert_true(idx >= 0);
        expect[r->target][idx][0] = r->entries[i].value_low;
        expect[r->target][idx][1] = r->entries[i].value_high;
    }

    vtl_hc_result res = fm_call(fm, HVCALL_SET_VP_REGISTERS | REPS(r->rep_count, r->rep_start) | r->control_extra,
                                r->rdx, r->r8);

    fm_assert_plain_result(fm, &res, HVCALL_SET_VP_REGISTERS, r->status, r->reps_done);
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->reg_calls, r->reg_calls);
    for (unsigned i = 0; i < fm->reg_calls; i++) {
        assert_int_equal(fm->reg_log[i].vtl, r->target);
        assert_int_equal(fm->reg_log[i].name, r->entries[r->rep_start + i].name);
    }
    assert_memory_equal(fm->regs, expect, sizeof(expect));
    assert_int_equal(fm->gpa_writes, 0);
}

/* ---- together ------------------------------------------------------------------------ */

static void get_after_set_reads_back_both_halves(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    put_header(fm, IN, SELF, HV_VP_INDEX_SELF, USE | 0);
    const hv_register_assoc a = A(HV_REG_CR4, 0x6f8, 0x1234);
    fm_put(fm, IN + HDR_SIZE, &a, sizeof(a));
    assert_int_equal(fm_call(fm, HVCALL_SET_VP_REGISTERS | REPS(1, 0), IN, 0).rax, HV_RESULT(0, 1));

    fm_put_u32(fm, IN + HDR_SIZE, HV_REG_CR4);
    assert_int_equal(fm_call(fm, HVCALL_GET_VP_REGISTERS | REPS(1, 0), IN, OUT).rax, HV_RESULT(0, 1));
    assert_int_equal(fm_get_u64(fm, OUT), 0x6f8);
    assert_int_equal(fm_get_u64(fm, OUT + 8), 0x1234);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(get_after_set_reads_back_both_halves),
    };
    struct CMUnitTest tests[ARRAY_LEN(get_rows) + ARRAY_LEN(set_rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(get_rows, run_get_row);
    ADD_ROWS(set_rows, run_set_row);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("vtl_hc_registers", tests, n, NULL, NULL);
}
