/* The fault recording queue: what a record holds, the order slots fill, overflow and
 * its recovery, the status register, the FRCD encoding, fault processing disable, and
 * which faults never reach VTL0's queue. */
#include "tests/unit/iommu/iommu_fixture.h"

/* Translation on with an all-zero root table: every VTL0 request faults with 0x1. */
static void empty_root(fake *f)
{
    clear_tables(f);
    assert_int_equal(iommu_set_root_table(f->u, ROOT_AT), VE_OK);
    iommu_set_translation(f->u, true);
}

static bool fault(fake *f, uint64_t iova, bool write)
{
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, iova, write, &r), VE_E_DENIED);
    return r.recorded;
}

static iommu_fault_record slot(fake *f, unsigned i)
{
    iommu_fault_record r;
    assert_int_equal(iommu_fault_read(f->u, i, &r), VE_OK);
    return r;
}

#define FSTS(pfo, ppf, fri) \
    ((uint32_t)((pfo) ? VTD_FSTS_PFO : 0) | ((ppf) ? VTD_FSTS_PPF : 0) | ((uint32_t)(fri) << VTD_FSTS_FRI_SHIFT))

static void a_new_unit_has_eight_empty_slots_and_a_clear_status(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_fault_slots(f->u), IOMMU_DEFAULT_FAULT_SLOTS);
    assert_int_equal(pending_faults(f->u), 0);
    assert_int_equal(iommu_fault_status(f->u), 0);
    assert_int_equal(iommu_faults_dropped(f->u), 0);
}

static void a_remapping_fault_fills_the_first_slot_with_its_details(void **state)
{
    fake *f = *state;
    empty_root(f);
    assert_true(fault(f, 0x12345678, true));
    iommu_fault_record r = slot(f, 0);
    assert_true(r.pending);
    assert_int_equal(r.reason, VTD_FR_ROOT_NOT_PRESENT);
    assert_int_equal(r.rid, DEV);
    assert_int_equal(r.vtl, 0);
    assert_int_equal(r.iova, 0x12345678);
    assert_true(r.write);
    assert_false(r.gpa_known);
    assert_int_equal(r.gpa, 0);
    assert_int_equal(iommu_fault_status(f->u), FSTS(0, 1, 0));
}

static void a_slat_refusal_is_recorded_with_its_gpa(void **state)
{
    fake *f = *state;
    set_rights(f, 0, DATA_AT, FAKE_W);
    assert_true(fault(f, DATA_AT + 0x10, false));
    iommu_fault_record r = slot(f, 0);
    assert_true(r.pending);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_false(r.write);
    assert_true(r.gpa_known);
    assert_int_equal(r.gpa, DATA_AT + 0x10);
}

static void a_successful_translation_records_nothing(void **state)
{
    fake *f = *state;
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, DATA_AT, true, &r), VE_OK);
    assert_false(r.recorded);
    assert_int_equal(pending_faults(f->u), 0);
    assert_int_equal(iommu_fault_status(f->u), 0);
}

static void faults_fill_the_slots_in_turn(void **state)
{
    fake *f = *state;
    empty_root(f);
    for (unsigned i = 0; i < 3; i++)
        assert_true(fault(f, 0x1000 * (i + 1), false));
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(slot(f, i).iova, 0x1000 * (i + 1));
    assert_false(slot(f, 3).pending);
    assert_int_equal(iommu_fault_status(f->u), FSTS(0, 1, 0));
}

static void a_full_queue_sets_overflow_and_drops_the_next_fault(void **state)
{
    fake *f = *state;
    empty_root(f);
    for (unsigned i = 0; i < 8; i++)
        assert_true(fault(f, 0x1000 * (i + 1), false));
    assert_false(fault(f, 0x99000, true));
    assert_int_equal(iommu_fault_status(f->u), FSTS(1, 1, 0));
    assert_int_equal(iommu_faults_dropped(f->u), 1);
    /* The oldest fault is kept, not overwritten. */
    assert_int_equal(slot(f, 0).iova, 0x1000);
    assert_int_equal(pending_faults(f->u), 8);
}

static void overflow_drops_faults_even_after_a_slot_is_freed_until_it_is_cleared(void **state)
{
    fake *f = *state;
    empty_root(f);
    for (unsigned i = 0; i < 9; i++)
        fault(f, 0x1000 * (i + 1), false);
    assert_int_equal(iommu_fault_clear(f->u, 0), VE_OK);
    assert_false(fault(f, 0xa0000, false));
    assert_int_equal(iommu_faults_dropped(f->u), 2);
    assert_false(slot(f, 0).pending);

    iommu_fault_clear_overflow(f->u);
    assert_int_equal(iommu_fault_status(f->u) & VTD_FSTS_PFO, 0);
    assert_true(fault(f, 0xb0000, true));
    /* The internal index wrapped to slot 0, which software freed. */
    assert_true(slot(f, 0).pending);
    assert_int_equal(slot(f, 0).iova, 0xb0000);
    assert_int_equal(iommu_faults_dropped(f->u), 2);
}

static void clearing_overflow_without_freeing_the_next_slot_overflows_again(void **state)
{
    fake *f = *state;
    empty_root(f);
    for (unsigned i = 0; i < 9; i++)
        fault(f, 0x1000 * (i + 1), false);
    iommu_fault_clear_overflow(f->u);
    assert_false(fault(f, 0xc0000, false));
    assert_int_equal(iommu_fault_status(f->u) & VTD_FSTS_PFO, VTD_FSTS_PFO);
    assert_int_equal(iommu_faults_dropped(f->u), 2);
}

static void clearing_every_slot_clears_pending_but_not_overflow(void **state)
{
    fake *f = *state;
    empty_root(f);
    for (unsigned i = 0; i < 9; i++)
        fault(f, 0x1000 * (i + 1), false);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(iommu_fault_clear(f->u, i), VE_OK);
    assert_int_equal(pending_faults(f->u), 0);
    assert_int_equal(iommu_fault_status(f->u) & (VTD_FSTS_PFO | VTD_FSTS_PPF), VTD_FSTS_PFO);
}

static void the_record_index_names_the_first_fault_recorded_while_none_was_pending(void **state)
{
    fake *f = *state;
    empty_root(f);
    for (unsigned i = 0; i < 3; i++)
        fault(f, 0x1000, false);
    for (unsigned i = 0; i < 3; i++)
        iommu_fault_clear(f->u, i);
    fault(f, 0x2000, false);
    fault(f, 0x3000, false);
    assert_int_equal(iommu_fault_status(f->u), FSTS(0, 1, 3));
    assert_int_equal(slot(f, 3).iova, 0x2000);
    assert_int_equal(slot(f, 4).iova, 0x3000);
}

static void clearing_a_free_slot_changes_nothing(void **state)
{
    fake *f = *state;
    empty_root(f);
    fault(f, 0x1000, false);
    assert_int_equal(iommu_fault_clear(f->u, 5), VE_OK);
    assert_int_equal(pending_faults(f->u), 1);
    assert_int_equal(iommu_fault_status(f->u), FSTS(0, 1, 0));
}

static void slots_past_the_last_are_out_of_range(void **state)
{
    fake *f = *state;
    iommu_fault_record r;
    assert_int_equal(iommu_fault_read(f->u, 8, &r), VE_E_RANGE);
    assert_int_equal(iommu_fault_read(f->u, UINT32_MAX, &r), VE_E_RANGE);
    assert_int_equal(iommu_fault_read(f->u, 0, NULL), VE_E_INVAL);
    assert_int_equal(iommu_fault_clear(f->u, 8), VE_E_RANGE);
}

static void a_single_slot_queue_overflows_on_the_second_fault(void **state)
{
    fake *f = *state;
    empty_root(f);
    assert_int_equal(iommu_fault_slots(f->u), 1);
    assert_true(fault(f, 0x1000, false));
    assert_false(fault(f, 0x2000, false));
    assert_int_equal(iommu_fault_status(f->u), FSTS(1, 1, 0));
    iommu_fault_clear(f->u, 0);
    iommu_fault_clear_overflow(f->u);
    assert_true(fault(f, 0x3000, false));
    assert_int_equal(slot(f, 0).iova, 0x3000);
}

static void a_256_slot_queue_fills_every_slot_and_names_the_last_in_its_index(void **state)
{
    fake *f = *state;
    empty_root(f);
    assert_int_equal(iommu_fault_slots(f->u), 256);
    for (unsigned i = 0; i < 255; i++)
        fault(f, 0x1000, false);
    for (unsigned i = 0; i < 255; i++)
        iommu_fault_clear(f->u, i);
    assert_true(fault(f, 0x5000, false));
    assert_int_equal(iommu_fault_status(f->u), FSTS(0, 1, 255));
    assert_true(fault(f, 0x6000, false));   /* wraps to slot 0 */
    assert_int_equal(slot(f, 0).iova, 0x6000);
}

static void queue_sizes_outside_1_to_256_are_refused(void **state)
{
    fake *f = *state;
    iommu_env env = fake_env(f);
    iommu *u = NULL;
    env.fault_slots = IOMMU_MAX_FAULT_SLOTS + 1;
    assert_int_equal(iommu_create(&env, &u), VE_E_INVAL);
    assert_null(u);
}

static void records_encode_to_the_fault_recording_register_layout(void **state)
{
    (void)state;
    iommu_fault_record r = {.pending = true, .reason = VTD_FR_NO_WRITE, .rid = 0x0518, .vtl = 0,
                            .iova = UINT64_C(0xfedcba9876543abc), .write = true};
    vtd_frcd e = iommu_fault_encode(&r);
    assert_int_equal(e.lo, UINT64_C(0xfedcba9876543000));
    assert_int_equal(e.hi, VTD_FRCD_F | (UINT64_C(0x05) << 32) | 0x0518);

    r.write = false;
    r.pending = false;
    r.reason = IOMMU_FR_SLAT;
    e = iommu_fault_encode(&r);
    assert_int_equal(e.hi, VTD_FRCD_T | (UINT64_C(0xf0) << 32) | 0x0518);
}

/* ---- fault processing disable ------------------------------------------------------ */

/* DEV's context entry: FPD set, plus the given low bits and AW; an empty path. */
static void fpd_context(fake *f, uint64_t lo, uint64_t hi)
{
    clear_tables(f);
    set_device(f, DEV, RE_OK, 0, lo | VTD_CE_FPD, hi);
    assert_int_equal(iommu_set_root_table(f->u, ROOT_AT), VE_OK);
    iommu_set_translation(f->u, true);
}

static void fpd_silences_a_context_not_present_fault_but_still_refuses_the_access(void **state)
{
    fake *f = *state;
    fpd_context(f, L4_AT, CE_HI(VTD_AW_48, 0));
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, 0x1000, false, &r), VE_E_DENIED);
    assert_int_equal(r.reason, VTD_FR_CONTEXT_NOT_PRESENT);
    assert_false(r.recorded);
    assert_int_equal(iommu_fault_status(f->u), 0);
    assert_int_equal(iommu_faults_dropped(f->u), 0);
}

static void fpd_silences_a_permission_fault(void **state)
{
    fake *f = *state;
    fpd_context(f, CE_LO(L4_AT, VTD_TT_SECOND_LEVEL), CE_HI(VTD_AW_48, 0));
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, 0x1000, true, &r), VE_E_DENIED);
    assert_int_equal(r.reason, VTD_FR_NO_WRITE);
    assert_false(r.recorded);
    assert_int_equal(pending_faults(f->u), 0);
}

static void fpd_does_not_silence_reserved_bits_in_its_own_context_entry(void **state)
{
    fake *f = *state;
    fpd_context(f, CE_LO(L4_AT, VTD_TT_SECOND_LEVEL) | BIT64(4), CE_HI(VTD_AW_48, 0));
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, 0x1000, false, &r), VE_E_DENIED);
    assert_int_equal(r.reason, VTD_FR_CONTEXT_RESERVED);
    assert_true(r.recorded);
}

static void fpd_does_not_silence_a_slat_refusal(void **state)
{
    fake *f = *state;
    fpd_context(f, CE_LO(0, VTD_TT_PASS_THROUGH), CE_HI(VTD_AW_48, 0));
    set_rights(f, 0, DATA_AT, FAKE_R);
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, DATA_AT, true, &r), VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_true(r.recorded);
    assert_int_equal(slot(f, 0).reason, IOMMU_FR_SLAT);
}

static void fpd_of_another_device_does_not_silence_this_one(void **state)
{
    fake *f = *state;
    fpd_context(f, L4_AT, CE_HI(VTD_AW_48, 0));
    const uint16_t other = DEV + 1;   /* same bus, next function: context entry left empty */
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, other, 0x1000, false, &r), VE_E_DENIED);
    assert_int_equal(r.reason, VTD_FR_CONTEXT_NOT_PRESENT);
    assert_true(r.recorded);
    assert_int_equal(slot(f, 0).rid, other);
}

static void faults_of_a_vtl1_device_never_reach_the_queue(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 1), VE_OK);
    set_rights(f, 1, DATA_AT, 0);
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, DEV, DATA_AT, false, &r), VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_int_equal(r.vtl, 1);
    assert_false(r.recorded);
    assert_int_equal(iommu_fault_status(f->u), 0);
    assert_int_equal(iommu_faults_dropped(f->u), 0);
}

/* ---- reason names ------------------------------------------------------------------- */

static void every_reason_has_its_trace_name(void **state)
{
    (void)state;
    static const struct {
        uint8_t reason;
        const char *name;
    } names[] = {
        {IOMMU_FR_NONE, "none"},
        {VTD_FR_ROOT_NOT_PRESENT, "root_entry_not_present"},
        {VTD_FR_CONTEXT_NOT_PRESENT, "context_entry_not_present"},
        {VTD_FR_CONTEXT_INVALID, "context_entry_invalid"},
        {VTD_FR_ADDR_BEYOND_AW, "address_beyond_width"},
        {VTD_FR_NO_WRITE, "no_write_permission"},
        {VTD_FR_NO_READ, "no_read_permission"},
        {VTD_FR_PAGING_ENTRY_ACCESS, "paging_entry_access_error"},
        {VTD_FR_ROOT_TABLE_ACCESS, "root_table_access_error"},
        {VTD_FR_CONTEXT_TABLE_ACCESS, "context_table_access_error"},
        {VTD_FR_ROOT_RESERVED, "root_entry_reserved_bits"},
        {VTD_FR_CONTEXT_RESERVED, "context_entry_reserved_bits"},
        {VTD_FR_PAGING_ENTRY_RESERVED, "paging_entry_reserved_bits"},
        {IOMMU_FR_SLAT, "slat_denied"},
        {0x0D, "unknown"},
        {0xFF, "unknown"},
    };
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        assert_string_equal(iommu_reason_name(names[i].reason), names[i].name);
}

static int setup_1(void **state) { return fake_setup_with(state, 1); }
static int setup_256(void **state) { return fake_setup_with(state, 256); }

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(a_new_unit_has_eight_empty_slots_and_a_clear_status),
        T(a_remapping_fault_fills_the_first_slot_with_its_details),
        T(a_slat_refusal_is_recorded_with_its_gpa),
        T(a_successful_translation_records_nothing),
        T(faults_fill_the_slots_in_turn),
        T(a_full_queue_sets_overflow_and_drops_the_next_fault),
        T(overflow_drops_faults_even_after_a_slot_is_freed_until_it_is_cleared),
        T(clearing_overflow_without_freeing_the_next_slot_overflows_again),
        T(clearing_every_slot_clears_pending_but_not_overflow),
        T(the_record_index_names_the_first_fault_recorded_while_none_was_pending),
        T(clearing_a_free_slot_changes_nothing),
        T(slots_past_the_last_are_out_of_range),
        cmocka_unit_test_setup_teardown(a_single_slot_queue_overflows_on_the_second_fault, setup_1, fake_teardown),
        cmocka_unit_test_setup_teardown(a_256_slot_queue_fills_every_slot_and_names_the_last_in_its_index,
                                        setup_256, fake_teardown),
        T(queue_sizes_outside_1_to_256_are_refused),
        T(records_encode_to_the_fault_recording_register_layout),
        T(fpd_silences_a_context_not_present_fault_but_still_refuses_the_access),
        T(fpd_silences_a_permission_fault),
        T(fpd_does_not_silence_reserved_bits_in_its_own_context_entry),
        T(fpd_does_not_silence_a_slat_refusal),
        T(fpd_of_another_device_does_not_silence_this_one),
        T(faults_of_a_vtl1_device_never_reach_the_queue),
        T(every_reason_has_its_trace_name),
    };
    return cmocka_run_group_tests_name("iommu_fault_queue", tests, NULL, NULL);
}
