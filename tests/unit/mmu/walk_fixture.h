/* Table-driven harness for the mmu walk tests: each row lays out the four entries on
 * the path of one GVA in a byte array of guest RAM, walks once, and checks the whole
 * result plus every byte of RAM afterwards (A/D bits, nothing else written).
 * Everything is static inline so each test_*.c includes it as its own copy. */
#ifndef TESTS_UNIT_MMU_WALK_FIXTURE_H
#define TESTS_UNIT_MMU_WALK_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/bits.h"
#include "mmu/cr.h"
#include "mmu/pte.h"
#include "mmu/walk.h"

#include "tests/unit/table_rows.h"

/* Guest RAM: one page per paging structure; any other GPA is refused by the accessor. */
#define PML4_AT       UINT64_C(0x1000)
#define PDPT_AT       UINT64_C(0x2000)
#define PD_AT         UINT64_C(0x3000)
#define PT_AT         UINT64_C(0x4000)
#define RAM_SIZE      0x5000u
#define OUTSIDE       UINT64_C(0x80000000)   /* a table address outside RAM */

/* Leaf frames: only their addresses matter, they are never read. */
#define FRAME_4K      UINT64_C(0x01234000)
#define FRAME_2M      UINT64_C(0x07e00000)
#define FRAME_1G      UINT64_C(0x140000000)

/* A canonical GVA from its four table indexes and page offset. */
#define VA(i4, i3, i2, i1, off) \
    ((((uint64_t)(i4) & 0x100) ? UINT64_C(0xffff000000000000) : 0) | \
     ((uint64_t)(i4) << 39) | ((uint64_t)(i3) << 30) | ((uint64_t)(i2) << 21) | \
     ((uint64_t)(i1) << 12) | (uint64_t)(off))

/* Distinct non-zero indexes at every level, so an index mix-up reads a zero entry. */
#define K4 0x1f1
#define K3 0x0a3
#define K2 0x155
#define K1 0x0c7
#define KVA VA(K4, K3, K2, K1, 0xabc)     /* kernel half */
#define U4 0x003
#define U3 0x1e2
#define U2 0x101
#define U1 0x011
#define UVA VA(U4, U3, U2, U1, 0x123)     /* user half */

#define GPA_4K(va)    (FRAME_4K | ((va) & MASK64(11, 0)))
#define GPA_2M(va)    (FRAME_2M | ((va) & MASK64(20, 0)))
#define GPA_1G(va)    (FRAME_1G | ((va) & MASK64(29, 0)))

/* Entry flags. */
#define P             MMU_PTE_P
#define RW            MMU_PTE_RW
#define US            MMU_PTE_US
#define A             MMU_PTE_A
#define D             MMU_PTE_D
#define PS            MMU_PTE_PS
#define XD            MMU_PTE_XD
#define KRW           (P | RW)
#define KRO           (P)
#define URW           (P | RW | US)
#define URO           (P | US)

/* The path of a GVA through the fixed tables, flags per level top-down. */
#define PATH_4K(f4, f3, f2, f1) \
    .pml4e = PDPT_AT | (f4), .pdpte = PD_AT | (f3), .pde = PT_AT | (f2), .pte = FRAME_4K | (f1)
#define PATH_2M(f4, f3, f2) \
    .pml4e = PDPT_AT | (f4), .pdpte = PD_AT | (f3), .pde = FRAME_2M | PS | (f2)
#define PATH_1G(f4, f3) \
    .pml4e = PDPT_AT | (f4), .pdpte = FRAME_1G | PS | (f3)

/* Long mode with extra CR0 / CR4 / EFER bits. */
#define WP            MMU_CR0_WP
#define SMEP          MMU_CR4_SMEP
#define SMAP          MMU_CR4_SMAP
#define NXE           MMU_EFER_NXE
#define LM(cr0_, cr4_, efer_) \
    .cr0 = MMU_CR0_PE | MMU_CR0_PG | (cr0_), .cr4 = MMU_CR4_PAE | (cr4_), \
    .efer = MMU_EFER_LME | MMU_EFER_LMA | (efer_)

#define KREAD         .access = MMU_READ, .cpl = 0
#define KWRITE        .access = MMU_WRITE, .cpl = 0
#define KFETCH        .access = MMU_FETCH, .cpl = 0
#define UREAD         .access = MMU_READ, .cpl = 3
#define UWRITE        .access = MMU_WRITE, .cpl = 3
#define UFETCH        .access = MMU_FETCH, .cpl = 3

#define OK(gpa_, size_, can_, ad_) \
    .kind = MMU_OK, .gpa = (gpa_), .size = (size_), .can = (can_), .ad = (ad_)
#define FAULT(ec_)    .kind = MMU_PAGE_FAULT, .ec = (ec_)

/* What the walk must leave in RAM. */
typedef enum ad_effect {
    AD_UNCHANGED = 0,  /* not one byte written */
    AD_ACCESSED,       /* A set on every entry of the path, nothing else changed */
    AD_DIRTY,          /* AD_ACCESSED plus D on the leaf */
} ad_effect;

typedef struct walk_case {
    const char *name;
    /* machine */
    uint64_t cr0, cr4, efer;
    uint64_t cr3;             /* 0: PML4_AT */
    unsigned maxphy;          /* 0: 46 bits */
    /* entries on the path of gva, top-down, as full values */
    uint64_t pml4e, pdpte, pde, pte;
    /* the access */
    uint64_t gva;
    mmu_access access;
    unsigned cpl;
    bool ac;
    bool debugger;            /* walk with set_ad = false */
    int fail_write_level;     /* 4..1: write64 of that level's entry fails */
    /* expected */
    mmu_result_kind kind;
    uint64_t gpa, size;
    uint32_t ec;
    uint64_t pt_gpa;
    const char *can;          /* "rwx", '-' where the right is absent; NULL: none */
    ad_effect ad;
} walk_case;

/* Guest RAM behind the accessor, with a log of what the walk did to it. */
typedef struct pt_ram {
    uint8_t bytes[RAM_SIZE];
    uint64_t fail_write_gpa;  /* write64 refuses this GPA */
    unsigned reads, writes;
    uint64_t read_log[8];
} pt_ram;

static inline bool ram_holds(uint64_t gpa)
{
    return range_within(gpa, 8, RAM_SIZE);
}

/* Entries are stored little endian, as the guest stores them, whatever the host. */
static inline uint64_t ram_get(const pt_ram *ram, uint64_t gpa)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | ram->bytes[gpa + (uint64_t)i];
    return v;
}

static inline void ram_put(pt_ram *ram, uint64_t gpa, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        ram->bytes[gpa + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

static inline bool ram_read64(void *ctx, uint64_t gpa, uint64_t *val)
{
    pt_ram *ram = ctx;
    if (ram->reads < ARRAY_LEN(ram->read_log))
        ram->read_log[ram->reads] = gpa;
    ram->reads++;
    if (!ram_holds(gpa))
        return false;
    *val = ram_get(ram, gpa);
    return true;
}

static inline bool ram_write64(void *ctx, uint64_t gpa, uint64_t val)
{
    pt_ram *ram = ctx;
    ram->writes++;
    if (!ram_holds(gpa) || gpa == ram->fail_write_gpa)
        return false;
    ram_put(ram, gpa, val);
    return true;
}

static inline void ram_init(pt_ram *ram)
{
    memset(ram, 0, sizeof *ram);
    ram->fail_write_gpa = ~UINT64_C(0);
}

/* GPA of the entry of `level` (4..1) on the path of gva through the fixed tables. */
static inline uint64_t entry_gpa(uint64_t gva, int level)
{
    static const uint64_t table[5] = { 0, PT_AT, PD_AT, PDPT_AT, PML4_AT };
    unsigned shift = 12 + 9 * (unsigned)(level - 1);
    return table[level] + ((gva >> shift) & 511) * 8;
}

static inline uint64_t case_entry(const walk_case *c, int level)
{
    const uint64_t e[5] = { 0, c->pte, c->pde, c->pdpte, c->pml4e };
    return e[level];
}

/* The level of the leaf, from the row's own entries. */
static inline int case_leaf_level(const walk_case *c)
{
    if (c->pdpte & PS)
        return 3;
    if (c->pde & PS)
        return 2;
    return 1;
}

static inline void assert_can(const mmu_result *r, const char *can)
{
    const char *want = can ? can : "---";
    char got[4] = {
        r->can_read ? 'r' : '-', r->can_write ? 'w' : '-', r->can_fetch ? 'x' : '-', 0,
    };
    assert_string_equal(got, want);
}

/* RAM as the row says it must look after the walk. */
static inline void expected_ram(const walk_case *c, const pt_ram *before, pt_ram *want)
{
    memcpy(want->bytes, before->bytes, sizeof want->bytes);
    if (c->ad == AD_UNCHANGED)
        return;
    int leaf = case_leaf_level(c);
    for (int level = 4; level >= leaf; level--) {
        uint64_t gpa = entry_gpa(c->gva, level);
        uint64_t e = ram_get(before, gpa) | A;
        if (c->ad == AD_DIRTY && level == leaf)
            e |= D;
        ram_put(want, gpa, e);
    }
}

static inline unsigned entries_changed(const pt_ram *a, const pt_ram *b)
{
    unsigned n = 0;
    for (uint64_t gpa = 0; gpa < RAM_SIZE; gpa += 8)
        n += ram_get(a, gpa) != ram_get(b, gpa);
    return n;
}

static inline void run_case(void **state)
{
    const walk_case *c = *state;
    static pt_ram ram, before, want;

    ram_init(&ram);
    for (int level = 4; level >= 1; level--)
        ram_put(&ram, entry_gpa(c->gva, level), case_entry(c, level));
    if (c->fail_write_level)
        ram.fail_write_gpa = entry_gpa(c->gva, c->fail_write_level);
    before = ram;

    mmu_ctrl ctrl = {
        .cr0 = c->cr0, .cr3 = c->cr3 ? c->cr3 : PML4_AT, .cr4 = c->cr4, .efer = c->efer,
        .maxphyaddr = c->maxphy ? c->maxphy : 46,
    };
    mmu_mem mem = { .read64 = ram_read64, .write64 = ram_write64, .ctx = &ram };
    mmu_req req = {
        .gva = c->gva, .access = c->access, .cpl = c->cpl, .rflags_ac = c->ac,
        .set_ad = !c->debugger,
    };
    mmu_result r;
    memset(&r, 0xa5, sizeof r);   /* every field must be written, not left over */
    mmu_walk(&ctrl, &mem, &req, &r);

    assert_int_equal(r.kind, c->kind);
    assert_int_equal(r.gpa, c->gpa);
    assert_int_equal(r.page_size, c->size);
    assert_int_equal(r.error_code, c->ec);
    assert_int_equal(r.pt_gpa, c->pt_gpa);
    assert_can(&r, c->can);

    if (c->kind == MMU_NONCANONICAL || c->kind == MMU_NO_PAGING)
        assert_int_equal(ram.reads, 0);
    /* After a failed A/D write the row checks only that the refused entry is intact. */
    if (c->fail_write_level && c->kind == MMU_PT_ACCESS) {
        assert_int_equal(ram_get(&ram, c->pt_gpa), ram_get(&before, c->pt_gpa));
        return;
    }
    expected_ram(c, &before, &want);
    assert_memory_equal(ram.bytes, want.bytes, RAM_SIZE);
    /* One write per entry that changed: unchanged entries are never written back. */
    assert_int_equal(ram.writes, entries_changed(&before, &want));
}

/* One cmocka test per row, named by the row. */
static inline void rows_to_tests(struct CMUnitTest *tests, walk_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tests[i] = (struct CMUnitTest){
            .name = cases[i].name, .test_func = run_case, .initial_state = &cases[i],
        };
}

#endif
