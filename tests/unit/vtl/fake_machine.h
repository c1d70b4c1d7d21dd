/* A fake machine behind vtl_ops for the vtl/ unit tests: guest RAM as one byte array
 * with per-VTL denied pages (the SLAT view of each VTL), one VP assist page per VTL, a
 * register file per VTL, and logs of every protect / register / enable_vp call.
 * Everything is static inline so each test_*.c includes it as its own copy. */
#ifndef TESTS_UNIT_VTL_FAKE_MACHINE_H
#define TESTS_UNIT_VTL_FAKE_MACHINE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/bits.h"
#include "common/status.h"
#include "vtl/hv.h"
#include "vtl/hypercall.h"
#include "vtl/vp.h"

#include "tests/unit/table_rows.h"

#define FM_PAGES      16u
#define FM_RAM        (FM_PAGES * PAGE_SIZE)
#define FM_NO_READ    0x1u
#define FM_NO_WRITE   0x2u
#define FM_LOG_MAX    64u

/* Where the tests put hypercall input and output (both inside RAM, 16-byte aligned). */
#define IN            UINT64_C(0x2000)
#define OUT           UINT64_C(0x6000)
/* Bytes output tests pre-fill so an untouched slot is recognisable. */
#define UNTOUCHED     0xEE

#define SELF          HV_PARTITION_ID_SELF

/* Control word pieces. */
#define FAST          HV_CONTROL_FAST
#define REPS(count, start) (((uint64_t)(count) << 32) | ((uint64_t)(start) << 48))

typedef struct fm_protect {
    unsigned caller, target;
    uint64_t gpa;
    unsigned rights;
    bool cow;
} fm_protect;

typedef struct fm_reg_access {
    unsigned vtl;
    uint32_t name;
} fm_reg_access;

typedef struct fake_machine {
    vtl_state st;
    vtl_ops ops;
    uint8_t ram[FM_RAM];
    uint8_t denied[VTL_COUNT][FM_PAGES];    /* FM_NO_READ | FM_NO_WRITE per page */
    unsigned gpa_reads, gpa_writes;
    uint8_t assist[VTL_COUNT][PAGE_SIZE];
    unsigned assist_reads, assist_writes;

    uint64_t regs[VTL_COUNT][32][2];        /* indexed by fm_reg_index */
    fm_reg_access reg_log[FM_LOG_MAX];      /* every get_reg / set_reg, in order */
    unsigned reg_calls;

    fm_protect protects[FM_LOG_MAX];        /* accepted protect calls, in order */
    unsigned nprotects;
    unsigned protect_calls;                 /* accepted or not */
    uint64_t protect_fail_gpa;              /* protect of this GPA returns protect_fail */
    ve_status protect_fail;                 /* VE_OK: never fails (but outside RAM) */

    unsigned enable_vp_calls;
    unsigned enable_vp_vtl;
    hv_initial_vp_context enable_vp_ctx;
    ve_status enable_vp_result;
} fake_machine;

/* The names the fake knows: RAX..R15, RIP, RFLAGS, CR0, CR2, CR3, CR4, EFER. */
static inline int fm_reg_index(uint32_t name)
{
    if (name >= HV_REG_RAX && name <= HV_REG_RFLAGS)
        return (int)(name - HV_REG_RAX);                      /* 0..17 */
    if (name >= HV_REG_CR0 && name <= HV_REG_CR4)
        return 18 + (int)(name - HV_REG_CR0);                 /* 18..21 */
    if (name == HV_REG_EFER)
        return 22;
    return -1;
}

/* Whether vtl may do `what` (FM_NO_READ / FM_NO_WRITE) on every page of [gpa, gpa+len). */
static inline bool fm_view_allows(const fake_machine *fm, unsigned vtl, uint64_t gpa, size_t len,
                                  unsigned what)
{
    assert_true(vtl < VTL_COUNT);
    if (len == 0 || !range_within(gpa, len, FM_RAM))
        return false;
    for (uint64_t p = gpa >> PAGE_SHIFT; p <= (gpa + len - 1) >> PAGE_SHIFT; p++)
        if (fm->denied[vtl][p] & what)
            return false;
    return true;
}

static inline bool fm_read_gpa(void *ctx, unsigned vtl, uint64_t gpa, void *buf, size_t len)
{
    fake_machine *fm = ctx;
    fm->gpa_reads++;
    if (!fm_view_allows(fm, vtl, gpa, len, FM_NO_READ))
        return false;
    memcpy(buf, fm->ram + gpa, len);
    return true;
}

static inline bool fm_write_gpa(void *ctx, unsigned vtl, uint64_t gpa, const void *buf, size_t len)
{
    fake_machine *fm = ctx;
    fm->gpa_writes++;
    if (!fm_view_allows(fm, vtl, gpa, len, FM_NO_WRITE))
        return false;
    memcpy(fm->ram + gpa, buf, len);
    return true;
}

static inline void fm_write_assist(void *ctx, unsigned vtl, uint32_t offset, const void *buf, size_t len)
{
    fake_machine *fm = ctx;
    assert_true(vtl < VTL_COUNT);
    assert_true(range_within(offset, len, PAGE_SIZE));
    fm->assist_writes++;
    memcpy(fm->assist[vtl] + offset, buf, len);
}

static inline void fm_read_assist(void *ctx, unsigned vtl, uint32_t offset, void *buf, size_t len)
{
    fake_machine *fm = ctx;
    assert_true(vtl < VTL_COUNT);
    assert_true(range_within(offset, len, PAGE_SIZE));
    fm->assist_reads++;
    memcpy(buf, fm->assist[vtl] + offset, len);
}

static inline ve_status fm_protect_page(void *ctx, unsigned caller_vtl, unsigned target_vtl,
                                        uint64_t gpa_page, unsigned rights, bool cow)
{
    fake_machine *fm = ctx;
    fm->protect_calls++;
    if (gpa_page >= FM_RAM)
        return VE_E_RANGE;
    if (fm->protect_fail != VE_OK && gpa_page == fm->protect_fail_gpa)
        return fm->protect_fail;
    assert_true(fm->nprotects < FM_LOG_MAX);
    fm->protects[fm->nprotects++] = (fm_protect){caller_vtl, target_vtl, gpa_page, rights, cow};
    return VE_OK;
}

static inline void fm_log_reg(fake_machine *fm, unsigned vtl, uint32_t name)
{
    assert_true(vtl < VTL_COUNT);
    assert_true(fm->reg_calls < FM_LOG_MAX);
    fm->reg_log[fm->reg_calls++] = (fm_reg_access){vtl, name};
}

static inline ve_status fm_get_reg(void *ctx, unsigned vtl, uint32_t name, uint64_t *lo, uint64_t *hi)
{
    fake_machine *fm = ctx;
    fm_log_reg(fm, vtl, name);
    int i = fm_reg_index(name);
    if (i < 0)
        return VE_E_INVAL;
    *lo = fm->regs[vtl][i][0];
    *hi = fm->regs[vtl][i][1];
    return VE_OK;
}

static inline ve_status fm_set_reg(void *ctx, unsigned vtl, uint32_t name, uint64_t lo, uint64_t hi)
{
    fake_machine *fm = ctx;
    fm_log_reg(fm, vtl, name);
    int i = fm_reg_index(name);
    if (i < 0)
        return VE_E_INVAL;
    fm->regs[vtl][i][0] = lo;
    fm->regs[vtl][i][1] = hi;
    return VE_OK;
}

static inline ve_status fm_enable_vp(void *ctx, unsigned vtl, const hv_initial_vp_context *c)
{
    fake_machine *fm = ctx;
    fm->enable_vp_calls++;
    fm->enable_vp_vtl = vtl;
    fm->enable_vp_ctx = *c;
    return fm->enable_vp_result;
}

/* A machine with only VTL0 enabled and running, RAM zero, every page allowed. */
static inline fake_machine *fm_new(void)
{
    fake_machine *fm = test_calloc(1, sizeof(*fm));
    assert_non_null(fm);
    vtl_state_init(&fm->st);
    fm->ops = (vtl_ops){
        .read_gpa = fm_read_gpa,
        .write_gpa = fm_write_gpa,
        .write_assist = fm_write_assist,
        .read_assist = fm_read_assist,
        .protect = fm_protect_page,
        .get_reg = fm_get_reg,
        .set_reg = fm_set_reg,
        .enable_vp = fm_enable_vp,
        .ctx = fm,
    };
    return fm;
}

/* VTL1 enabled at boot and running, as after `--vtl1` (its VtlReturn goes to VTL0). */
static inline void fm_run_in_vtl1(fake_machine *fm)
{
    vtl_enable_at_boot(&fm->st, 1);
    vtl_boot_enter(&fm->st, 1);
}

static inline void fm_deny(fake_machine *fm, unsigned vtl, uint64_t gpa, unsigned what)
{
    fm->denied[vtl][gpa >> PAGE_SHIFT] |= (uint8_t)what;
}

static inline void fm_put(fake_machine *fm, uint64_t gpa, const void *buf, size_t len)
{
    assert_true(range_within(gpa, len, FM_RAM));
    memcpy(fm->ram + gpa, buf, len);
}

static inline void fm_put_u32(fake_machine *fm, uint64_t gpa, uint32_t v) { fm_put(fm, gpa, &v, sizeof(v)); }
static inline void fm_put_u64(fake_machine *fm, uint64_t gpa, uint64_t v) { fm_put(fm, gpa, &v, sizeof(v)); }

static inline uint64_t fm_get_u64(const fake_machine *fm, uint64_t gpa)
{
    uint64_t v;
    assert_true(range_within(gpa, sizeof(v), FM_RAM));
    memcpy(&v, fm->ram + gpa, sizeof(v));
    return v;
}

static inline uint32_t fm_assist_u32(const fake_machine *fm, unsigned vtl, uint32_t offset)
{
    uint32_t v;
    memcpy(&v, fm->assist[vtl] + offset, sizeof(v));
    return v;
}

static inline uint64_t fm_assist_u64(const fake_machine *fm, unsigned vtl, uint32_t offset)
{
    uint64_t v;
    memcpy(&v, fm->assist[vtl] + offset, sizeof(v));
    return v;
}

static inline bool fm_all_bytes(const uint8_t *p, size_t len, uint8_t v)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != v)
            return false;
    return true;
}

/* Field by field: padding bytes of a copied struct need not match. */
static inline void fm_assert_state_equal(const vtl_state *a, const vtl_state *b)
{
    for (unsigned v = 0; v < VTL_COUNT; v++) {
        assert_int_equal(a->partition_enabled[v], b->partition_enabled[v]);
        assert_int_equal(a->vp_enabled[v], b->vp_enabled[v]);
    }
    assert_int_equal(a->current, b->current);
    assert_int_equal(a->entered_from_below, b->entered_from_below);
    assert_int_equal(a->return_to, b->return_to);
}

static inline vtl_hc_result fm_call(fake_machine *fm, uint64_t control, uint64_t rdx, uint64_t r8)
{
    vtl_hc_result r;
    memset(&r, 0xA5, sizeof(r));   /* every field must be written */
    vtl_hypercall(&fm->st, &fm->ops, control, rdx, r8, &r);
    return r;
}

/* The result of a call that continues after the vmcall (no VTL switch). */
static inline void fm_assert_plain_result(const fake_machine *fm, const vtl_hc_result *r,
                                          unsigned code, uint16_t status, unsigned reps_done)
{
    assert_int_equal(r->code, code);
    assert_string_equal(r->name, vtl_hc_name(code));
    assert_int_equal(r->status, status);
    assert_int_equal(r->reps_done, reps_done);
    assert_int_equal(r->rax, HV_RESULT(status, reps_done));
    assert_int_equal(r->action, VTL_HC_NONE);
    assert_int_equal(r->next_vtl, fm->st.current);
}

/* Fixtures: the state is the row; the machine is made fresh for every test. */
typedef struct fm_fixture {
    fake_machine *fm;
    const void *row;
} fm_fixture;

static inline int fm_setup(void **state)
{
    fm_fixture *f = test_calloc(1, sizeof(*f));
    if (!f)
        return -1;
    f->row = *state;
    f->fm = fm_new();
    *state = f;
    return 0;
}

static inline int fm_teardown(void **state)
{
    fm_fixture *f = *state;
    test_free(f->fm);
    test_free(f);
    return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fm_setup, fm_teardown)

/* Appends one test per row, named by the row, with the row as the fixture's row. */
#define ADD_ROWS(rows, fn) ADD_TABLE_ROWS(tests, n, rows, fn, fm_setup, fm_teardown)

#endif
