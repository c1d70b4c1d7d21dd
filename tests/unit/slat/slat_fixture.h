/* A fresh SLAT of LIMIT bytes per test (define LIMIT before including); the row a test
 * runs arrives as the initial state and stays in f->row. */
#ifndef TESTS_UNIT_SLAT_SLAT_FIXTURE_H
#define TESTS_UNIT_SLAT_SLAT_FIXTURE_H

#include "common/status.h"
#include "slat/slat.h"

typedef struct fixture {
    slat *s;
    const void *row;
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    f->row = *state;
    if (slat_create(LIMIT, &f->s) != VE_OK) {
        test_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    slat_destroy(f->s);
    test_free(f);
    return 0;
}

#endif
