/* The SLAT table itself: creation, lookup, rights over ranges, remapping and cow,
 * the generation counter, the trace string and the EPT entry layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/bits.h"
#include "common/status.h"
#include "slat/ept.h"
#include "slat/slat.h"
#include "tests/unit/table_rows.h"

#define PAGES   16
#define LIMIT   (PAGES * PAGE_SIZE)

#include "tests/unit/slat/slat_fixture.h"

static slat_entry entry_of(const slat *s, uint64_t gpa)
{
    slat_entry e = {0};
    assert_int_equal(slat_lookup(s, gpa, &e), VE_OK);
    return e;
}

/* ---- creation ---------------------------------------------------------------------- */

typedef struct create_row {
    const char *name;
    uint64_t gpa_limit;
    ve_status expect;
} create_row;

static const create_row create_rows[] = {
    {"create_with_zero_limit_is_invalid", 0, VE_E_INVAL},
    {"create_with_limit_below_one_page_is_invalid", 0x800, VE_E_INVAL},
    {"create_with_limit_not_a_multiple_of_4k_is_invalid", 0x1001, VE_E_INVAL},
    {"create_with_largest_unaligned_limit_is_invalid", UINT64_MAX, VE_E_INVAL},
    {"create_with_limit_past_the_ept_frame_field_is_out_of_range", BIT64(52) + PAGE_SIZE, VE_E_RANGE},
    {"create_with_largest_aligned_limit_is_out_of_range", UINT64_MAX & PAGE_MASK, VE_E_RANGE},
    {"create_with_one_page_succeeds", PAGE_SIZE, VE_OK},
    {"create_with_256_mib_succeeds", 256 * UINT64_C(1) << 20, VE_OK},
};

static void run_create_row(void **state)
{
    const create_row *r = *state;
    slat *s = (slat *)&s;   /* any non-NULL value: a failed create must not write it */
    slat *const before = s;
    assert_int_equal(slat_create(r->gpa_limit, &s), r->expect);
    if (r->expect != VE_OK) {
        assert_ptr_equal(s, before);
        return;
    }
    assert_int_equal(slat_gpa_limit(s), r->gpa_limit);
    assert_int_equal(slat_generation(s), 0);
    slat_destroy(s);
}

static void create_with_null_out_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(slat_create(LIMIT, NULL), VE_E_INVAL);
}

static void destroying_null_does_nothing(void **state)
{
    (void)state;
    slat_destroy(NULL);
}

/* ---- lookup ------------------------------------------------------------------------ */

static void new_table_maps_every_page_to_itself_with_full_rights(void **state)
{
    fixture *f = *state;
    for (uint64_t gpa = 0; gpa < LIMIT; gpa += PAGE_SIZE) {
        slat_entry e = entry_of(f->s, gpa);
        assert_int_equal(e.spa, gpa);
        assert_int_equal(e.rights, SLAT_RWX);
        assert_false(e.cow);
    }
}

static void lookup_of_an_address_inside_a_page_gives_the_page_entry(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 3 * PAGE_SIZE, 0x42000, true), VE_OK);
    slat_entry e = entry_of(f->s, 3 * PAGE_SIZE + 0xabc);
    assert_int_equal(e.spa, 0x42000);   /* the page's frame, without the offset */
    assert_true(e.cow);
}

static void lookup_at_or_past_gpa_limit_is_out_of_range(void **state)
{
    fixture *f = *state;
    static const uint64_t gpas[] = {LIMIT, LIMIT + 1, BIT64(52), UINT64_MAX};
    for (size_t i = 0; i < ARRAY_LEN(gpas); i++) {
        slat_entry e = {.spa = 0xdead};
        assert_int_equal(slat_lookup(f->s, gpas[i], &e), VE_E_RANGE);
        assert_int_equal(e.spa, 0xdead);
    }
    assert_int_equal(entry_of(f->s, LIMIT - 1).spa, LIMIT - PAGE_SIZE);
}

static void lookup_with_null_out_is_invalid(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_lookup(f->s, 0, NULL), VE_E_INVAL);
}

/* ---- set_rights over ranges ---------------------------------------------------------- */

/* Pages first..last get the row's rights; every other page must keep SLAT_RWX.
 * first > last (NONE) means nothing may change. */
#define NONE 1, 0
typedef struct range_row {
    const char *name;
    uint64_t gpa, len;
    unsigned rights;
    ve_status expect;
    uint64_t first, last;
} range_row;

static const range_row range_rows[] = {
    {"one_byte_inside_a_page_restricts_that_whole_page", 0x2800, 1, SLAT_R, VE_OK, 2, 2},
    {"range_with_partial_pages_at_both_ends_restricts_both_end_pages", 0x2fff, 0x1002, SLAT_R, VE_OK, 2, 4},
    {"page_aligned_range_restricts_only_its_own_pages", 0x3000, 0x2000, SLAT_R, VE_OK, 3, 4},
    {"range_ending_one_byte_into_a_page_restricts_that_page", 0x3000, 0x1001, SLAT_R, VE_OK, 3, 4},
    {"range_ending_exactly_at_gpa_limit_is_accepted", LIMIT - 0x2000, 0x2000, SLAT_R, VE_OK, PAGES - 2, PAGES - 1},
    {"last_byte_below_gpa_limit_is_accepted", LIMIT - 1, 1, SLAT_R, VE_OK, PAGES - 1, PAGES - 1},
    {"whole_table_at_once_is_accepted", 0, LIMIT, 0, VE_OK, 0, PAGES - 1},
    {"range_crossing_gpa_limit_changes_nothing", LIMIT - 0x1000, 0x1001, SLAT_R, VE_E_RANGE, NONE},
    {"range_starting_at_gpa_limit_is_out_of_range", LIMIT, 1, SLAT_R, VE_E_RANGE, NONE},
    {"range_far_past_gpa_limit_is_out_of_range", BIT64(40), PAGE_SIZE, SLAT_R, VE_E_RANGE, NONE},
    {"range_wrapping_past_the_top_of_the_address_space_is_out_of_range", UINT64_MAX & PAGE_MASK, 0x2000, SLAT_R, VE_E_RANGE, NONE},
    {"range_starting_inside_and_wrapping_around_is_out_of_range", 0x1000, UINT64_MAX, SLAT_R, VE_E_RANGE, NONE},
    {"range_wrapping_back_into_the_table_is_out_of_range", UINT64_MAX, 0x2001, SLAT_R, VE_E_RANGE, NONE},
    {"zero_length_is_invalid", 0x1000, 0, SLAT_R, VE_E_INVAL, NONE},
    {"zero_length_at_gpa_limit_is_invalid", LIMIT, 0, SLAT_R, VE_E_INVAL, NONE},
    {"rights_above_rwku_are_invalid", 0x1000, 0x1000, SLAT_RWX + 1, VE_E_INVAL, NONE},
    {"cow_share_flag_0x100_is_not_a_rights_value", 0x1000, 0x1000, 0x100 | SLAT_R, VE_E_INVAL, NONE},
    {"invalid_rights_are_reported_before_out_of_range", LIMIT, 0x1000, 0x10, VE_E_INVAL, NONE},
};

static void run_range_row(void **state)
{
    fixture *f = *state;
    const range_row *r = f->row;
    assert_int_equal(slat_set_rights(f->s, r->gpa, r->len, r->rights), r->expect);
    for (uint64_t p = 0; p < PAGES; p++) {
        bool inside = p >= r->first && p <= r->last;
        slat_entry e = entry_of(f->s, p * PAGE_SIZE);
        if (e.rights != (inside ? r->rights : SLAT_RWX)) {
            print_error("page %llu has rights %#x\n", (unsigned long long)p, e.rights);
            fail();
        }
        assert_int_equal(e.spa, p * PAGE_SIZE);
        assert_false(e.cow);
    }
    assert_int_equal(slat_generation(f->s), r->first <= r->last ? 1 : 0);
}

static void set_rights_keeps_the_frame_and_cow_mark_of_a_remapped_page(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x4000, 0x90000, true), VE_OK);
    assert_int_equal(slat_set_rights(f->s, 0x4000, PAGE_SIZE, SLAT_R | SLAT_KX), VE_OK);
    slat_entry e = entry_of(f->s, 0x4000);
    assert_int_equal(e.spa, 0x90000);
    assert_int_equal(e.rights, SLAT_R | SLAT_KX);
    assert_true(e.cow);
}

static void set_rights_can_restore_full_rights(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, 0, LIMIT, 0), VE_OK);
    assert_int_equal(slat_set_rights(f->s, 0x1000, 0x1000, SLAT_RWX), VE_OK);
    assert_int_equal(entry_of(f->s, 0x1000).rights, SLAT_RWX);
    assert_int_equal(entry_of(f->s, 0x2000).rights, 0);
}

/* ---- set_page and cow ---------------------------------------------------------------- */

static void set_page_points_the_page_at_the_new_frame_and_keeps_its_rights(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, 0x5000, PAGE_SIZE, SLAT_R | SLAT_UX), VE_OK);
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x123456000, false), VE_OK);
    slat_entry e = entry_of(f->s, 0x5000);
    assert_int_equal(e.spa, 0x123456000);
    assert_int_equal(e.rights, SLAT_R | SLAT_UX);
    assert_false(e.cow);
}

static void set_page_leaves_neighbouring_pages_alone(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x80000, true), VE_OK);
    assert_int_equal(entry_of(f->s, 0x4000).spa, 0x4000);
    assert_int_equal(entry_of(f->s, 0x6000).spa, 0x6000);
    assert_false(entry_of(f->s, 0x4000).cow);
    assert_false(entry_of(f->s, 0x6000).cow);
}

static void set_page_with_cow_marks_the_page_and_denies_writes(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x80000, true), VE_OK);
    assert_true(entry_of(f->s, 0x5000).cow);
    assert_int_equal(entry_of(f->s, 0x5000).rights, SLAT_RWX);
    assert_int_equal(slat_check(f->s, 0x5000, SLAT_ACC_WRITE, 0, NULL), VE_E_DENIED);
    uint64_t spa = 0;
    assert_int_equal(slat_check(f->s, 0x5010, SLAT_ACC_READ, 0, &spa), VE_OK);
    assert_int_equal(spa, 0x80010);
}

/* What the emulator does on a cow break: a private frame, cow cleared, writes go on. */
static void breaking_a_share_with_a_private_frame_allows_writes_again(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x80000, true), VE_OK);
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x91000, false), VE_OK);
    uint64_t spa = 0;
    assert_int_equal(slat_check(f->s, 0x5008, SLAT_ACC_WRITE, 0, &spa), VE_OK);
    assert_int_equal(spa, 0x91008);
}

static void cow_page_without_write_right_stays_unwritable_after_the_break(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, 0x5000, PAGE_SIZE, SLAT_R), VE_OK);
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x80000, true), VE_OK);
    assert_int_equal(slat_set_page(f->s, 0x5000, 0x91000, false), VE_OK);
    assert_int_equal(slat_check(f->s, 0x5000, SLAT_ACC_WRITE, 0, NULL), VE_E_DENIED);
}

typedef struct set_page_row {
    const char *name;
    uint64_t gpa, spa;
    ve_status expect;
} set_page_row;

static const set_page_row set_page_rows[] = {
    {"set_page_with_unaligned_gpa_is_invalid", 0x5001, 0x80000, VE_E_INVAL},
    {"set_page_with_unaligned_spa_is_invalid", 0x5000, 0x80800, VE_E_INVAL},
    {"set_page_with_spa_past_the_ept_frame_field_is_invalid", 0x5000, BIT64(52), VE_E_INVAL},
    {"set_page_with_top_of_address_space_spa_is_invalid", 0x5000, UINT64_MAX & PAGE_MASK, VE_E_INVAL},
    {"set_page_at_gpa_limit_is_out_of_range", LIMIT, 0x80000, VE_E_RANGE},
    {"set_page_far_past_gpa_limit_is_out_of_range", UINT64_MAX & PAGE_MASK, 0x80000, VE_E_RANGE},
    {"set_page_on_the_last_page_succeeds", LIMIT - PAGE_SIZE, 0x80000, VE_OK},
    {"set_page_to_the_highest_frame_succeeds", 0, MASK64(51, 12), VE_OK},
};

static void run_set_page_row(void **state)
{
    fixture *f = *state;
    const set_page_row *r = f->row;
    assert_int_equal(slat_set_page(f->s, r->gpa, r->spa, true), r->expect);
    if (r->expect == VE_OK) {
        assert_int_equal(entry_of(f->s, r->gpa).spa, r->spa);
        assert_int_equal(slat_generation(f->s), 1);
        return;
    }
    for (uint64_t gpa = 0; gpa < LIMIT; gpa += PAGE_SIZE) {
        slat_entry e = entry_of(f->s, gpa);
        assert_int_equal(e.spa, gpa);
        assert_false(e.cow);
    }
    assert_int_equal(slat_generation(f->s), 0);
}

/* ---- generation ---------------------------------------------------------------------- */

static void new_table_is_at_generation_zero(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_generation(f->s), 0);
}

static void set_rights_over_many_pages_bumps_generation_once(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, 0, LIMIT, SLAT_R), VE_OK);
    assert_int_equal(slat_generation(f->s), 1);
}

static void set_rights_that_pages_already_have_does_not_bump_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, 0, LIMIT, SLAT_RWX), VE_OK);
    assert_int_equal(slat_generation(f->s), 0);
    assert_int_equal(slat_set_rights(f->s, 0x1000, 0x3000, SLAT_R), VE_OK);
    assert_int_equal(slat_set_rights(f->s, 0x1000, 0x3000, SLAT_R), VE_OK);
    assert_int_equal(slat_generation(f->s), 1);
}

/* The one changed page is the last of the range, then the first: either counts. */
static void set_rights_changing_one_page_of_its_range_bumps_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, 0x2000, 0x2000, SLAT_R), VE_OK);
    assert_int_equal(slat_set_rights(f->s, 0x2000, 0x3000, SLAT_R), VE_OK);
    assert_int_equal(slat_generation(f->s), 2);
    assert_int_equal(slat_set_rights(f->s, 0x1000, 0x4000, SLAT_R), VE_OK);
    assert_int_equal(slat_generation(f->s), 3);
}

static void refused_set_rights_does_not_bump_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, LIMIT - 0x1000, 0x2000, 0), VE_E_RANGE);
    assert_int_equal(slat_set_rights(f->s, 0, 0, 0), VE_E_INVAL);
    assert_int_equal(slat_generation(f->s), 0);
}

static void set_page_to_a_new_frame_bumps_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x2000, 0x80000, false), VE_OK);
    assert_int_equal(slat_generation(f->s), 1);
}

static void set_page_to_its_current_frame_and_cow_does_not_bump_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x2000, 0x2000, false), VE_OK);
    assert_int_equal(slat_generation(f->s), 0);
    assert_int_equal(slat_set_page(f->s, 0x2000, 0x80000, true), VE_OK);
    assert_int_equal(slat_set_page(f->s, 0x2000, 0x80000, true), VE_OK);
    assert_int_equal(slat_generation(f->s), 1);
}

static void set_page_flipping_only_the_cow_mark_bumps_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x2000, 0x2000, true), VE_OK);
    assert_int_equal(slat_generation(f->s), 1);
    assert_int_equal(slat_set_page(f->s, 0x2000, 0x2000, false), VE_OK);
    assert_int_equal(slat_generation(f->s), 2);
}

static void refused_set_page_does_not_bump_generation(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, 0x2001, 0x80000, true), VE_E_INVAL);
    assert_int_equal(slat_set_page(f->s, LIMIT, 0x80000, true), VE_E_RANGE);
    assert_int_equal(slat_generation(f->s), 0);
}

/* ---- rights string ------------------------------------------------------------------- */

static void rights_str_spells_all_16_rights_values(void **state)
{
    (void)state;
    static const char *const want[16] = {
        "----", "R---", "-W--", "RW--", "--K-", "R-K-", "-WK-", "RWK-",
        "---U", "R--U", "-W-U", "RW-U", "--KU", "R-KU", "-WKU", "RWKU",
    };
    for (unsigned r = 0; r < 16; r++) {
        char buf[5] = "xxxx";
        assert_ptr_equal(slat_rights_str(r, buf), buf);
        assert_string_equal(buf, want[r]);
    }
}

static void rights_str_ignores_bits_above_the_four_rights(void **state)
{
    (void)state;
    char buf[5];
    assert_string_equal(slat_rights_str(0x100 | SLAT_R | SLAT_KX, buf), "R-K-");
}

/* ---- EPT entry layout ---------------------------------------------------------------- */

static void ept_rights_bits_sit_where_the_sdm_puts_them(void **state)
{
    (void)state;
    assert_int_equal(ept_from_rights(SLAT_R), BIT64(0));
    assert_int_equal(ept_from_rights(SLAT_W), BIT64(1));
    assert_int_equal(ept_from_rights(SLAT_KX), BIT64(2));
    assert_int_equal(ept_from_rights(SLAT_UX), BIT64(10));
    assert_int_equal(EPT_PFN_MASK, UINT64_C(0x000ffffffffff000));
}

static void ept_cow_bit_is_outside_the_frame_and_rights(void **state)
{
    (void)state;
    assert_int_equal(EPT_COW & (EPT_PFN_MASK | EPT_RIGHTS_MASK), 0);
    assert_int_equal(EPT_COW, BIT64(52));
}

static void ept_rights_round_trip_for_all_16_values(void **state)
{
    (void)state;
    for (unsigned r = 0; r < 16; r++)
        assert_int_equal(ept_rights(ept_from_rights(r) | EPT_COW | EPT_PFN_MASK), r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define PLAIN(fn) cmocka_unit_test(fn)

#define ADD_ROWS(rows, fn, with_fixture) \
    ADD_TABLE_ROWS(tests, n, rows, fn, (with_fixture) ? setup : NULL, (with_fixture) ? teardown : NULL)

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        PLAIN(create_with_null_out_is_invalid),
        PLAIN(destroying_null_does_nothing),
        T(new_table_maps_every_page_to_itself_with_full_rights),
        T(lookup_of_an_address_inside_a_page_gives_the_page_entry),
        T(lookup_at_or_past_gpa_limit_is_out_of_range),
        T(lookup_with_null_out_is_invalid),
        T(set_rights_keeps_the_frame_and_cow_mark_of_a_remapped_page),
        T(set_rights_can_restore_full_rights),
        T(set_page_points_the_page_at_the_new_frame_and_keeps_its_rights),
        T(set_page_leaves_neighbouring_pages_alone),
        T(set_page_with_cow_marks_the_page_and_denies_writes),
        T(breaking_a_share_with_a_private_frame_allows_writes_again),
        T(cow_page_without_write_right_stays_unwritable_after_the_break),
        T(new_table_is_at_generation_zero),
        T(set_rights_over_many_pages_bumps_generation_once),
        T(set_rights_that_pages_already_have_does_not_bump_generation),
        T(set_rights_changing_one_page_of_its_range_bumps_generation),
        T(refused_set_rights_does_not_bump_generation),
        T(set_page_to_a_new_frame_bumps_generation),
        T(set_page_to_its_current_frame_and_cow_does_not_bump_generation),
        T(set_page_flipping_only_the_cow_mark_bumps_generation),
        T(refused_set_page_does_not_bump_generation),
        PLAIN(rights_str_spells_all_16_rights_values),
        PLAIN(rights_str_ignores_bits_above_the_four_rights),
        PLAIN(ept_rights_bits_sit_where_the_sdm_puts_them),
        PLAIN(ept_cow_bit_is_outside_the_frame_and_rights),
        PLAIN(ept_rights_round_trip_for_all_16_values),
    };
    struct CMUnitTest tests[ARRAY_LEN(create_rows) + ARRAY_LEN(range_rows) +
                            ARRAY_LEN(set_page_rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(create_rows, run_create_row, false);
    ADD_ROWS(range_rows, run_range_row, true);
    ADD_ROWS(set_page_rows, run_set_page_row, true);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("slat", tests, n, NULL, NULL);
}
