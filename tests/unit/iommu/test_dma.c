/* DMA transfers: whole copies, partial copies stopped by a fault (status 2, the exact
 * byte count, nothing written past the fault), bad requests (status 3), memmove
 * semantics for overlapping and aliased ranges, copy-on-write breaks, and VTLs.
 * Every test compares all of host RAM with a model of what the copy must do. */
#include <stdlib.h>

#include "tests/unit/iommu/iommu_fixture.h"

/* The expected host RAM: a copy of RAM before the transfer, then the model's changes. */
static uint8_t want_ram[SPA_SIZE];

static uint8_t *snapshot(fake *f)
{
    memcpy(want_ram, f->ram, SPA_SIZE);
    return want_ram;
}

static iommu_dma_result dma(fake *f, uint16_t rid, uint64_t src, uint64_t dst, uint64_t len)
{
    iommu_dma_result r;
    assert_int_equal(iommu_dma(f->u, rid, src, dst, len, &r), VE_OK);
    return r;
}

/* The model with translation off and an identity SLAT: memmove of the first n bytes. */
static void model_move(uint8_t *m, uint64_t src, uint64_t dst, uint64_t n)
{
    memmove(m + dst, m + src, n);
}

static void assert_ram_is(fake *f, uint8_t *want)
{
    for (uint64_t i = 0; i < SPA_SIZE; i++) {
        if (f->ram[i] != want[i]) {
            print_error("host RAM differs first at SPA %#llx: %#x, want %#x\n", (unsigned long long)i,
                        f->ram[i], want[i]);
            fail();
        }
    }
}

/* ---- whole copies ----------------------------------------------------------------- */

typedef struct copy_row {
    const char *name;
    uint64_t src, dst, len;
} copy_row;

static const copy_row copies[] = {
    {"a_copy_inside_one_page_is_done", DATA_AT + 0x100, DATA_AT + 0x9000 + 0x40, 0x200},
    {"a_copy_of_one_byte_at_the_end_of_a_page_is_done", DATA_AT + 0xfff, DATA_AT + 0x7fff, 1},
    {"a_copy_across_pages_at_different_offsets_is_done", DATA_AT + 0x123, DATA_AT + 0x20f00, 3 * PAGE_SIZE + 0x456},
    {"a_page_aligned_copy_of_whole_pages_is_done", DATA_AT, DATA_AT + 0x40000, 16 * PAGE_SIZE},
    {"a_copy_of_the_largest_length_1_mib_is_done", DATA_AT + 0x10, DATA_AT + IOMMU_DMA_MAX_LEN + 0x8010,
     IOMMU_DMA_MAX_LEN},
    {"a_copy_forward_onto_itself_shifted_by_16_bytes_is_a_memmove", DATA_AT + 0x800, DATA_AT + 0x810,
     3 * PAGE_SIZE},
    {"a_copy_backward_onto_itself_shifted_by_16_bytes_is_a_memmove", DATA_AT + 0x810, DATA_AT + 0x800,
     3 * PAGE_SIZE},
    {"a_copy_forward_onto_itself_shifted_by_a_page_and_a_bit_is_a_memmove", DATA_AT + 0x100,
     DATA_AT + 0x1180, 5 * PAGE_SIZE},
    {"a_copy_onto_itself_changes_nothing", DATA_AT + 0x321, DATA_AT + 0x321, 2 * PAGE_SIZE},
    {"a_1_mib_copy_onto_itself_shifted_by_one_byte_is_a_memmove", DATA_AT + 1, DATA_AT, IOMMU_DMA_MAX_LEN},
};

static void run_copy_row(void **state)
{
    fake *f = *state;
    const copy_row *r = f->row;
    uint8_t *want = snapshot(f);
    model_move(want, r->src, r->dst, r->len);
    iommu_dma_result res = dma(f, DMA0, r->src, r->dst, r->len);
    assert_int_equal(res.status, IOMMU_DMA_DONE);
    assert_int_equal(res.copied, r->len);
    assert_int_equal(res.src_gpa, r->src);
    assert_int_equal(res.dst_gpa, r->dst);
    assert_int_equal(res.fault.reason, IOMMU_FR_NONE);
    assert_int_equal(iommu_fault_status(f->u), 0);
    assert_ram_is(f, want);
}

/* ---- partial copies ---------------------------------------------------------------- */

typedef struct partial_row {
    const char *name;
    uint64_t src, dst, len;
    uint64_t deny_gpa;       /* a page VTL0 may not access for this transfer */
    unsigned deny_rights;    /* rights left to it on that page */
    uint64_t copied;         /* expected */
    uint64_t fault_iova;
    bool fault_write;
} partial_row;

#define S DATA_AT
#define D (DATA_AT + 0x40000)

static const partial_row partials[] = {
    {"a_source_page_vtl0_may_not_read_stops_the_copy_at_its_first_byte", S + 0x200, D + 0x200, 4 * PAGE_SIZE,
     S + 2 * PAGE_SIZE, FAKE_W, 2 * PAGE_SIZE - 0x200, S + 2 * PAGE_SIZE, false},
    {"a_destination_page_vtl0_may_not_write_stops_the_copy_at_its_first_byte", S + 0x200, D + 0x600,
     4 * PAGE_SIZE, D + 3 * PAGE_SIZE, FAKE_R, 3 * PAGE_SIZE - 0x600, D + 3 * PAGE_SIZE, true},
    {"a_source_fault_in_the_middle_of_a_destination_page_writes_it_only_up_to_the_fault", S + 0x800,
     D + 0x100, 3 * PAGE_SIZE, S + PAGE_SIZE, 0, 0x800, S + PAGE_SIZE, false},
    {"a_fault_on_the_first_destination_page_copies_nothing", S, D + 0xff0, 2 * PAGE_SIZE, D, FAKE_R, 0, D + 0xff0,
     true},
    {"a_fault_on_the_first_source_page_copies_nothing", S + 0x10, D, 0x100, S, 0, 0, S + 0x10, false},
    {"a_fault_on_the_last_byte_leaves_only_that_byte", S, D + 1, 2 * PAGE_SIZE, D + 2 * PAGE_SIZE, FAKE_R,
     2 * PAGE_SIZE - 1, D + 2 * PAGE_SIZE, true},
    {"a_destination_beyond_ram_stops_the_copy_where_ram_ends", S, GPA_SIZE - 0x300, 0x1000, 0, 0, 0x300,
     GPA_SIZE, true},
    {"a_source_fault_is_reported_when_both_ranges_fault_at_the_same_step", S + 3 * PAGE_SIZE,
     S + 3 * PAGE_SIZE, 0x10, S + 3 * PAGE_SIZE, 0, 0, S + 3 * PAGE_SIZE, false},
    {"an_overlapping_copy_cut_short_is_a_memmove_of_its_prefix", S + 0x100, S + 0x1100, 4 * PAGE_SIZE,
     S + 4 * PAGE_SIZE, FAKE_R, 3 * PAGE_SIZE - 0x100, S + 4 * PAGE_SIZE, true},
};

static void run_partial_row(void **state)
{
    fake *f = *state;
    const partial_row *r = f->row;
    if (r->deny_gpa)
        set_rights(f, 0, r->deny_gpa, r->deny_rights);
    uint8_t *want = snapshot(f);
    model_move(want, r->src, r->dst, r->copied);
    iommu_dma_result res = dma(f, DMA0, r->src, r->dst, r->len);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.copied, r->copied);
    assert_int_equal(res.fault.reason, IOMMU_FR_SLAT);
    assert_int_equal(res.fault.iova, r->fault_iova);
    assert_int_equal(res.fault.write, r->fault_write);
    assert_int_equal(res.fault.rid, DMA0);
    assert_true(res.fault.recorded);
    assert_int_equal(res.src_gpa, r->copied ? r->src : 0);
    assert_int_equal(res.dst_gpa, r->copied ? r->dst : 0);
    assert_int_equal(pending_faults(f->u), 1);
    iommu_fault_record rec;
    assert_int_equal(iommu_fault_read(f->u, 0, &rec), VE_OK);
    assert_int_equal(rec.iova, r->fault_iova);
    assert_ram_is(f, want);
}

/* ---- bad requests ------------------------------------------------------------------ */

typedef struct bad_row {
    const char *name;
    uint64_t src, dst, len;
} bad_row;

static const bad_row bads[] = {
    {"a_length_of_zero_is_a_bad_request", S, D, 0},
    {"a_length_of_1_mib_and_1_byte_is_a_bad_request", S, D, IOMMU_DMA_MAX_LEN + 1},
    {"the_largest_length_is_a_bad_request", S, D, UINT64_MAX},
    {"a_source_range_wrapping_past_2_to_the_64_is_a_bad_request", UINT64_MAX - 0xff, D, 0x101},
    {"a_destination_range_wrapping_past_2_to_the_64_is_a_bad_request", S, UINT64_MAX, 2},
    {"a_bad_length_is_reported_before_anything_is_translated", GPA_SIZE, GPA_SIZE, 0},
};

static void run_bad_row(void **state)
{
    fake *f = *state;
    const bad_row *r = f->row;
    uint8_t *want = snapshot(f);
    f->slat_calls = f->read64_calls = 0;
    iommu_dma_result res = dma(f, DMA0, r->src, r->dst, r->len);
    assert_int_equal(res.status, IOMMU_DMA_BAD_REQUEST);
    assert_int_equal(res.copied, 0);
    assert_int_equal(res.fault.reason, IOMMU_FR_NONE);
    assert_int_equal(f->slat_calls, 0);
    assert_int_equal(iommu_fault_status(f->u), 0);
    assert_ram_is(f, want);
}

static void a_range_ending_exactly_at_2_to_the_64_is_no_bad_request(void **state)
{
    fake *f = *state;
    iommu_dma_result res = dma(f, DMA0, UINT64_MAX - 0xfff, D, 0x1000);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.fault.iova, UINT64_MAX - 0xfff);
    res = dma(f, DMA0, S, UINT64_MAX, 1);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.fault.iova, UINT64_MAX);
}

/* ---- remapping ----------------------------------------------------------------------- */

#define IOVA_SRC IOVA(0, 0, 1, 0, 0)     /* 2 MiB */
#define IOVA_DST IOVA(0, 0, 1, 8, 0)

/* dma0 remapped 4-level: IOVA_SRC's page to gpa_a, IOVA_DST's page to gpa_b, with the
 * given leaf rights (read and write above them); every other IOVA is unmapped. */
static void remap_two_pages(fake *f, uint64_t gpa_a, uint64_t rw_a, uint64_t gpa_b, uint64_t rw_b)
{
    map_4k(f, DMA0, IOVA_SRC, gpa_a, VTD_SL_RW);
    put64(f, L1_AT + ((IOVA_SRC >> 12) & 511) * 8, gpa_a | rw_a);
    put64(f, L1_AT + ((IOVA_DST >> 12) & 511) * 8, gpa_b | rw_b);
}

static void a_remapped_copy_moves_bytes_between_the_mapped_gpas(void **state)
{
    fake *f = *state;
    remap_two_pages(f, S + 0x5000, VTD_SL_R, D + 0x7000, VTD_SL_W);
    uint8_t *want = snapshot(f);
    model_move(want, S + 0x5010, D + 0x7020, 0x100);
    iommu_dma_result res = dma(f, DMA0, IOVA_SRC + 0x10, IOVA_DST + 0x20, 0x100);
    assert_int_equal(res.status, IOMMU_DMA_DONE);
    assert_int_equal(res.src_gpa, S + 0x5010);
    assert_int_equal(res.dst_gpa, D + 0x7020);
    assert_ram_is(f, want);
}

static void a_remapped_copy_stops_at_the_first_unmapped_page(void **state)
{
    fake *f = *state;
    remap_two_pages(f, S + 0x5000, VTD_SL_R, D + 0x7000, VTD_SL_W);
    uint8_t *want = snapshot(f);
    model_move(want, S + 0x5800, D + 0x7000, 0x800);
    iommu_dma_result res = dma(f, DMA0, IOVA_SRC + 0x800, IOVA_DST, 0x1000);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.copied, 0x800);
    assert_int_equal(res.fault.reason, VTD_FR_NO_READ);
    assert_int_equal(res.fault.iova, IOVA_SRC + PAGE_SIZE);
    assert_false(res.fault.gpa_known);
    assert_ram_is(f, want);
}

static void a_copy_into_a_read_only_mapping_is_blocked_by_the_remapping(void **state)
{
    fake *f = *state;
    remap_two_pages(f, S + 0x5000, VTD_SL_R, D + 0x7000, VTD_SL_R);
    uint8_t *want = snapshot(f);
    iommu_dma_result res = dma(f, DMA0, IOVA_SRC, IOVA_DST, 0x10);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.fault.reason, VTD_FR_NO_WRITE);
    assert_ram_is(f, want);
}

static void ranges_aliased_by_the_remapping_copy_like_a_memmove(void **state)
{
    fake *f = *state;
    /* Two IOVA pages, one GPA page: the ranges do not overlap as IOVAs but do as GPAs. */
    remap_two_pages(f, S + 0x5000, VTD_SL_RW, S + 0x5000, VTD_SL_RW);
    uint8_t *want = snapshot(f);
    model_move(want, S + 0x5000, S + 0x5008, 0xff0);
    iommu_dma_result res = dma(f, DMA0, IOVA_SRC, IOVA_DST + 8, 0xff0);
    assert_int_equal(res.status, IOMMU_DMA_DONE);
    assert_ram_is(f, want);
}

/* ---- SLAT, VTLs, copy-on-write -------------------------------------------------------- */

static void a_copy_moves_the_bytes_of_the_frames_the_slat_names(void **state)
{
    fake *f = *state;
    /* Both GPA pages backed by frames far from their GPAs (spare frames). */
    const uint32_t fs = GPA_PAGES + 3, fd = GPA_PAGES + 9;
    f->map[0][S >> PAGE_SHIFT].frame = fs;
    f->map[0][D >> PAGE_SHIFT].frame = fd;
    uint8_t *want = snapshot(f);
    memmove(want + (uint64_t)fd * PAGE_SIZE + 0x30, want + (uint64_t)fs * PAGE_SIZE + 0x10, 0x200);
    iommu_dma_result res = dma(f, DMA0, S + 0x10, D + 0x30, 0x200);
    assert_int_equal(res.status, IOMMU_DMA_DONE);
    assert_int_equal(res.src_gpa, S + 0x10);
    assert_int_equal(res.dst_gpa, D + 0x30);
    assert_ram_is(f, want);
}

static void a_remapped_copy_from_a_page_vtl1_denies_vtl0_is_blocked_by_the_slat(void **state)
{
    fake *f = *state;
    remap_two_pages(f, S + 0x5000, VTD_SL_RW, D + 0x7000, VTD_SL_RW);
    set_rights(f, 0, S + 0x5000, 0);
    uint8_t *want = snapshot(f);
    iommu_dma_result res = dma(f, DMA0, IOVA_SRC, IOVA_DST, 0x100);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.fault.reason, IOMMU_FR_SLAT);
    assert_int_equal(res.fault.gpa, S + 0x5000);
    assert_int_equal(res.fault.vtl, 0);
    assert_ram_is(f, want);
}

static void a_vtl1_device_copies_what_only_vtl1_may_touch(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_set_device_vtl(f->u, DMA0, 1), VE_OK);
    set_rights(f, 0, S, 0);
    set_rights(f, 0, D, 0);
    uint8_t *want = snapshot(f);
    model_move(want, S, D, 0x80);
    iommu_dma_result res = dma(f, DMA0, S, D, 0x80);
    assert_int_equal(res.status, IOMMU_DMA_DONE);
    assert_ram_is(f, want);
}

static void a_vtl0_device_cannot_copy_what_vtl1_denies_vtl0(void **state)
{
    fake *f = *state;
    set_rights(f, 1, S, 0);      /* VTL1's own view does not matter for a VTL0 device */
    set_rights(f, 0, D, FAKE_R);
    uint8_t *want = snapshot(f);
    iommu_dma_result res = dma(f, DMA0, S, D, 0x80);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.fault.iova, D);
    assert_true(res.fault.write);
    assert_ram_is(f, want);
}

static void a_copy_into_a_shared_page_breaks_the_share_and_leaves_the_other_vtl_its_bytes(void **state)
{
    fake *f = *state;
    for (unsigned v = 0; v < IOMMU_VTLS; v++) {
        f->map[v][(D + PAGE_SIZE) >> PAGE_SHIFT].cow = true;
        f->map[v][(D + 2 * PAGE_SIZE) >> PAGE_SHIFT].cow = true;
    }
    uint8_t *want = snapshot(f);
    /* Each broken page becomes a spare frame holding the old bytes, then takes the copy. */
    const uint64_t spare0 = (uint64_t)GPA_PAGES * PAGE_SIZE, spare1 = spare0 + PAGE_SIZE;
    memcpy(want + spare0, want + D + PAGE_SIZE, PAGE_SIZE);
    memcpy(want + spare1, want + D + 2 * PAGE_SIZE, PAGE_SIZE);
    uint8_t moved[3 * PAGE_SIZE];
    memcpy(moved, want + S + 0x400, sizeof(moved));
    memcpy(want + D + 0x400, moved, PAGE_SIZE - 0x400);
    memcpy(want + spare0, moved + PAGE_SIZE - 0x400, PAGE_SIZE);
    memcpy(want + spare1, moved + 2 * PAGE_SIZE - 0x400, 0x400 + 0x10);

    iommu_dma_result res = dma(f, DMA0, S + 0x400, D + 0x400, 2 * PAGE_SIZE + 0x10);
    assert_int_equal(res.status, IOMMU_DMA_DONE);
    assert_int_equal(f->cow_calls, 2);
    assert_int_equal(f->map[0][(D + PAGE_SIZE) >> PAGE_SHIFT].frame, GPA_PAGES);
    assert_int_equal(f->map[1][(D + PAGE_SIZE) >> PAGE_SHIFT].frame, (D + PAGE_SIZE) >> PAGE_SHIFT);
    assert_ram_is(f, want);
}

static void a_refused_cow_break_blocks_the_copy_at_that_page(void **state)
{
    fake *f = *state;
    f->map[0][(D + PAGE_SIZE) >> PAGE_SHIFT].cow = true;
    set_rights(f, 0, D + PAGE_SIZE, FAKE_R);
    uint8_t *want = snapshot(f);
    model_move(want, S, D, PAGE_SIZE);
    iommu_dma_result res = dma(f, DMA0, S, D, 2 * PAGE_SIZE);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(res.copied, PAGE_SIZE);
    assert_int_equal(res.fault.reason, IOMMU_FR_SLAT);
    assert_ram_is(f, want);
}

static void a_blocked_source_never_breaks_a_destination_share(void **state)
{
    fake *f = *state;
    f->map[0][D >> PAGE_SHIFT].cow = true;
    set_rights(f, 0, S, 0);
    iommu_dma_result res = dma(f, DMA0, S, D, 0x10);
    assert_int_equal(res.status, IOMMU_DMA_BLOCKED);
    assert_int_equal(f->cow_calls, 0);
    assert_true(f->map[0][D >> PAGE_SHIFT].cow);
}

/* ---- bookkeeping ------------------------------------------------------------------ */

static void each_blocked_transfer_records_one_fault_and_a_done_one_none(void **state)
{
    fake *f = *state;
    set_rights(f, 0, D + PAGE_SIZE, 0);
    dma(f, DMA0, S, D, 4 * PAGE_SIZE);
    dma(f, DMA0, S, D + 0x800, 0x1000);
    dma(f, DMA0, S, D, 0x100);
    assert_int_equal(pending_faults(f->u), 2);
}

static void a_transfer_needs_a_result_and_host_ram(void **state)
{
    fake *f = *state;
    assert_int_equal(iommu_dma(f->u, DMA0, S, D, 1, NULL), VE_E_INVAL);
    iommu_dma_result res;
    assert_int_equal(iommu_dma(NULL, DMA0, S, D, 1, &res), VE_E_INVAL);
    iommu_destroy(f->u);
    iommu_env env = fake_env(f);
    env.spa_base = NULL;
    assert_int_equal(iommu_create(&env, &f->u), VE_OK);
    assert_int_equal(iommu_dma(f->u, DMA0, S, D, 1, &res), VE_E_STATE);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)
#define ROWS(rows, fn) \
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) \
        tests[n++] = (struct CMUnitTest){.name = rows[i].name, .test_func = fn, .setup_func = fake_setup, \
                                         .teardown_func = fake_teardown, .initial_state = (void *)&rows[i]}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        T(a_range_ending_exactly_at_2_to_the_64_is_no_bad_request),
        T(a_remapped_copy_moves_bytes_between_the_mapped_gpas),
        T(a_remapped_copy_stops_at_the_first_unmapped_page),
        T(a_copy_into_a_read_only_mapping_is_blocked_by_the_remapping),
        T(ranges_aliased_by_the_remapping_copy_like_a_memmove),
        T(a_copy_moves_the_bytes_of_the_frames_the_slat_names),
        T(a_remapped_copy_from_a_page_vtl1_denies_vtl0_is_blocked_by_the_slat),
        T(a_vtl1_device_copies_what_only_vtl1_may_touch),
        T(a_vtl0_device_cannot_copy_what_vtl1_denies_vtl0),
        T(a_copy_into_a_shared_page_breaks_the_share_and_leaves_the_other_vtl_its_bytes),
        T(a_refused_cow_break_blocks_the_copy_at_that_page),
        T(a_blocked_source_never_breaks_a_destination_share),
        T(each_blocked_transfer_records_one_fault_and_a_done_one_none),
        T(a_transfer_needs_a_result_and_host_ram),
    };
    struct CMUnitTest tests[ARRAY_LEN(copies) + ARRAY_LEN(partials) + ARRAY_LEN(bads) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ROWS(copies, run_copy_row);
    ROWS(partials, run_partial_row);
    ROWS(bads, run_bad_row);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("iommu_dma", tests, n, NULL, NULL);
}
