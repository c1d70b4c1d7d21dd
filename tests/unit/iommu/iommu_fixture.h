/* A fake machine for the iommu tests: host RAM as a byte array, a per-VTL SLAT as a
 * table of (frame, rights, cow) per GPA page, a table-entry accessor that can be made to
 * fail at one GPA, and a copy-on-write hook taking spare frames above guest RAM.
 * Everything is static inline so each test_*.c includes it as its own copy. */
#ifndef TESTS_UNIT_IOMMU_IOMMU_FIXTURE_H
#define TESTS_UNIT_IOMMU_IOMMU_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/bits.h"
#include "iommu/iommu.h"
#include "iommu/vtd.h"

#include "tests/unit/table_rows.h"

/* GPA pages [0, GPA_PAGES) are guest RAM; SPA frames above them are the spare pool. */
#define GPA_PAGES     544u     /* 2 MiB + 128 KiB: room for a 1 MiB transfer */
#define SPA_FRAMES    576u
#define GPA_SIZE      ((uint64_t)GPA_PAGES * PAGE_SIZE)
#define SPA_SIZE      ((uint64_t)SPA_FRAMES * PAGE_SIZE)

#define FAKE_R        1u
#define FAKE_W        2u
#define FAKE_RW       (FAKE_R | FAKE_W)

typedef struct fake_page {
    uint32_t frame;          /* SPA frame number */
    uint8_t rights;          /* FAKE_R | FAKE_W */
    bool cow;
} fake_page;

typedef struct fake {
    uint8_t ram[SPA_SIZE];
    fake_page map[IOMMU_VTLS][GPA_PAGES];
    uint64_t fail_read_at;   /* read64 of this GPA fails (UINT64_MAX: none) */
    uint32_t next_spare;     /* next spare frame for a cow break */
    unsigned read64_calls, slat_calls, cow_calls;
    uint64_t last_read64_gpa;
    iommu *u;
    const void *row;         /* the table row a test runs, if any */
} fake;

static inline bool fake_read64(void *ctx, uint64_t gpa, uint64_t *val)
{
    fake *f = ctx;
    f->read64_calls++;
    f->last_read64_gpa = gpa;
    if (gpa == f->fail_read_at || gpa >= GPA_SIZE || (gpa & 7))
        return false;
    uint64_t spa = (uint64_t)f->map[0][gpa >> PAGE_SHIFT].frame * PAGE_SIZE + (gpa & ~PAGE_MASK);
    memcpy(val, f->ram + spa, 8);
    return true;
}

static inline bool fake_slat(void *ctx, unsigned vtl, uint64_t gpa, bool write, uint64_t *spa)
{
    fake *f = ctx;
    f->slat_calls++;
    assert_true(vtl < IOMMU_VTLS);
    if (gpa >= GPA_SIZE)
        return false;
    const fake_page *p = &f->map[vtl][gpa >> PAGE_SHIFT];
    if (!(p->rights & (write ? FAKE_W : FAKE_R)) || (write && p->cow))
        return false;
    *spa = (uint64_t)p->frame * PAGE_SIZE + (gpa & ~PAGE_MASK);
    return true;
}

/* Like the emulator's break: a private copy for this VTL only, if it may write. */
static inline bool fake_cow_write(void *ctx, unsigned vtl, uint64_t gpa, uint64_t *spa)
{
    fake *f = ctx;
    f->cow_calls++;
    if (gpa >= GPA_SIZE)
        return false;
    fake_page *p = &f->map[vtl][gpa >> PAGE_SHIFT];
    if (!p->cow || !(p->rights & FAKE_W) || f->next_spare >= SPA_FRAMES)
        return false;
    uint32_t frame = f->next_spare++;
    memcpy(f->ram + (uint64_t)frame * PAGE_SIZE, f->ram + (uint64_t)p->frame * PAGE_SIZE, PAGE_SIZE);
    p->frame = frame;
    p->cow = false;
    *spa = (uint64_t)frame * PAGE_SIZE + (gpa & ~PAGE_MASK);
    return true;
}

static inline iommu_env fake_env(fake *f)
{
    return (iommu_env){
        .read64 = fake_read64,
        .slat = fake_slat,
        .cow_write = fake_cow_write,
        .ctx = f,
        .spa_base = f->ram,
        .spa_size = SPA_SIZE,
        .fault_slots = 0,
    };
}

/* Identity SLAT with full rights for every VTL, RAM filled with a byte pattern. */
static inline void fake_reset(fake *f)
{
    for (uint64_t i = 0; i < SPA_SIZE; i++)
        f->ram[i] = (uint8_t)(i * 7 + (i >> 12));
    for (unsigned v = 0; v < IOMMU_VTLS; v++)
        for (uint32_t p = 0; p < GPA_PAGES; p++)
            f->map[v][p] = (fake_page){.frame = p, .rights = FAKE_RW, .cow = false};
    f->fail_read_at = UINT64_MAX;
    f->next_spare = GPA_PAGES;
    f->read64_calls = f->slat_calls = f->cow_calls = 0;
    f->last_read64_gpa = 0;
}

/* A fresh fake plus unit per test; *state carries the row in and the fake out. */
static inline int fake_setup_with(void **state, unsigned fault_slots)
{
    fake *f = test_calloc(1, sizeof(*f));
    const void *row = *state;
    fake_reset(f);
    iommu_env env = fake_env(f);
    env.fault_slots = fault_slots;
    if (iommu_create(&env, &f->u) != VE_OK) {
        test_free(f);
        return -1;
    }
    f->row = row;
    *state = f;
    return 0;
}

static inline int fake_setup(void **state) { return fake_setup_with(state, 0); }

static inline int fake_teardown(void **state)
{
    fake *f = *state;
    iommu_destroy(f->u);
    test_free(f);
    return 0;
}

/* Guest RAM writes as VTL0 sees it (the tables are VTL0's). */
static inline void put64(fake *f, uint64_t gpa, uint64_t val)
{
    assert_true(gpa < GPA_SIZE);
    uint64_t spa = (uint64_t)f->map[0][gpa >> PAGE_SHIFT].frame * PAGE_SIZE + (gpa & ~PAGE_MASK);
    memcpy(f->ram + spa, &val, 8);
}

static inline uint8_t *gpa_ptr(fake *f, unsigned vtl, uint64_t gpa)
{
    assert_true(gpa < GPA_SIZE);
    return f->ram + (uint64_t)f->map[vtl][gpa >> PAGE_SHIFT].frame * PAGE_SIZE + (gpa & ~PAGE_MASK);
}

static inline void set_rights(fake *f, unsigned vtl, uint64_t gpa, unsigned rights)
{
    f->map[vtl][gpa >> PAGE_SHIFT].rights = (uint8_t)rights;
}

/* ---- a standard remapping layout --------------------------------------------------- */

#define ROOT_AT       UINT64_C(0x1000)
#define CTX_AT        UINT64_C(0x2000)
#define L4_AT         UINT64_C(0x3000)
#define L3_AT         UINT64_C(0x4000)
#define L2_AT         UINT64_C(0x5000)
#define L1_AT         UINT64_C(0x6000)
#define DATA_AT       UINT64_C(0x10000)   /* GPA pages from here on hold data */

/* A device away from bus 0 / devfn 0, so an index mix-up reads an empty entry. */
#define DEV_BUS       5u
#define DEV_DEVFN     0x1Au
#define DEV           ((uint16_t)(DEV_BUS << 8 | DEV_DEVFN))
#define DMA0          ((uint16_t)0x0018)   /* 00:03.0, DESIGN.md §4 */

/* An IOVA from its four table indexes and page offset. */
#define IOVA(i4, i3, i2, i1, off) \
    (((uint64_t)(i4) << 39) | ((uint64_t)(i3) << 30) | ((uint64_t)(i2) << 21) | \
     ((uint64_t)(i1) << 12) | (uint64_t)(off))

static inline uint64_t root_entry_gpa(uint16_t rid) { return ROOT_AT + (uint64_t)(rid >> 8) * 16; }
static inline uint64_t context_entry_gpa(uint16_t rid) { return CTX_AT + (uint64_t)(rid & 0xFF) * 16; }

#define RE_OK         (CTX_AT | VTD_RE_P)
#define CE_HI(aw, did) ((uint64_t)(aw) | ((uint64_t)(did) << VTD_CE_DID_SHIFT))
#define CE_LO(table, tt) ((table) | ((uint64_t)(tt) << VTD_CE_TT_SHIFT) | VTD_CE_P)

/* Zero the root, context and second-level table pages. */
static inline void clear_tables(fake *f)
{
    for (uint64_t gpa = ROOT_AT; gpa <= L1_AT; gpa += PAGE_SIZE)
        memset(gpa_ptr(f, 0, gpa), 0, PAGE_SIZE);
}

/* Root entry of rid's bus and context entry of its devfn. */
static inline void set_device(fake *f, uint16_t rid, uint64_t re_lo, uint64_t re_hi, uint64_t ce_lo, uint64_t ce_hi)
{
    put64(f, root_entry_gpa(rid), re_lo);
    put64(f, root_entry_gpa(rid) + 8, re_hi);
    put64(f, context_entry_gpa(rid), ce_lo);
    put64(f, context_entry_gpa(rid) + 8, ce_hi);
}

/* The path of iova through L4_AT..L1_AT: entry e[0] in the level-4 table ... e[3] in
 * the level-1 table; a 3-level walk starts at L3_AT with e[1]. */
static inline void set_path(fake *f, uint64_t iova, const uint64_t e[4])
{
    put64(f, L4_AT + ((iova >> 39) & 511) * 8, e[0]);
    put64(f, L3_AT + ((iova >> 30) & 511) * 8, e[1]);
    put64(f, L2_AT + ((iova >> 21) & 511) * 8, e[2]);
    put64(f, L1_AT + ((iova >> 12) & 511) * 8, e[3]);
}

/* Translation on, root at ROOT_AT, rid mapped 4-level to a 4 KiB page at `frame` with
 * rights `rw` at every level. */
static inline void map_4k(fake *f, uint16_t rid, uint64_t iova, uint64_t frame, uint64_t rw)
{
    clear_tables(f);
    set_device(f, rid, RE_OK, 0, CE_LO(L4_AT, VTD_TT_SECOND_LEVEL), CE_HI(VTD_AW_48, 1));
    const uint64_t e[4] = {L3_AT | rw, L2_AT | rw, L1_AT | rw, frame | rw};
    set_path(f, iova, e);
    assert_int_equal(iommu_set_root_table(f->u, ROOT_AT), VE_OK);
    iommu_set_translation(f->u, true);
}

static inline unsigned pending_faults(const iommu *u)
{
    unsigned n = 0;
    for (unsigned i = 0; i < iommu_fault_slots(u); i++) {
        iommu_fault_record r;
        assert_int_equal(iommu_fault_read(u, i, &r), VE_OK);
        n += r.pending;
    }
    return n;
}

/* ---- one translation laid out by a table row ------------------------------------- */

typedef struct walk_row {
    const char *name;
    uint64_t re_lo, re_hi;   /* root entry of DEV's bus */
    uint64_t ce_lo, ce_hi;   /* context entry of DEV's devfn */
    uint64_t e[4];           /* the path of iova: level 4 ... level 1 (see set_path) */
    uint64_t iova;
    bool write;
    uint8_t reason;          /* expected */
    uint64_t gpa;            /* expected when the walk reaches a GPA (OK or SLAT refusal) */
    uint64_t root;           /* root table; 0 = ROOT_AT */
    uint64_t fail_read_at;   /* read64 fails at this GPA; 0 = nowhere */
    uint64_t deny_page;      /* VTL0 may not read this GPA page; 0 = none */
} walk_row;

static inline void assert_reason(uint8_t got, uint8_t want)
{
    if (got != want) {
        print_error("fault reason %s (%#x), want %s (%#x)\n", iommu_reason_name(got), got,
                    iommu_reason_name(want), want);
        fail();
    }
}

/* Walks once and checks the whole result and the one fault record it leaves. */
static inline void run_walk_row(void **state)
{
    fake *f = *state;
    const walk_row *r = f->row;
    clear_tables(f);
    set_device(f, DEV, r->re_lo, r->re_hi, r->ce_lo, r->ce_hi);
    set_path(f, r->iova, r->e);
    if (r->fail_read_at)
        f->fail_read_at = r->fail_read_at;
    if (r->deny_page)
        set_rights(f, 0, r->deny_page, FAKE_W);
    assert_int_equal(iommu_set_root_table(f->u, r->root ? r->root : ROOT_AT), VE_OK);
    iommu_set_translation(f->u, true);

    iommu_result res;
    ve_status st = iommu_translate(f->u, DEV, r->iova, r->write, &res);
    assert_reason(res.reason, r->reason);
    assert_int_equal(st, r->reason == IOMMU_FR_NONE ? VE_OK : VE_E_DENIED);
    assert_int_equal(res.rid, DEV);
    assert_int_equal(res.vtl, 0);
    assert_int_equal(res.iova, r->iova);
    assert_int_equal(res.write, r->write);
    assert_true(res.remapped);
    bool reaches_gpa = r->reason == IOMMU_FR_NONE || r->reason == IOMMU_FR_SLAT;
    assert_int_equal(res.gpa_known, reaches_gpa);
    assert_int_equal(res.gpa, reaches_gpa ? r->gpa : 0);
    if (r->reason == IOMMU_FR_NONE) {
        uint64_t spa = (uint64_t)f->map[0][r->gpa >> PAGE_SHIFT].frame * PAGE_SIZE + (r->gpa & ~PAGE_MASK);
        assert_int_equal(res.spa, spa);
        assert_false(res.recorded);
        assert_int_equal(iommu_fault_status(f->u), 0);
        return;
    }
    assert_int_equal(res.spa, 0);
    assert_true(res.recorded);
    iommu_fault_record rec;
    assert_int_equal(iommu_fault_read(f->u, 0, &rec), VE_OK);
    assert_true(rec.pending);
    assert_int_equal(rec.reason, r->reason);
    assert_int_equal(rec.rid, DEV);
    assert_int_equal(rec.iova, r->iova);
    assert_int_equal(rec.write, r->write);
    assert_int_equal(rec.gpa_known, reaches_gpa);
    assert_int_equal(pending_faults(f->u), 1);
}

/* One cmocka test per row, named by the row. */
#define ROW_TESTS(tests, rows) \
    do { \
        for (size_t i_ = 0; i_ < ARRAY_LEN(rows); i_++) \
            (tests)[i_] = (struct CMUnitTest){ \
                .name = (rows)[i_].name, \
                .test_func = run_walk_row, \
                .setup_func = fake_setup, \
                .teardown_func = fake_teardown, \
                .initial_state = (void *)&(rows)[i_], \
            }; \
    } while (0)

#endif
