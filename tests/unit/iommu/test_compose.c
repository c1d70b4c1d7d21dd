/* Remapping composed with the SLAT of the device's VTL: the SLAT decides last whatever
 * the remapping allowed, with translation on or off; devices assigned to VTL1 use
 * VTL1's SLAT and never VTL0's tables; table reads are VTL0 reads; copy-on-write pages
 * are broken by writes only. */
#include "tests/unit/iommu/iommu_fixture.h"

#define IOVA_A  IOVA(1, 2, 3, 4, 0x567)
#define FRAME   (DATA_AT + 0x3000)

static iommu_result translate(fake *f, uint16_t rid, uint64_t iova, bool write, ve_status want)
{
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, rid, iova, write, &r), want);
    return r;
}

static void remapping_allows_a_read_that_the_slat_refuses(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    set_rights(f, 0, FRAME, FAKE_W);
    iommu_result r = translate(f, DEV, IOVA_A, false, VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_true(r.remapped);
    assert_true(r.gpa_known);
    assert_int_equal(r.gpa, FRAME | 0x567);
    assert_int_equal(r.vtl, 0);
    assert_true(r.recorded);
}

static void remapping_allows_a_write_to_a_page_vtl0_may_only_read(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    set_rights(f, 0, FRAME, FAKE_R);
    assert_int_equal(translate(f, DEV, IOVA_A, true, VE_E_DENIED).reason, IOMMU_FR_SLAT);
    assert_int_equal(translate(f, DEV, IOVA_A, false, VE_OK).spa, FRAME | 0x567);
}

static void remapping_refusal_comes_before_the_slat_is_asked(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_R);
    set_rights(f, 0, FRAME, 0);
    iommu_result r = translate(f, DEV, IOVA_A, true, VE_E_DENIED);
    assert_int_equal(r.reason, VTD_FR_NO_WRITE);
    assert_false(r.gpa_known);
}

static void with_translation_off_the_iova_is_the_gpa_and_the_slat_still_decides(void **state)
{
    fake *f = *state;
    set_rights(f, 0, DATA_AT, FAKE_R);
    iommu_result r = translate(f, DEV, DATA_AT + 0x80, true, VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_false(r.remapped);
    assert_true(r.gpa_known);
    assert_int_equal(r.gpa, DATA_AT + 0x80);
    assert_true(r.recorded);
    r = translate(f, DEV, DATA_AT + 0x80, false, VE_OK);
    assert_int_equal(r.gpa, DATA_AT + 0x80);
    assert_int_equal(r.spa, DATA_AT + 0x80);
}

static void with_translation_off_a_gpa_beyond_ram_is_refused(void **state)
{
    fake *f = *state;
    iommu_result r = translate(f, DEV, GPA_SIZE, false, VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_int_equal(translate(f, DEV, UINT64_MAX, true, VE_E_DENIED).reason, IOMMU_FR_SLAT);
}

static void the_spa_is_the_slats_answer_not_the_gpa(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    f->map[0][FRAME >> PAGE_SHIFT].frame = 40;
    iommu_result r = translate(f, DEV, IOVA_A, true, VE_OK);
    assert_int_equal(r.gpa, FRAME | 0x567);
    assert_int_equal(r.spa, 40 * PAGE_SIZE + 0x567);
}

static void a_slat_answer_outside_host_ram_is_refused(void **state)
{
    fake *f = *state;
    f->map[0][DATA_AT >> PAGE_SHIFT].frame = SPA_FRAMES;
    assert_int_equal(translate(f, DEV, DATA_AT, false, VE_E_DENIED).reason, IOMMU_FR_SLAT);
}

/* ---- devices and VTLs ----------------------------------------------------------------- */

static void every_device_starts_in_vtl0(void **state)
{
    fake *f = *state;
    static const uint16_t rids[] = {0x0000, DMA0, DEV, 0xffff};
    for (size_t i = 0; i < ARRAY_LEN(rids); i++)
        assert_int_equal(iommu_device_vtl(f->u, rids[i]), 0);
}

static void a_vtl1_device_is_checked_against_vtl1s_slat_not_vtl0s(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 1), VE_OK);
    assert_int_equal(iommu_device_vtl(f->u, DEV), 1);
    set_rights(f, 0, DATA_AT, 0);
    iommu_result r = translate(f, DEV, DATA_AT, true, VE_OK);
    assert_int_equal(r.vtl, 1);
    assert_int_equal(r.spa, DATA_AT);

    set_rights(f, 0, DATA_AT, FAKE_RW);
    set_rights(f, 1, DATA_AT, FAKE_R);
    r = translate(f, DEV, DATA_AT, true, VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_int_equal(r.vtl, 1);
}

static void a_vtl1_device_does_not_use_vtl0s_remapping_tables(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    put64(f, root_entry_gpa(DMA0), 0);        /* bus 0 not present: dma0 would fault */
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 1), VE_OK);
    assert_int_equal(iommu_set_device_vtl(f->u, DMA0, 1), VE_OK);
    /* IOVA_A is no RAM GPA: VTL0's mapping to FRAME does not apply. */
    iommu_result r = translate(f, DEV, IOVA_A, false, VE_E_DENIED);
    assert_int_equal(r.reason, IOMMU_FR_SLAT);
    assert_false(r.remapped);
    assert_int_equal(r.gpa, IOVA_A);
    r = translate(f, DMA0, DATA_AT + 8, false, VE_OK);
    assert_int_equal(r.gpa, DATA_AT + 8);
    assert_false(r.remapped);
}

static void assignment_is_per_device(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 1), VE_OK);
    assert_int_equal(iommu_device_vtl(f->u, DMA0), 0);
    assert_int_equal(iommu_device_vtl(f->u, DEV + 1), 0);
    assert_int_equal(iommu_device_vtl(f->u, DEV - 1), 0);
    set_rights(f, 0, DATA_AT, 0);
    assert_int_equal(translate(f, DMA0, DATA_AT, false, VE_E_DENIED).vtl, 0);
    assert_int_equal(translate(f, DEV, DATA_AT, false, VE_OK).vtl, 1);
}

static void a_device_given_back_to_vtl0_is_remapped_again(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 1), VE_OK);
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 0), VE_OK);
    iommu_result r = translate(f, DEV, IOVA_A, false, VE_OK);
    assert_true(r.remapped);
    assert_int_equal(r.gpa, FRAME | 0x567);
}

static void vtls_above_1_are_refused_and_change_nothing(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 1), VE_OK);
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, 2), VE_E_INVAL);
    assert_int_equal(iommu_set_device_vtl(f->u, DEV, UINT32_MAX), VE_E_INVAL);
    assert_int_equal(iommu_device_vtl(f->u, DEV), 1);
}

/* ---- table reads ------------------------------------------------------------------- */

static void a_root_table_vtl0_may_not_read_is_never_read(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    set_rights(f, 0, ROOT_AT, FAKE_W);
    f->read64_calls = 0;
    assert_int_equal(translate(f, DEV, IOVA_A, false, VE_E_DENIED).reason, VTD_FR_ROOT_TABLE_ACCESS);
    assert_int_equal(f->read64_calls, 0);
}

static void tables_in_vtl1_only_memory_do_not_leak_their_bits_through_fault_reasons(void **state)
{
    fake *f = *state;
    /* VTL0 points its second-level table at a page only VTL1 may read, whose bytes would
     * otherwise decide between "no read permission" and "reserved bits". */
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    set_rights(f, 0, L2_AT, 0);
    for (uint64_t secret = 0; secret < 4; secret++) {
        put64(f, L2_AT + ((IOVA_A >> 21) & 511) * 8, secret | BIT64(11));
        assert_int_equal(translate(f, DEV, IOVA_A, false, VE_E_DENIED).reason, VTD_FR_PAGING_ENTRY_ACCESS);
    }
}

static void table_changes_apply_to_the_next_request(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, FRAME, VTD_SL_RW);
    translate(f, DEV, IOVA_A, true, VE_OK);
    put64(f, L1_AT + ((IOVA_A >> 12) & 511) * 8, FRAME | VTD_SL_R);
    assert_int_equal(translate(f, DEV, IOVA_A, true, VE_E_DENIED).reason, VTD_FR_NO_WRITE);
    iommu_set_translation(f->u, false);
    assert_int_equal(translate(f, DEV, IOVA_A, true, VE_E_DENIED).reason, IOMMU_FR_SLAT);
}

/* ---- copy-on-write ------------------------------------------------------------------- */

/* DATA_AT shared copy-on-write by both VTLs on one frame. */
static void share_cow(fake *f)
{
    for (unsigned v = 0; v < IOMMU_VTLS; v++)
        f->map[v][DATA_AT >> PAGE_SHIFT].cow = true;
}

static void a_device_write_to_a_shared_page_breaks_the_share_for_its_vtl(void **state)
{
    fake *f = *state;
    share_cow(f);
    iommu_result r = translate(f, DEV, DATA_AT + 0x10, true, VE_OK);
    assert_int_equal(f->cow_calls, 1);
    assert_int_equal(r.spa, (uint64_t)GPA_PAGES * PAGE_SIZE + 0x10);   /* the first spare frame */
    assert_false(f->map[0][DATA_AT >> PAGE_SHIFT].cow);
    assert_true(f->map[1][DATA_AT >> PAGE_SHIFT].cow);
    assert_int_equal(f->map[1][DATA_AT >> PAGE_SHIFT].frame, DATA_AT >> PAGE_SHIFT);
    /* The private copy now takes writes without another break. */
    assert_int_equal(translate(f, DEV, DATA_AT, true, VE_OK).spa, (uint64_t)GPA_PAGES * PAGE_SIZE);
    assert_int_equal(f->cow_calls, 1);
}

static void a_device_read_of_a_shared_page_leaves_the_share(void **state)
{
    fake *f = *state;
    share_cow(f);
    assert_int_equal(translate(f, DEV, DATA_AT, false, VE_OK).spa, DATA_AT);
    assert_int_equal(f->cow_calls, 0);
    assert_true(f->map[0][DATA_AT >> PAGE_SHIFT].cow);
}

static void a_write_to_a_shared_page_its_vtl_may_only_read_stays_refused(void **state)
{
    fake *f = *state;
    share_cow(f);
    set_rights(f, 0, DATA_AT, FAKE_R);
    assert_int_equal(translate(f, DEV, DATA_AT, true, VE_E_DENIED).reason, IOMMU_FR_SLAT);
    assert_int_equal(f->cow_calls, 1);
    assert_true(f->map[0][DATA_AT >> PAGE_SHIFT].cow);
}

static void without_a_cow_hook_a_write_to_a_shared_page_is_refused(void **state)
{
    fake *f = *state;
    iommu_destroy(f->u);
    iommu_env env = fake_env(f);
    env.cow_write = NULL;
    assert_int_equal(iommu_create(&env, &f->u), VE_OK);
    share_cow(f);
    assert_int_equal(translate(f, DEV, DATA_AT, true, VE_E_DENIED).reason, IOMMU_FR_SLAT);
}

static void a_remapping_refusal_never_breaks_a_share(void **state)
{
    fake *f = *state;
    map_4k(f, DEV, IOVA_A, DATA_AT, VTD_SL_R);
    share_cow(f);
    assert_int_equal(translate(f, DEV, IOVA_A, true, VE_E_DENIED).reason, VTD_FR_NO_WRITE);
    assert_int_equal(f->cow_calls, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(remapping_allows_a_read_that_the_slat_refuses),
        T(remapping_allows_a_write_to_a_page_vtl0_may_only_read),
        T(remapping_refusal_comes_before_the_slat_is_asked),
        T(with_translation_off_the_iova_is_the_gpa_and_the_slat_still_decides),
        T(with_translation_off_a_gpa_beyond_ram_is_refused),
        T(the_spa_is_the_slats_answer_not_the_gpa),
        T(a_slat_answer_outside_host_ram_is_refused),
        T(every_device_starts_in_vtl0),
        T(a_vtl1_device_is_checked_against_vtl1s_slat_not_vtl0s),
        T(a_vtl1_device_does_not_use_vtl0s_remapping_tables),
        T(assignment_is_per_device),
        T(a_device_given_back_to_vtl0_is_remapped_again),
        T(vtls_above_1_are_refused_and_change_nothing),
        T(a_root_table_vtl0_may_not_read_is_never_read),
        T(tables_in_vtl1_only_memory_do_not_leak_their_bits_through_fault_reasons),
        T(table_changes_apply_to_the_next_request),
        T(a_device_write_to_a_shared_page_breaks_the_share_for_its_vtl),
        T(a_device_read_of_a_shared_page_leaves_the_share),
        T(a_write_to_a_shared_page_its_vtl_may_only_read_stays_refused),
        T(without_a_cow_hook_a_write_to_a_shared_page_is_refused),
        T(a_remapping_refusal_never_breaks_a_share),
    };
    return cmocka_run_group_tests_name("iommu_compose", tests, NULL, NULL);
}
