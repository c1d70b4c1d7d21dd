/* common/physmem: creation, bounds of ptr/read/write (wrapping ranges included) and
 * the spare-frame pool (order, zeroing, exhaustion, bad frees). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/bits.h"
#include "common/physmem.h"
#include "common/status.h"

#define RAM     (4 * PAGE_SIZE)
#define SPARE   3
#define TOTAL   (RAM + SPARE * PAGE_SIZE)
#include "tests/unit/table_rows.h"

typedef struct fixture {
    physmem *pm;
    const void *row;
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    f->row = *state;
    if (physmem_create(RAM, SPARE, &f->pm) != VE_OK) {
        test_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    physmem_destroy(f->pm);
    test_free(f);
    return 0;
}

static bool all_bytes_are(const uint8_t *p, uint64_t len, uint8_t v)
{
    for (uint64_t i = 0; i < len; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* ---- creation ---------------------------------------------------------------------- */

typedef struct create_row {
    const char *name;
    uint64_t ram, spare;
    ve_status expect;
} create_row;

static const create_row create_rows[] = {
    {"create_with_zero_ram_is_invalid", 0, 1, VE_E_INVAL},
    {"create_with_ram_below_one_page_is_invalid", 0x800, 0, VE_E_INVAL},
    {"create_with_ram_not_a_multiple_of_4k_is_invalid", 0x1001, 0, VE_E_INVAL},
    {"create_whose_spare_frames_overflow_the_size_is_out_of_range", PAGE_SIZE, UINT64_MAX, VE_E_RANGE},
    {"create_one_frame_past_the_largest_size_is_out_of_range", PAGE_SIZE, (UINT64_MAX - PAGE_SIZE) / PAGE_SIZE + 1, VE_E_RANGE},
    {"create_with_largest_ram_plus_one_frame_is_out_of_range", UINT64_MAX & PAGE_MASK, 1, VE_E_RANGE},
    {"create_too_big_to_map_is_out_of_memory", PAGE_SIZE, (UINT64_MAX - PAGE_SIZE) / PAGE_SIZE, VE_E_NOMEM},
    {"create_with_largest_ram_is_out_of_memory", UINT64_MAX & PAGE_MASK, 0, VE_E_NOMEM},
    {"create_with_ram_only_succeeds", PAGE_SIZE, 0, VE_OK},
    {"create_with_ram_and_spare_frames_succeeds", 16 * PAGE_SIZE, 8, VE_OK},
};

static void run_create_row(void **state)
{
    const create_row *r = *state;
    physmem *pm = (physmem *)&pm;   /* any non-NULL value: a failed create must not write it */
    physmem *const before = pm;
    assert_int_equal(physmem_create(r->ram, r->spare, &pm), r->expect);
    if (r->expect != VE_OK) {
        assert_ptr_equal(pm, before);
        return;
    }
    assert_non_null(physmem_host(pm));
    assert_int_equal(physmem_ram_size(pm), r->ram);
    assert_int_equal(physmem_total_size(pm), r->ram + r->spare * PAGE_SIZE);
    assert_int_equal(physmem_frames_free(pm), r->spare);
    physmem_destroy(pm);
}

static void create_with_null_out_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(physmem_create(RAM, SPARE, NULL), VE_E_INVAL);
}

static void destroying_null_does_nothing(void **state)
{
    (void)state;
    physmem_destroy(NULL);
}

static void new_memory_is_all_zero(void **state)
{
    fixture *f = *state;
    assert_true(all_bytes_are(physmem_host(f->pm), TOTAL, 0));
}

/* ---- ptr / read / write bounds ---------------------------------------------------------- */

typedef struct bounds_row {
    const char *name;
    uint64_t spa, len;
    bool inside;
} bounds_row;

static const bounds_row bounds_rows[] = {
    {"whole_buffer_is_inside", 0, TOTAL, true},
    {"last_byte_of_the_buffer_is_inside", TOTAL - 1, 1, true},
    {"spare_frames_above_ram_are_inside", RAM, SPARE * PAGE_SIZE, true},
    {"range_across_the_ram_and_spare_boundary_is_inside", RAM - 8, 16, true},
    {"zero_length_at_the_end_is_inside", TOTAL, 0, true},
    {"zero_length_past_the_end_is_outside", TOTAL + 1, 0, false},
    {"one_byte_at_the_end_is_outside", TOTAL, 1, false},
    {"range_crossing_the_end_is_outside", TOTAL - 1, 2, false},
    {"whole_buffer_plus_one_byte_is_outside", 0, TOTAL + 1, false},
    {"top_of_the_address_space_is_outside", UINT64_MAX, 1, false},
    {"range_wrapping_from_the_top_back_to_zero_is_outside", UINT64_MAX, 2, false},
    {"range_wrapping_from_inside_back_into_the_buffer_is_outside", PAGE_SIZE, UINT64_MAX, false},
    {"range_near_the_end_wrapping_to_a_small_address_is_outside", TOTAL - 16, UINT64_MAX - TOTAL + 32, false},
};

static uint8_t big_buf[TOTAL];

static void run_bounds_row(void **state)
{
    fixture *f = *state;
    const bounds_row *r = f->row;
    uint8_t *host = physmem_host(f->pm);
    assert_ptr_equal(physmem_ptr(f->pm, r->spa, r->len), r->inside ? host + r->spa : NULL);
    ve_status want = r->inside ? VE_OK : VE_E_RANGE;
    /* Only inside rows touch big_buf, and they are at most TOTAL bytes long. */
    memset(big_buf, 0xa5, sizeof(big_buf));
    assert_int_equal(physmem_write(f->pm, r->spa, big_buf, r->len), want);
    memset(big_buf, 0, sizeof(big_buf));
    assert_int_equal(physmem_read(f->pm, r->spa, big_buf, r->len), want);
    if (r->inside)
        assert_true(all_bytes_are(big_buf, r->len, 0xa5));
    else
        assert_true(all_bytes_are(host, TOTAL, 0));   /* a refused write wrote nothing */
}

static void write_then_read_returns_the_same_bytes_through_every_view(void **state)
{
    fixture *f = *state;
    static const uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    uint8_t back[sizeof(data)] = {0};
    assert_int_equal(physmem_write(f->pm, RAM - 4, data, sizeof(data)), VE_OK);
    assert_int_equal(physmem_read(f->pm, RAM - 4, back, sizeof(back)), VE_OK);
    assert_memory_equal(back, data, sizeof(data));
    assert_memory_equal(physmem_ptr(f->pm, RAM - 4, sizeof(data)), data, sizeof(data));
    assert_memory_equal(physmem_host(f->pm) + RAM - 4, data, sizeof(data));
}

static void refused_read_leaves_the_buffer_untouched(void **state)
{
    fixture *f = *state;
    uint8_t buf[4] = {9, 9, 9, 9};
    assert_int_equal(physmem_read(f->pm, TOTAL - 2, buf, sizeof(buf)), VE_E_RANGE);
    assert_true(all_bytes_are(buf, sizeof(buf), 9));
}

/* ---- spare-frame pool ------------------------------------------------------------------- */

static void frames_are_handed_out_above_ram_lowest_first(void **state)
{
    fixture *f = *state;
    for (uint64_t i = 0; i < SPARE; i++) {
        uint64_t spa = 0;
        assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
        assert_int_equal(spa, RAM + i * PAGE_SIZE);
        assert_int_equal(physmem_frames_free(f->pm), SPARE - 1 - i);
    }
}

static void the_last_freed_frame_is_handed_out_next(void **state)
{
    fixture *f = *state;
    uint64_t a, b, c, again;
    assert_int_equal(physmem_frame_alloc(f->pm, &a), VE_OK);
    assert_int_equal(physmem_frame_alloc(f->pm, &b), VE_OK);
    assert_int_equal(physmem_frame_alloc(f->pm, &c), VE_OK);
    assert_int_equal(physmem_frame_free(f->pm, b), VE_OK);
    assert_int_equal(physmem_frame_alloc(f->pm, &again), VE_OK);
    assert_int_equal(again, b);
}

static void a_reused_frame_comes_back_zeroed(void **state)
{
    fixture *f = *state;
    uint64_t spa, again;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    memset(physmem_ptr(f->pm, spa, PAGE_SIZE), 0xcc, PAGE_SIZE);
    assert_int_equal(physmem_frame_free(f->pm, spa), VE_OK);
    assert_int_equal(physmem_frame_alloc(f->pm, &again), VE_OK);
    assert_int_equal(again, spa);
    assert_true(all_bytes_are(physmem_ptr(f->pm, spa, PAGE_SIZE), PAGE_SIZE, 0));
}

/* A frame written through ptr before being allocated (a stray host write) is zeroed too. */
static void a_dirty_frame_is_zeroed_on_first_allocation(void **state)
{
    fixture *f = *state;
    memset(physmem_ptr(f->pm, RAM, PAGE_SIZE), 0x77, PAGE_SIZE);
    uint64_t spa;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    assert_int_equal(spa, RAM);
    assert_true(all_bytes_are(physmem_ptr(f->pm, RAM, PAGE_SIZE), PAGE_SIZE, 0));
}

static void zeroing_a_frame_leaves_ram_and_other_frames_alone(void **state)
{
    fixture *f = *state;
    uint8_t *host = physmem_host(f->pm);
    memset(host, 0x11, TOTAL);
    uint64_t spa;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    assert_true(all_bytes_are(host, spa, 0x11));
    assert_true(all_bytes_are(host + spa, PAGE_SIZE, 0));
    assert_true(all_bytes_are(host + spa + PAGE_SIZE, TOTAL - spa - PAGE_SIZE, 0x11));
}

static void an_exhausted_pool_is_out_of_memory(void **state)
{
    fixture *f = *state;
    uint64_t spa;
    for (int i = 0; i < SPARE; i++)
        assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    spa = 0xdead;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_E_NOMEM);
    assert_int_equal(spa, 0xdead);
    assert_int_equal(physmem_frames_free(f->pm), 0);
}

static void a_pool_without_spare_frames_is_out_of_memory_at_once(void **state)
{
    (void)state;
    physmem *pm;
    assert_int_equal(physmem_create(RAM, 0, &pm), VE_OK);
    uint64_t spa;
    assert_int_equal(physmem_frame_alloc(pm, &spa), VE_E_NOMEM);
    assert_int_equal(physmem_frame_free(pm, RAM), VE_E_INVAL);
    physmem_destroy(pm);
}

static void freeing_every_frame_refills_the_pool(void **state)
{
    fixture *f = *state;
    uint64_t spa[SPARE];
    for (int i = 0; i < SPARE; i++)
        assert_int_equal(physmem_frame_alloc(f->pm, &spa[i]), VE_OK);
    for (int i = 0; i < SPARE; i++)
        assert_int_equal(physmem_frame_free(f->pm, spa[i]), VE_OK);
    assert_int_equal(physmem_frames_free(f->pm), SPARE);
    for (int i = 0; i < SPARE; i++)
        assert_int_equal(physmem_frame_alloc(f->pm, &spa[i]), VE_OK);
    assert_int_equal(physmem_frame_alloc(f->pm, &spa[0]), VE_E_NOMEM);
}

/* Fixture state for free rows: the first pool frame (SPA == RAM) is allocated. */
typedef struct free_row {
    const char *name;
    uint64_t spa;
    ve_status expect;
} free_row;

static const free_row free_rows[] = {
    {"freeing_an_allocated_frame_succeeds", RAM, VE_OK},
    {"freeing_the_first_ram_frame_is_invalid", 0, VE_E_INVAL},
    {"freeing_the_last_ram_frame_is_invalid", RAM - PAGE_SIZE, VE_E_INVAL},
    {"freeing_an_unaligned_spa_inside_an_allocated_frame_is_invalid", RAM + 1, VE_E_INVAL},
    {"freeing_a_frame_that_was_never_allocated_is_invalid", RAM + PAGE_SIZE, VE_E_INVAL},
    {"freeing_the_frame_just_past_the_pool_is_invalid", TOTAL, VE_E_INVAL},
    {"freeing_the_top_page_of_the_address_space_is_invalid", UINT64_MAX & PAGE_MASK, VE_E_INVAL},
    {"freeing_the_top_byte_of_the_address_space_is_invalid", UINT64_MAX, VE_E_INVAL},
};

static void run_free_row(void **state)
{
    fixture *f = *state;
    const free_row *r = f->row;
    uint64_t spa;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    assert_int_equal(spa, RAM);
    assert_int_equal(physmem_frame_free(f->pm, r->spa), r->expect);
    assert_int_equal(physmem_frames_free(f->pm), SPARE - (r->expect == VE_OK ? 0 : 1));
}

static void freeing_a_frame_twice_is_invalid_and_does_not_grow_the_pool(void **state)
{
    fixture *f = *state;
    uint64_t spa, next;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    assert_int_equal(physmem_frame_free(f->pm, spa), VE_OK);
    assert_int_equal(physmem_frame_free(f->pm, spa), VE_E_INVAL);
    assert_int_equal(physmem_frames_free(f->pm), SPARE);
    /* The frame is in the pool once: allocating everything hands it out once. */
    int seen = 0;
    while (physmem_frame_alloc(f->pm, &next) == VE_OK)
        seen += next == spa;
    assert_int_equal(seen, 1);
}

/* Free must forget the frame was in use, or its next owner could never give it back. */
static void a_reallocated_frame_can_be_freed_again(void **state)
{
    fixture *f = *state;
    uint64_t spa, again;
    assert_int_equal(physmem_frame_alloc(f->pm, &spa), VE_OK);
    assert_int_equal(physmem_frame_free(f->pm, spa), VE_OK);
    assert_int_equal(physmem_frame_alloc(f->pm, &again), VE_OK);
    assert_int_equal(again, spa);
    assert_int_equal(physmem_frame_free(f->pm, again), VE_OK);
    assert_int_equal(physmem_frames_free(f->pm), SPARE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#define ADD_ROWS(rows, fn, with_fixture) \
    ADD_TABLE_ROWS(tests, n, rows, fn, (with_fixture) ? setup : NULL, (with_fixture) ? teardown : NULL)

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(create_with_null_out_is_invalid),
        cmocka_unit_test(destroying_null_does_nothing),
        T(new_memory_is_all_zero),
        T(write_then_read_returns_the_same_bytes_through_every_view),
        T(refused_read_leaves_the_buffer_untouched),
        T(frames_are_handed_out_above_ram_lowest_first),
        T(the_last_freed_frame_is_handed_out_next),
        T(a_reused_frame_comes_back_zeroed),
        T(a_dirty_frame_is_zeroed_on_first_allocation),
        T(zeroing_a_frame_leaves_ram_and_other_frames_alone),
        T(an_exhausted_pool_is_out_of_memory),
        cmocka_unit_test(a_pool_without_spare_frames_is_out_of_memory_at_once),
        T(freeing_every_frame_refills_the_pool),
        T(freeing_a_frame_twice_is_invalid_and_does_not_grow_the_pool),
        T(a_reallocated_frame_can_be_freed_again),
    };
    struct CMUnitTest tests[ARRAY_LEN(create_rows) + ARRAY_LEN(bounds_rows) +
                            ARRAY_LEN(free_rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(create_rows, run_create_row, false);
    ADD_ROWS(bounds_rows, run_bounds_row, true);
    ADD_ROWS(free_rows, run_free_row, true);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("physmem", tests, n, NULL, NULL);
}
