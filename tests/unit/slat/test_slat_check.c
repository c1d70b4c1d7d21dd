/* slat_check and slat_allowed_accesses: which (rights, access, CPL) are allowed.
 * Two tables: named rows, one cmocka test each, for the cases a reader looks for; and
 * the full matrix of all 16 rights values x 3 accesses x 4 CPLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "common/bits.h"
#include "common/status.h"
#include "slat/slat.h"
#include "tests/unit/table_rows.h"

#define LIMIT   (16 * PAGE_SIZE)
#define PAGE    (5 * PAGE_SIZE)      /* the page under test; its neighbours keep RWX */
#define OK      VE_OK
#define DENIED  VE_E_DENIED

static const char *acc_name(unsigned acc)
{
    static const char *const names[] = {"read", "write", "execute"};
    return acc < ARRAY_LEN(names) ? names[acc] : "bad access";
}

#include "tests/unit/slat/slat_fixture.h"

/* ---- named rows -------------------------------------------------------------------- */

typedef struct check_row {
    const char *name;
    unsigned rights;
    bool cow;
    slat_access acc;
    unsigned cpl;
    ve_status expect;
} check_row;

static const check_row check_rows[] = {
    {"user_fetch_from_kernel_only_executable_page_is_denied", SLAT_R | SLAT_KX, false, SLAT_ACC_EXEC, 3, DENIED},
    {"kernel_fetch_from_kernel_only_executable_page_is_allowed", SLAT_R | SLAT_KX, false, SLAT_ACC_EXEC, 0, OK},
    {"ring1_fetch_uses_the_kernel_execute_right", SLAT_KX, false, SLAT_ACC_EXEC, 1, OK},
    {"ring2_fetch_uses_the_kernel_execute_right", SLAT_KX, false, SLAT_ACC_EXEC, 2, OK},
    {"ring2_fetch_from_user_only_executable_page_is_denied", SLAT_UX, false, SLAT_ACC_EXEC, 2, DENIED},
    {"kernel_fetch_from_user_only_executable_page_is_denied", SLAT_R | SLAT_UX, false, SLAT_ACC_EXEC, 0, DENIED},
    {"user_fetch_from_user_only_executable_page_is_allowed", SLAT_R | SLAT_UX, false, SLAT_ACC_EXEC, 3, OK},
    {"kernel_fetch_from_non_executable_page_is_denied", SLAT_R | SLAT_W, false, SLAT_ACC_EXEC, 0, DENIED},
    {"kernel_write_to_read_only_page_is_denied", SLAT_R, false, SLAT_ACC_WRITE, 0, DENIED},
    {"user_write_to_read_only_page_is_denied", SLAT_R, false, SLAT_ACC_WRITE, 3, DENIED},
    {"user_read_of_read_only_page_is_allowed", SLAT_R, false, SLAT_ACC_READ, 3, OK},
    {"kernel_read_of_no_access_page_is_denied", 0, false, SLAT_ACC_READ, 0, DENIED},
    {"read_of_execute_only_page_is_denied", SLAT_KX | SLAT_UX, false, SLAT_ACC_READ, 0, DENIED},
    {"write_to_write_only_page_is_allowed", SLAT_W, false, SLAT_ACC_WRITE, 0, OK},
    {"read_of_write_only_page_is_denied", SLAT_W, false, SLAT_ACC_READ, 0, DENIED},
    {"kernel_write_to_cow_page_with_write_right_is_denied", SLAT_RWX, true, SLAT_ACC_WRITE, 0, DENIED},
    {"user_write_to_cow_page_with_write_right_is_denied", SLAT_RWX, true, SLAT_ACC_WRITE, 3, DENIED},
    {"read_of_cow_page_with_read_right_is_allowed", SLAT_R, true, SLAT_ACC_READ, 0, OK},
    {"read_of_cow_page_without_read_right_is_denied", SLAT_W, true, SLAT_ACC_READ, 0, DENIED},
    {"kernel_fetch_from_cow_page_with_kernel_execute_is_allowed", SLAT_R | SLAT_KX, true, SLAT_ACC_EXEC, 0, OK},
    {"user_fetch_from_cow_page_without_user_execute_is_denied", SLAT_R | SLAT_KX, true, SLAT_ACC_EXEC, 3, DENIED},
};

static void run_check_row(void **state)
{
    fixture *f = *state;
    const check_row *r = f->row;
    /* Remapping to the page itself only sets the cow mark. */
    assert_int_equal(slat_set_page(f->s, PAGE, PAGE, r->cow), VE_OK);
    assert_int_equal(slat_set_rights(f->s, PAGE, PAGE_SIZE, r->rights), VE_OK);
    uint64_t spa = 0;
    assert_int_equal(slat_check(f->s, PAGE + 0x123, r->acc, r->cpl, &spa), r->expect);
    if (r->expect == VE_OK)
        assert_int_equal(spa, PAGE + 0x123);
    unsigned allowed = slat_allowed_accesses(f->s, PAGE + 0x123, r->cpl);
    assert_int_equal((allowed >> r->acc) & 1u, r->expect == VE_OK);
}

/* ---- the full matrix ----------------------------------------------------------------- */

/* Expected status of read, write, kernel execute (CPL 0-2), user execute (CPL 3). */
typedef struct matrix_row {
    unsigned rights;
    ve_status read, write, kexec, uexec;
} matrix_row;

static const matrix_row matrix[16] = {
    {0,                                         DENIED, DENIED, DENIED, DENIED},
    {SLAT_R,                                    OK,     DENIED, DENIED, DENIED},
    {SLAT_W,                                    DENIED, OK,     DENIED, DENIED},
    {SLAT_R | SLAT_W,                           OK,     OK,     DENIED, DENIED},
    {SLAT_KX,                                   DENIED, DENIED, OK,     DENIED},
    {SLAT_R | SLAT_KX,                          OK,     DENIED, OK,     DENIED},
    {SLAT_W | SLAT_KX,                          DENIED, OK,     OK,     DENIED},
    {SLAT_R | SLAT_W | SLAT_KX,                 OK,     OK,     OK,     DENIED},
    {SLAT_UX,                                   DENIED, DENIED, DENIED, OK},
    {SLAT_R | SLAT_UX,                          OK,     DENIED, DENIED, OK},
    {SLAT_W | SLAT_UX,                          DENIED, OK,     DENIED, OK},
    {SLAT_R | SLAT_W | SLAT_UX,                 OK,     OK,     DENIED, OK},
    {SLAT_KX | SLAT_UX,                         DENIED, DENIED, OK,     OK},
    {SLAT_R | SLAT_KX | SLAT_UX,                OK,     DENIED, OK,     OK},
    {SLAT_W | SLAT_KX | SLAT_UX,                DENIED, OK,     OK,     OK},
    {SLAT_R | SLAT_W | SLAT_KX | SLAT_UX,       OK,     OK,     OK,     OK},
};

static ve_status matrix_expect(const matrix_row *r, unsigned acc, unsigned cpl, bool cow)
{
    switch (acc) {
    case SLAT_ACC_READ:  return r->read;
    case SLAT_ACC_WRITE: return cow ? DENIED : r->write;
    default:             return cpl < 3 ? r->kexec : r->uexec;
    }
}

/* Runs every row x access x CPL and names the first cell that differs. */
static void check_matrix(slat *s, bool cow)
{
    assert_int_equal(slat_set_page(s, PAGE, PAGE, cow), VE_OK);
    for (size_t i = 0; i < ARRAY_LEN(matrix); i++) {
        const matrix_row *r = &matrix[i];
        char str[5];
        assert_int_equal(slat_set_rights(s, PAGE, PAGE_SIZE, r->rights), VE_OK);
        for (unsigned cpl = 0; cpl <= 3; cpl++) {
            unsigned want_mask = 0;
            for (unsigned acc = SLAT_ACC_READ; acc <= SLAT_ACC_EXEC; acc++) {
                ve_status want = matrix_expect(r, acc, cpl, cow);
                ve_status got = slat_check(s, PAGE, (slat_access)acc, cpl, NULL);
                if (got != want) {
                    print_error("rights %s%s, %s at CPL %u: got %s, want %s\n",
                                slat_rights_str(r->rights, str), cow ? " cow" : "",
                                acc_name(acc), cpl, ve_status_str(got), ve_status_str(want));
                    fail();
                }
                if (want == VE_OK)
                    want_mask |= 1u << acc;
            }
            unsigned got_mask = slat_allowed_accesses(s, PAGE, cpl);
            if (got_mask != want_mask) {
                print_error("rights %s%s at CPL %u: allowed mask %#x, want %#x\n",
                            slat_rights_str(r->rights, str), cow ? " cow" : "", cpl,
                            got_mask, want_mask);
                fail();
            }
        }
    }
}

static void every_rights_value_allows_exactly_its_accesses_at_every_cpl(void **state)
{
    fixture *f = *state;
    check_matrix(f->s, false);
}

static void cow_page_with_any_rights_value_denies_every_write_and_keeps_other_accesses(void **state)
{
    fixture *f = *state;
    check_matrix(f->s, true);
}

/* ---- everything around the rights ----------------------------------------------------- */

static void check_returns_the_remapped_spa_with_the_page_offset(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, PAGE, 0x7000000, false), VE_OK);
    uint64_t spa = 0;
    assert_int_equal(slat_check(f->s, PAGE + 0xfff, SLAT_ACC_READ, 0, &spa), VE_OK);
    assert_int_equal(spa, 0x7000fff);
}

static void denied_check_leaves_spa_untouched(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, PAGE, PAGE_SIZE, SLAT_R), VE_OK);
    uint64_t spa = 0xdead;
    assert_int_equal(slat_check(f->s, PAGE, SLAT_ACC_WRITE, 0, &spa), VE_E_DENIED);
    assert_int_equal(spa, 0xdead);
}

static void check_accepts_a_null_spa_out(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_check(f->s, PAGE, SLAT_ACC_READ, 0, NULL), VE_OK);
}

static void last_byte_below_gpa_limit_is_checked_normally(void **state)
{
    fixture *f = *state;
    uint64_t spa = 0;
    assert_int_equal(slat_check(f->s, LIMIT - 1, SLAT_ACC_WRITE, 3, &spa), VE_OK);
    assert_int_equal(spa, LIMIT - 1);
}

static void check_at_or_past_gpa_limit_is_out_of_range(void **state)
{
    fixture *f = *state;
    static const uint64_t gpas[] = {LIMIT, LIMIT + 1, LIMIT + PAGE_SIZE, BIT64(52), UINT64_MAX};
    uint64_t spa = 0xdead;
    for (size_t i = 0; i < ARRAY_LEN(gpas); i++)
        assert_int_equal(slat_check(f->s, gpas[i], SLAT_ACC_READ, 0, &spa), VE_E_RANGE);
    assert_int_equal(spa, 0xdead);
}

static void check_with_cpl_above_3_is_invalid(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_check(f->s, PAGE, SLAT_ACC_READ, 4, NULL), VE_E_INVAL);
    assert_int_equal(slat_check(f->s, PAGE, SLAT_ACC_EXEC, UINT32_MAX, NULL), VE_E_INVAL);
}

static void check_with_unknown_access_is_invalid(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_check(f->s, PAGE, (slat_access)3, 0, NULL), VE_E_INVAL);
}

static void bad_cpl_is_reported_before_out_of_range(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_check(f->s, LIMIT, SLAT_ACC_READ, 4, NULL), VE_E_INVAL);
}

static void allowed_accesses_of_full_rights_page_are_read_write_and_execute(void **state)
{
    fixture *f = *state;
    for (unsigned cpl = 0; cpl <= 3; cpl++)
        assert_int_equal(slat_allowed_accesses(f->s, PAGE, cpl),
                         1u << SLAT_ACC_READ | 1u << SLAT_ACC_WRITE | 1u << SLAT_ACC_EXEC);
}

static void allowed_accesses_of_cow_page_lack_write(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_page(f->s, PAGE, PAGE, true), VE_OK);
    assert_int_equal(slat_allowed_accesses(f->s, PAGE, 0), 1u << SLAT_ACC_READ | 1u << SLAT_ACC_EXEC);
}

static void allowed_accesses_past_gpa_limit_or_above_cpl_3_are_none(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_allowed_accesses(f->s, LIMIT, 0), 0);
    assert_int_equal(slat_allowed_accesses(f->s, UINT64_MAX, 3), 0);
    assert_int_equal(slat_allowed_accesses(f->s, PAGE, 4), 0);
}

static void restricting_one_page_leaves_its_neighbours_full(void **state)
{
    fixture *f = *state;
    assert_int_equal(slat_set_rights(f->s, PAGE, PAGE_SIZE, 0), VE_OK);
    assert_int_equal(slat_check(f->s, PAGE - 1, SLAT_ACC_WRITE, 0, NULL), VE_OK);
    assert_int_equal(slat_check(f->s, PAGE, SLAT_ACC_READ, 0, NULL), VE_E_DENIED);
    assert_int_equal(slat_check(f->s, PAGE + PAGE_SIZE - 1, SLAT_ACC_READ, 0, NULL), VE_E_DENIED);
    assert_int_equal(slat_check(f->s, PAGE + PAGE_SIZE, SLAT_ACC_EXEC, 3, NULL), VE_OK);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(every_rights_value_allows_exactly_its_accesses_at_every_cpl),
        T(cow_page_with_any_rights_value_denies_every_write_and_keeps_other_accesses),
        T(check_returns_the_remapped_spa_with_the_page_offset),
        T(denied_check_leaves_spa_untouched),
        T(check_accepts_a_null_spa_out),
        T(last_byte_below_gpa_limit_is_checked_normally),
        T(check_at_or_past_gpa_limit_is_out_of_range),
        T(check_with_cpl_above_3_is_invalid),
        T(check_with_unknown_access_is_invalid),
        T(bad_cpl_is_reported_before_out_of_range),
        T(allowed_accesses_of_full_rights_page_are_read_write_and_execute),
        T(allowed_accesses_of_cow_page_lack_write),
        T(allowed_accesses_past_gpa_limit_or_above_cpl_3_are_none),
        T(restricting_one_page_leaves_its_neighbours_full),
    };
    /* Each named row becomes a test of its own, so a failure names the case. */
    struct CMUnitTest tests[ARRAY_LEN(check_rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(check_rows); i++)
        tests[n++] = (struct CMUnitTest){
            .name = check_rows[i].name,
            .test_func = run_check_row,
            .setup_func = setup,
            .teardown_func = teardown,
            .initial_state = (void *)&check_rows[i],
        };
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("slat_check", tests, n, NULL, NULL);
}
