/* Copy-on-write frame accounting: sharing a page gives the target VTL the source VTL's
 * frame, its first write takes exactly one frame from the pool, sharing again returns
 * that frame. Runs on the demo guests (built before the tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emu/vtl_switch.h"

#define PAGE_GPA UINT64_C(0x300000)   /* free VTL0 RAM in the demo */

static bool is_return(const emu_event *ev, void *ctx)
{
    (void)ctx;
    return ev->kind == EV_VTL_RETURN;
}

static vtl_machine *boot_secure(void)
{
    emu_config cfg = { .mem_size = EMU_DEFAULT_MEM };
    vtl_machine *m = NULL;
    char err[256];
    assert_int_equal(emu_create(&cfg, &m, err, sizeof(err)), VE_OK);
    assert_int_equal(emu_load(m, "guest/build/vtl0.elf", "guest/build/sk.elf", err, sizeof(err)), VE_OK);
    emu_keep_events(m, true);
    assert_int_equal(emu_run_until(m, is_return, NULL, 0, NULL), EMU_RUN_EVENT);
    return m;
}

static slat_entry entry(vtl_machine *m, unsigned vtl, uint64_t gpa)
{
    slat_entry e;
    assert_int_equal(slat_lookup(m->vp[vtl].slat, gpa, &e), VE_OK);
    return e;
}

static void sharing_maps_the_source_frame_and_takes_no_frame(void **state)
{
    (void)state;
    vtl_machine *m = boot_secure();
    uint64_t free0 = physmem_frames_free(m->pm);
    assert_int_equal(emu_protect_page(m, 0, PAGE_GPA, SLAT_RWX, true, 1, "test"), VE_OK);
    slat_entry e0 = entry(m, 0, PAGE_GPA), e1 = entry(m, 1, PAGE_GPA);
    assert_true(e0.cow);
    assert_int_equal(e0.spa, e1.spa);
    assert_int_equal(physmem_frames_free(m->pm), free0);
    const emu_event *last = emu_event_get(m, emu_event_count(m) - 1);
    assert_int_equal(last->kind, EV_COW_SHARE);
    assert_int_equal(last->gpa, PAGE_GPA);
    emu_destroy(m);
}

static void the_first_write_takes_one_frame_with_the_same_bytes(void **state)
{
    (void)state;
    vtl_machine *m = boot_secure();
    uint8_t *shared = physmem_host(m->pm) + entry(m, 1, PAGE_GPA).spa;
    memset(shared, 0x5A, 4096);
    assert_int_equal(emu_protect_page(m, 0, PAGE_GPA, SLAT_RWX, true, 1, "test"), VE_OK);
    uint64_t free0 = physmem_frames_free(m->pm), old = entry(m, 0, PAGE_GPA).spa;
    assert_int_equal(emu_cow_break_page(m, 0, PAGE_GPA), VE_OK);
    slat_entry e0 = entry(m, 0, PAGE_GPA);
    assert_false(e0.cow);
    assert_int_not_equal(e0.spa, old);
    assert_true(e0.spa >= physmem_ram_size(m->pm));   /* from the pool above RAM */
    assert_int_equal(physmem_frames_free(m->pm), free0 - 1);
    assert_memory_equal(physmem_host(m->pm) + e0.spa, shared, 4096);
    const emu_event *last = emu_event_get(m, emu_event_count(m) - 1);
    assert_int_equal(last->kind, EV_COW_BREAK);
    assert_int_equal(last->spa, old);
    assert_int_equal(last->new_spa, e0.spa);
    /* VTL1 keeps the original frame. */
    assert_int_equal(entry(m, 1, PAGE_GPA).spa, old);
    /* A page that is no longer shared cannot be broken again. */
    assert_int_equal(emu_cow_break_page(m, 0, PAGE_GPA), VE_E_STATE);
    assert_int_equal(physmem_frames_free(m->pm), free0 - 1);
    emu_destroy(m);
}

static void sharing_again_returns_the_private_frame_to_the_pool(void **state)
{
    (void)state;
    vtl_machine *m = boot_secure();
    uint64_t free0 = physmem_frames_free(m->pm);
    assert_int_equal(emu_protect_page(m, 0, PAGE_GPA, SLAT_RWX, true, 1, "test"), VE_OK);
    assert_int_equal(emu_cow_break_page(m, 0, PAGE_GPA), VE_OK);
    assert_int_equal(physmem_frames_free(m->pm), free0 - 1);
    assert_int_equal(emu_protect_page(m, 0, PAGE_GPA, SLAT_RWX, true, 1, "test"), VE_OK);
    assert_int_equal(physmem_frames_free(m->pm), free0);
    assert_int_equal(entry(m, 0, PAGE_GPA).spa, entry(m, 1, PAGE_GPA).spa);
    emu_destroy(m);
}

static void a_dma_write_by_a_vtl0_device_breaks_the_share_too(void **state)
{
    (void)state;
    vtl_machine *m = boot_secure();
    assert_int_equal(emu_protect_page(m, 0, PAGE_GPA, SLAT_RWX, true, 1, "test"), VE_OK);
    uint64_t free0 = physmem_frames_free(m->pm), old = entry(m, 0, PAGE_GPA).spa;
    unsigned status = 0;
    uint64_t copied = 0;
    assert_int_equal(emu_dma(m, 0x0018, PAGE_GPA + 0x1000, PAGE_GPA, 64, &status, &copied), VE_OK);
    assert_int_equal(status, 1);
    assert_int_equal(copied, 64);
    slat_entry e0 = entry(m, 0, PAGE_GPA);
    assert_false(e0.cow);
    assert_int_not_equal(e0.spa, old);
    assert_int_equal(physmem_frames_free(m->pm), free0 - 1);
    assert_int_equal(entry(m, 1, PAGE_GPA).spa, old);
    emu_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sharing_maps_the_source_frame_and_takes_no_frame),
        cmocka_unit_test(the_first_write_takes_one_frame_with_the_same_bytes),
        cmocka_unit_test(sharing_again_returns_the_private_frame_to_the_pool),
        cmocka_unit_test(a_dma_write_by_a_vtl0_device_breaks_the_share_too),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
