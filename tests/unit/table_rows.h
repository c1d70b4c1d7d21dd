/* Table-driven cmocka tests: each row of a table becomes one test, named by the row's
 * `name` and handed the row as its initial state. Shared by every module's tests. */
#ifndef TESTS_UNIT_TABLE_ROWS_H
#define TESTS_UNIT_TABLE_ROWS_H

#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Appends one test per row of `rows` to tests[n++], running fn with the given setup and
 * teardown (NULL for none). */
#define ADD_TABLE_ROWS(tests, n, rows, fn, setup_fn, teardown_fn)                          \
    for (size_t row_i_ = 0; row_i_ < ARRAY_LEN(rows); row_i_++)                            \
        (tests)[(n)++] = (struct CMUnitTest){                                              \
            .name = (rows)[row_i_].name,                                                   \
            .test_func = (fn),                                                             \
            .setup_func = (setup_fn),                                                      \
            .teardown_func = (teardown_fn),                                                \
            .initial_state = (void *)&(rows)[row_i_],                                      \
        }

#endif
