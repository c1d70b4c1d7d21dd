/* A seeded random test: 100,000 DMA requests by a VTL0 device over all of a small RAM,
 * under a random SLAT (rights per page and a random GPA -> SPA permutation) and random
 * remapping tables living in that same RAM, which the transfers may overwrite.
 *
 * Every byte of a frame VTL0 may not read holds the marker 0xA5 and no byte VTL0 may
 * read does, so after each request:
 *   - no frame VTL0 may read contains 0xA5 (nothing secret was read into a place VTL0
 *     can see), and
 *   - every frame VTL0 may not write is unchanged.
 * With translation off, the whole of RAM is also compared with an independent model.
 * Set IOMMU_RANDOM_SEED to explore other seeds; failures name the seed and request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/bits.h"
#include "iommu/iommu.h"
#include "iommu/vtd.h"

#define PAGES       32u                 /* guest RAM: GPA [0, 128 KiB), as many SPA frames */
#define RAM_SIZE    ((uint64_t)PAGES * PAGE_SIZE)
#define REQUESTS    100000u
#define EPOCH       500u                /* requests between two new random machines */
#define SECRET      0xA5u
#define DEFAULT_SEED UINT64_C(0x5eed0fd3a0a5c0de)
#define DMA0        ((uint16_t)0x0018)

#define R 1u
#define W 2u

typedef struct machine {
    uint8_t ram[RAM_SIZE];              /* SPA */
    uint8_t model[RAM_SIZE];            /* the oracle's RAM, translation off only */
    uint8_t before[RAM_SIZE];           /* RAM at the start of the epoch */
    uint32_t frame[PAGES];              /* VTL0's SLAT: GPA page -> SPA frame */
    uint8_t rights[PAGES];              /* VTL0's rights on the GPA page */
    uint8_t frame_rights[PAGES];        /* the same, by SPA frame */
    uint64_t rng;
    uint64_t seed;
    unsigned request;
    iommu *u;
} machine;

/* ---- PRNG: splitmix64 ----------------------------------------------------------------- */

static uint64_t next(machine *m)
{
    uint64_t z = (m->rng += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t below(machine *m, uint64_t n) { return next(m) % n; }
static bool chance(machine *m, unsigned percent) { return below(m, 100) < percent; }

/* ---- the machine's callbacks ------------------------------------------------------------ */

static bool m_slat(void *ctx, unsigned vtl, uint64_t gpa, bool write, uint64_t *spa)
{
    machine *m = ctx;
    if (vtl != 0)
        fail_msg("seed %#llx request %u: a VTL0 device was checked against VTL%u",
                 (unsigned long long)m->seed, m->request, vtl);
    if (gpa >= RAM_SIZE)
        return false;
    unsigned p = (unsigned)(gpa >> PAGE_SHIFT);
    if (!(m->rights[p] & (write ? W : R)))
        return false;
    *spa = (uint64_t)m->frame[p] * PAGE_SIZE + (gpa & ~PAGE_MASK);
    return true;
}

/* Reads by GPA as VTL0 sees RAM; the unit has SLAT-checked the read already, and the
 * test makes sure of it: a table read of a page VTL0 may not read is a failure. */
static bool m_read64(void *ctx, uint64_t gpa, uint64_t *val)
{
    machine *m = ctx;
    if (gpa >= RAM_SIZE)
        return false;
    unsigned p = (unsigned)(gpa >> PAGE_SHIFT);
    if (!(m->rights[p] & R))
        fail_msg("seed %#llx request %u: table read of GPA %#llx, which VTL0 may not read",
                 (unsigned long long)m->seed, m->request, (unsigned long long)gpa);
    memcpy(val, m->ram + (uint64_t)m->frame[p] * PAGE_SIZE + (gpa & ~PAGE_MASK), 8);
    return true;
}

/* ---- a random machine -------------------------------------------------------------- */

static uint64_t random_gpa_page(machine *m)
{
    /* Mostly RAM, sometimes just beyond it, rarely far away. */
    if (chance(m, 90))
        return below(m, PAGES) * PAGE_SIZE;
    if (chance(m, 70))
        return (PAGES + below(m, 8)) * PAGE_SIZE;
    return next(m) & MASK64(VTD_HAW - 1, 12);
}

static uint64_t random_rights(machine *m)
{
    unsigned k = (unsigned)below(m, 100);
    return k < 85 ? VTD_SL_RW : k < 91 ? VTD_SL_R : k < 97 ? VTD_SL_W : 0;
}

/* A random second-level entry: mostly a pointer to `next_table` (the table meant for the
 * level below), else to any page, with random rights; sometimes a large page, not
 * present, or with a reserved bit. */
static uint64_t random_sl_entry(machine *m, uint64_t next_table)
{
    if (chance(m, 1))
        return 0;
    uint64_t e = (chance(m, 95) ? next_table : random_gpa_page(m)) | random_rights(m);
    if (chance(m, 4)) {
        /* A large page: at GPA 0 its first 128 KiB are RAM; else likely misaligned. */
        e |= VTD_SL_PS;
        if (chance(m, 80))
            e &= ~VTD_SL_ADDR;
    }
    if (chance(m, 2))
        e |= BIT64(11);
    if (chance(m, 3))
        e |= next(m) & (MASK64(63, 52) | MASK64(10, 8));   /* ignored bits */
    return e;
}

static void put64(machine *m, uint64_t gpa, uint64_t v)
{
    unsigned p = (unsigned)(gpa >> PAGE_SHIFT);
    memcpy(m->ram + (uint64_t)m->frame[p] * PAGE_SIZE + (gpa & ~PAGE_MASK), &v, 8);
}

static void new_machine(machine *m)
{
    /* SLAT: a random permutation of frames, random rights. */
    for (unsigned p = 0; p < PAGES; p++)
        m->frame[p] = p;
    for (unsigned p = PAGES - 1; p > 0; p--) {
        unsigned q = (unsigned)below(m, p + 1);
        uint32_t t = m->frame[p];
        m->frame[p] = m->frame[q];
        m->frame[q] = t;
    }
    for (unsigned p = 0; p < PAGES; p++) {
        unsigned k = (unsigned)below(m, 100);
        m->rights[p] = (uint8_t)(k < 55 ? R | W : k < 70 ? R : k < 85 ? W : 0);
        m->frame_rights[m->frame[p]] = m->rights[p];
    }

    /* Contents: secret frames all marker, the others random bytes. */
    for (uint64_t i = 0; i < RAM_SIZE; i++)
        m->ram[i] = (uint8_t)next(m);

    /* Remapping tables on random pages (readable ones, mostly): root, context, then the
     * pages meant for levels 4 to 1; entries random. */
    uint64_t tables[6];
    for (unsigned i = 0; i < 6; i++) {
        /* Six distinct random pages: the permutation's first six values. */
        tables[i] = (uint64_t)m->frame[i] * PAGE_SIZE;
        /* Mostly read-only: DMA overwriting the tables ends most of an epoch's successes. */
        unsigned k = (unsigned)below(m, 100);
        m->rights[tables[i] >> PAGE_SHIFT] = (uint8_t)(k < 75 ? R : k < 92 ? R | W : k < 96 ? W : 0);
        m->frame_rights[m->frame[tables[i] >> PAGE_SHIFT]] = m->rights[tables[i] >> PAGE_SHIFT];
    }
    uint64_t root = tables[0], ctx = tables[1];
    uint64_t re = chance(m, 95) ? ctx | VTD_RE_P : next(m);
    if (chance(m, 3))
        re |= BIT64(1 + below(m, 11));
    put64(m, root, re);
    put64(m, root + 8, chance(m, 95) ? 0 : next(m));
    uint64_t aw = chance(m, 97) ? 1 + below(m, 2) : below(m, 8);
    uint64_t top = chance(m, 85) ? tables[aw == VTD_AW_39 ? 3 : 2] : random_gpa_page(m);
    unsigned tt = chance(m, 85) ? VTD_TT_SECOND_LEVEL : chance(m, 80) ? VTD_TT_PASS_THROUGH : (unsigned)below(m, 4);
    if (tt == VTD_TT_PASS_THROUGH && chance(m, 80))
        aw = VTD_AW_48;
    uint64_t ce = top | ((uint64_t)tt << VTD_CE_TT_SHIFT);
    if (chance(m, 95))
        ce |= VTD_CE_P;
    if (chance(m, 10))
        ce |= VTD_CE_FPD;
    put64(m, ctx + (DMA0 & 0xFF) * 16, ce);
    put64(m, ctx + (DMA0 & 0xFF) * 16 + 8, aw | (below(m, 0x10000) << VTD_CE_DID_SHIFT));
    /* The first entries of every table page: the random IOVAs use indexes 0..7 above
     * the last level and 0..31 in it. */
    for (unsigned t = 2; t < 6; t++)
        for (unsigned i = 0; i < 32; i++)
            put64(m, tables[t] + i * 8, random_sl_entry(m, t < 5 ? tables[t + 1] : random_gpa_page(m)));

    /* Now enforce the marker rule over whatever the tables wrote. */
    for (unsigned f = 0; f < PAGES; f++) {
        uint8_t *b = m->ram + (uint64_t)f * PAGE_SIZE;
        if (!(m->frame_rights[f] & R))
            memset(b, SECRET, PAGE_SIZE);
        else
            for (unsigned i = 0; i < PAGE_SIZE; i++)
                if (b[i] == SECRET)
                    b[i] = (uint8_t)~SECRET;
    }
    memcpy(m->before, m->ram, RAM_SIZE);

    assert_int_equal(iommu_set_root_table(m->u, root), VE_OK);
    iommu_set_translation(m->u, chance(m, 70));
    /* Keep the queue from staying full forever: software clears it now and then. */
    for (unsigned i = 0; i < iommu_fault_slots(m->u); i++)
        iommu_fault_clear(m->u, i);
    iommu_fault_clear_overflow(m->u);
}

/* ---- random requests ----------------------------------------------------------------- */

static uint64_t random_address(machine *m)
{
    if (chance(m, 3))
        return next(m);
    if (!iommu_translation_enabled(m->u) || chance(m, 5))
        return below(m, RAM_SIZE + 4 * PAGE_SIZE);
    /* Small indexes, so that the random entries are met again and again. */
    return (chance(m, 5) ? below(m, 4) << 39 : 0) | (below(m, 2) << 30) | (below(m, 2) << 21) |
           (below(m, 32) << 12) | below(m, PAGE_SIZE);
}

static uint64_t random_length(machine *m)
{
    unsigned k = (unsigned)below(m, 100);
    if (k < 60)
        return 1 + below(m, 2 * PAGE_SIZE);
    if (k < 85)
        return 1 + below(m, 8);
    if (k < 95)
        return 1 + below(m, 16 * PAGE_SIZE);
    if (k < 97)
        return IOMMU_DMA_MAX_LEN - below(m, 2);
    if (k < 98)
        return 0;
    if (k < 99)
        return IOMMU_DMA_MAX_LEN + 1 + below(m, 100);
    return next(m);
}

/* ---- the oracle for translation off --------------------------------------------------- */

static bool model_page(const machine *m, uint64_t gpa, unsigned need, uint64_t *spa)
{
    if (gpa >= RAM_SIZE || !(m->rights[gpa >> PAGE_SHIFT] & need))
        return false;
    *spa = (uint64_t)m->frame[gpa >> PAGE_SHIFT] * PAGE_SIZE + (gpa & ~PAGE_MASK);
    return true;
}

/* Bytes the model lets through, byte by byte; the model RAM gets the memmove. */
static uint64_t model_dma(machine *m, uint64_t src, uint64_t dst, uint64_t len, iommu_dma_status *status)
{
    if (len == 0 || len > IOMMU_DMA_MAX_LEN || src + len - 1 < src || dst + len - 1 < dst) {
        *status = IOMMU_DMA_BAD_REQUEST;
        return 0;
    }
    /* Every byte moved lies in RAM, so fewer than RAM_SIZE of them move. */
    static uint8_t tmp[RAM_SIZE];
    static uint64_t dspa[RAM_SIZE];
    uint64_t n = 0;
    for (; n < len; n++) {
        uint64_t s, d;
        if (!model_page(m, src + n, R, &s) || !model_page(m, dst + n, W, &d))
            break;
        tmp[n] = m->model[s];
        dspa[n] = d;
    }
    for (uint64_t i = 0; i < n; i++)
        m->model[dspa[i]] = tmp[i];
    *status = n == len ? IOMMU_DMA_DONE : IOMMU_DMA_BLOCKED;
    return n;
}

/* ---- the test ------------------------------------------------------------------------ */

#define CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            print_error("seed %#llx request %u (src %#llx dst %#llx len %#llx, translation %s): ", \
                        (unsigned long long)m->seed, m->request, (unsigned long long)src, \
                        (unsigned long long)dst, (unsigned long long)len, \
                        iommu_translation_enabled(m->u) ? "on" : "off"); \
            print_error(__VA_ARGS__); \
            print_error("\n"); \
            fail(); \
        } \
    } while (0)

static void vtl0_device_dma_never_reads_or_changes_a_vtl1_protected_byte(void **state)
{
    (void)state;
    machine *m = test_calloc(1, sizeof(*m));
    const char *env_seed = getenv("IOMMU_RANDOM_SEED");
    m->seed = env_seed ? strtoull(env_seed, NULL, 0) : DEFAULT_SEED;
    m->rng = m->seed;
    iommu_env env = {.read64 = m_read64, .slat = m_slat, .cow_write = NULL, .ctx = m,
                     .spa_base = m->ram, .spa_size = RAM_SIZE, .fault_slots = 8};
    assert_int_equal(iommu_create(&env, &m->u), VE_OK);

    unsigned counts[4] = {0}, remapped_done = 0, remapped_partial = 0;
    for (m->request = 0; m->request < REQUESTS; m->request++) {
        if (m->request % EPOCH == 0) {
            new_machine(m);
            memcpy(m->model, m->ram, RAM_SIZE);
        }
        uint64_t src = random_address(m), dst = random_address(m), len = random_length(m);
        bool off = !iommu_translation_enabled(m->u);
        iommu_dma_result r;
        ve_status st = iommu_dma(m->u, DMA0, src, dst, len, &r);
        CHECK(st == VE_OK, "iommu_dma returned %s", ve_status_str(st));
        CHECK(r.status >= IOMMU_DMA_DONE && r.status <= IOMMU_DMA_BAD_REQUEST, "status %d", r.status);
        counts[r.status]++;
        if (!off && r.status == IOMMU_DMA_DONE)
            remapped_done++;
        if (!off && r.status == IOMMU_DMA_BLOCKED && r.copied > 0)
            remapped_partial++;
        switch (r.status) {
        case IOMMU_DMA_DONE:
            CHECK(r.copied == len && r.fault.reason == IOMMU_FR_NONE, "done but copied %#llx",
                  (unsigned long long)r.copied);
            break;
        case IOMMU_DMA_BLOCKED:
            CHECK(r.copied < len && r.fault.reason != IOMMU_FR_NONE && r.fault.vtl == 0,
                  "blocked with copied %#llx reason %#x", (unsigned long long)r.copied, r.fault.reason);
            break;
        case IOMMU_DMA_BAD_REQUEST:
            CHECK(r.copied == 0, "bad request copied %#llx", (unsigned long long)r.copied);
            break;
        }

        for (unsigned f = 0; f < PAGES; f++) {
            const uint8_t *b = m->ram + (uint64_t)f * PAGE_SIZE;
            if (m->frame_rights[f] & R)
                CHECK(!memchr(b, SECRET, PAGE_SIZE), "a secret byte reached frame %u, which VTL0 may read", f);
            if (!(m->frame_rights[f] & W))
                CHECK(!memcmp(b, m->before + (uint64_t)f * PAGE_SIZE, PAGE_SIZE),
                      "frame %u, which VTL0 may not write, changed", f);
        }
        if (off) {
            iommu_dma_status want_status;
            uint64_t want = model_dma(m, src, dst, len, &want_status);
            CHECK(r.status == want_status && r.copied == want, "status %d copied %#llx, model %d %#llx",
                  r.status, (unsigned long long)r.copied, want_status, (unsigned long long)want);
            CHECK(!memcmp(m->ram, m->model, RAM_SIZE), "RAM differs from the model");
        } else {
            memcpy(m->model, m->ram, RAM_SIZE);
        }
    }
    /* The mix must exercise every outcome, or the test proves little. */
    print_message("seed %#llx: done %u (remapped %u), blocked %u (remapped, partly copied %u), bad %u\n",
                  (unsigned long long)m->seed, counts[1], remapped_done, counts[2], remapped_partial, counts[3]);
    if (counts[IOMMU_DMA_DONE] < REQUESTS / 25 || counts[IOMMU_DMA_BLOCKED] < REQUESTS / 10 ||
        counts[IOMMU_DMA_BAD_REQUEST] < REQUESTS / 100 || remapped_done < REQUESTS / 250 ||
        remapped_partial < REQUESTS / 250)
        fail_msg("seed %#llx: too few of an outcome", (unsigned long long)m->seed);
    iommu_destroy(m->u);
    test_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vtl0_device_dma_never_reads_or_changes_a_vtl1_protected_byte),
    };
    return cmocka_run_group_tests_name("iommu_dma_random", tests, NULL, NULL);
}
