/* The unit object: what creation accepts, the register-set state, argument checks and
 * the requester id helper. */
#include "tests/unit/iommu/iommu_fixture.h"

static void creation_needs_an_env_an_out_a_reader_and_a_slat(void **state)
{
    fake *f = *state;
    iommu *u = NULL;
    iommu_env env = fake_env(f);
    assert_int_equal(iommu_create(NULL, &u), VE_E_INVAL);
    assert_int_equal(iommu_create(&env, NULL), VE_E_INVAL);
    env.read64 = NULL;
    assert_int_equal(iommu_create(&env, &u), VE_E_INVAL);
    env = fake_env(f);
    env.slat = NULL;
    assert_int_equal(iommu_create(&env, &u), VE_E_INVAL);
    assert_null(u);
}

static void creation_needs_a_whole_number_of_pages_of_host_ram(void **state)
{
    fake *f = *state;
    iommu *u = NULL;
    iommu_env env = fake_env(f);
    env.spa_size = 0;
    assert_int_equal(iommu_create(&env, &u), VE_E_INVAL);
    env.spa_size = SPA_SIZE - 1;
    assert_int_equal(iommu_create(&env, &u), VE_E_INVAL);
    assert_null(u);
}

static void a_new_unit_translates_nothing_and_puts_every_device_in_vtl0(void **state)
{
    fake *f = *state;
    assert_false(iommu_translation_enabled(f->u));
    assert_int_equal(iommu_root_table(f->u), 0);
    assert_int_equal(iommu_device_vtl(f->u, DMA0), 0);
}

static void translation_enable_follows_the_last_setting(void **state)
{
    fake *f = *state;
    iommu_set_translation(f->u, true);
    assert_true(iommu_translation_enabled(f->u));
    iommu_set_translation(f->u, false);
    assert_false(iommu_translation_enabled(f->u));
}

static void root_table_must_be_page_aligned(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_root_table(f->u, ROOT_AT), VE_OK);
    assert_int_equal(iommu_set_root_table(f->u, CTX_AT + 0x10), VE_E_INVAL);
    assert_int_equal(iommu_root_table(f->u), ROOT_AT);
    assert_int_equal(iommu_set_root_table(f->u, UINT64_C(0xfffffffffffff000)), VE_OK);
    assert_int_equal(iommu_root_table(f->u), UINT64_C(0xfffffffffffff000));
}

static void root_table_at_the_top_of_the_address_space_is_an_access_error(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_root_table(f->u, UINT64_C(0xfffffffffffff000)), VE_OK);
    iommu_set_translation(f->u, true);
    iommu_result r;
    assert_int_equal(iommu_translate(f->u, 0xffff, 0, false, &r), VE_E_DENIED);
    assert_int_equal(r.reason, VTD_FR_ROOT_TABLE_ACCESS);
}

static void translate_needs_a_result(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_translate(f->u, DEV, 0, false, NULL), VE_E_INVAL);
    iommu_result r;
    assert_int_equal(iommu_translate(NULL, DEV, 0, false, &r), VE_E_INVAL);
}

static void destroying_no_unit_is_harmless(void **state)
{
    (void)state;
    iommu_destroy(NULL);
}

static void requester_ids_pack_bus_device_and_function(void **state)
{
    (void)state;
    assert_int_equal(iommu_rid(0, 3, 0), 0x0018);
    assert_int_equal(iommu_rid(DEV_BUS, DEV_DEVFN >> 3, DEV_DEVFN & 7), DEV);
    assert_int_equal(iommu_rid(0xff, 31, 7), 0xffff);
    assert_int_equal(iommu_rid(1, 0, 1), 0x0101);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(creation_needs_an_env_an_out_a_reader_and_a_slat),
        T(creation_needs_a_whole_number_of_pages_of_host_ram),
        T(a_new_unit_translates_nothing_and_puts_every_device_in_vtl0),
        T(translation_enable_follows_the_last_setting),
        T(root_table_must_be_page_aligned),
        T(root_table_at_the_top_of_the_address_space_is_an_access_error),
        T(translate_needs_a_result),
        T(destroying_no_unit_is_harmless),
        T(requester_ids_pack_bus_device_and_function),
    };
    return cmocka_run_group_tests_name("iommu_unit", tests, NULL, NULL);
}
