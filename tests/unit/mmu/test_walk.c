/* mmu_walk: translation for every page size, A/D updates, paging off, canonical
 * checks and failing page-table accesses. Faults are in test_walk_faults.c, reserved
 * bits in test_walk_rsvd.c, the cached rights in test_walk_rights.c. */
#include "tests/unit/mmu/walk_fixture.h"

/* Bits the walk must ignore: available bits 11:9 and 62:52, G, D above the leaf. */
#define IGNORED (MASK64(62, 52) | MASK64(11, 9) | MMU_PTE_G)

static walk_case cases[] = {
    /* page sizes */
    { .name = "kernel_read_of_a_4k_page_translates_with_the_page_offset",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "kernel_read_of_a_2m_page_translates_with_a_21_bit_offset",
      LM(WP, 0, NXE), PATH_2M(KRW, KRW, KRW), .gva = KVA, KREAD,
      OK(GPA_2M(KVA), PAGE_2M, "r-x", AD_ACCESSED) },
    { .name = "kernel_read_of_a_1g_page_translates_with_a_30_bit_offset",
      LM(WP, 0, NXE), PATH_1G(KRW, KRW), .gva = KVA, KREAD,
      OK(GPA_1G(KVA), PAGE_1G, "r-x", AD_ACCESSED) },
    { .name = "user_read_of_a_4k_user_page_translates",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, URW), .gva = UVA, UREAD,
      OK(GPA_4K(UVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "user_read_of_a_2m_user_page_translates",
      LM(WP, 0, NXE), PATH_2M(URW, URW, URW), .gva = UVA, UREAD,
      OK(GPA_2M(UVA), PAGE_2M, "r-x", AD_ACCESSED) },
    { .name = "user_read_of_a_1g_user_page_translates",
      LM(WP, 0, NXE), PATH_1G(URW, URW), .gva = UVA, UREAD,
      OK(GPA_1G(UVA), PAGE_1G, "r-x", AD_ACCESSED) },
    { .name = "highest_user_address_translates",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = UINT64_C(0x00007fffffffffff), KREAD,
      OK(FRAME_4K | 0xfff, PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "lowest_kernel_address_translates",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = UINT64_C(0xffff800000000000), KREAD,
      OK(FRAME_4K, PAGE_SIZE, "r-x", AD_ACCESSED) },

    /* address bits that are not address bits */
    { .name = "pat_bit_of_a_2m_page_is_not_part_of_the_address",
      LM(WP, 0, NXE), PATH_2M(KRW, KRW, KRW | MMU_PTE_PAT_LARGE), .gva = KVA, KREAD,
      OK(GPA_2M(KVA), PAGE_2M, "r-x", AD_ACCESSED) },
    { .name = "pat_bit_of_a_1g_page_is_not_part_of_the_address",
      LM(WP, 0, NXE), PATH_1G(KRW, KRW | MMU_PTE_PAT_LARGE), .gva = KVA, KREAD,
      OK(GPA_1G(KVA), PAGE_1G, "r-x", AD_ACCESSED) },
    { .name = "pte_bit_7_is_pat_and_does_not_make_a_large_page",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW | MMU_PTE_PAT_4K), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "available_global_and_upper_dirty_bits_are_ignored",
      LM(WP, 0, NXE), PATH_4K(KRW | IGNORED | D, KRW | IGNORED | D, KRW | IGNORED | D, KRW | IGNORED),
      .gva = KVA, KREAD, OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "cr3_pcid_bits_are_ignored",
      LM(WP, 0, NXE), .cr3 = PML4_AT | 0x123, PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "frame_bit_just_below_maxphyaddr_is_part_of_the_address",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(39)), .gva = KVA, KREAD,
      OK(BIT64(39) | GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "frame_bit_51_is_part_of_the_address_when_maxphyaddr_is_52",
      LM(WP, 0, NXE), .maxphy = 52, PATH_4K(KRW, KRW, KRW, KRW | BIT64(51)), .gva = KVA, KREAD,
      OK(BIT64(51) | GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "frame_bit_51_of_a_1g_page_is_part_of_the_address_when_maxphyaddr_is_52",
      LM(WP, 0, NXE), .maxphy = 52, PATH_1G(KRW, KRW | BIT64(51)), .gva = KVA, KREAD,
      OK(BIT64(51) | GPA_1G(KVA), PAGE_1G, "r-x", AD_ACCESSED) },

    /* accessed and dirty bits */
    { .name = "write_to_a_4k_page_sets_accessed_everywhere_and_dirty_on_the_pte",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KWRITE,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_DIRTY) },
    { .name = "write_to_a_2m_page_sets_dirty_on_the_pde",
      LM(WP, 0, NXE), PATH_2M(KRW, KRW, KRW), .gva = KVA, KWRITE,
      OK(GPA_2M(KVA), PAGE_2M, "rwx", AD_DIRTY) },
    { .name = "write_to_a_1g_page_sets_dirty_on_the_pdpte",
      LM(WP, 0, NXE), PATH_1G(KRW, KRW), .gva = KVA, KWRITE,
      OK(GPA_1G(KVA), PAGE_1G, "rwx", AD_DIRTY) },
    { .name = "user_write_sets_accessed_everywhere_and_dirty_on_the_pte",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, URW), .gva = UVA, UWRITE,
      OK(GPA_4K(UVA), PAGE_SIZE, "rwx", AD_DIRTY) },
    { .name = "fetch_sets_accessed_but_not_dirty",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KFETCH,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "read_of_a_dirty_page_keeps_dirty_and_sets_accessed",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW | D), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_ACCESSED) },
    { .name = "write_to_an_accessed_clean_page_writes_only_the_leaf",
      LM(WP, 0, NXE), PATH_4K(KRW | A, KRW | A, KRW | A, KRW | A), .gva = KVA, KWRITE,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_DIRTY) },
    { .name = "read_with_only_the_pde_unaccessed_writes_only_the_pde",
      LM(WP, 0, NXE), PATH_4K(KRW | A, KRW | A, KRW, KRW | A), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "walk_over_entries_already_accessed_and_dirty_writes_nothing",
      LM(WP, 0, NXE), PATH_4K(KRW | A, KRW | A, KRW | A, KRW | A | D), .gva = KVA, KWRITE,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_DIRTY) },
    { .name = "debugger_write_sets_no_accessed_or_dirty_bit",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KWRITE, .debugger = true,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_UNCHANGED) },
    { .name = "debugger_read_of_a_1g_page_sets_no_accessed_bit",
      LM(WP, 0, NXE), PATH_1G(KRW, KRW), .gva = KVA, KREAD, .debugger = true,
      OK(GPA_1G(KVA), PAGE_1G, "rwx", AD_UNCHANGED) },

    /* paging off */
    { .name = "paging_disabled_passes_the_address_through",
      .cr0 = MMU_CR0_PE, .gva = 0x12345678, KREAD,
      .kind = MMU_NO_PAGING, .gpa = 0x12345678, .size = PAGE_SIZE, .can = "rwx" },
    { .name = "paging_disabled_ignores_the_page_tables_and_rights",
      .cr0 = MMU_CR0_PE | MMU_CR0_WP, .cr4 = MMU_CR4_PAE | SMEP | SMAP, .efer = NXE,
      PATH_4K(KRO, KRO, KRO, KRO | XD), .gva = 0xabcdef, UWRITE,
      .kind = MMU_NO_PAGING, .gpa = 0xabcdef, .size = PAGE_SIZE, .can = "rwx" },
    { .name = "paging_disabled_skips_the_canonical_check",
      .cr0 = 0, .gva = UINT64_C(0x0000800000000000), KFETCH,
      .kind = MMU_NO_PAGING, .gpa = UINT64_C(0x0000800000000000), .size = PAGE_SIZE, .can = "rwx" },

    /* canonical addresses */
    { .name = "address_just_above_the_user_half_is_noncanonical",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = UINT64_C(0x0000800000000000), KREAD,
      .kind = MMU_NONCANONICAL },
    { .name = "address_just_below_the_kernel_half_is_noncanonical",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = UINT64_C(0xffff7fffffffffff), KWRITE,
      .kind = MMU_NONCANONICAL },
    { .name = "address_with_only_bit_63_above_47_is_noncanonical",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, URW), .gva = UINT64_C(0x8000000000001000), UFETCH,
      .kind = MMU_NONCANONICAL },
    { .name = "address_with_bit_48_set_in_the_user_half_is_noncanonical",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, URW), .gva = UINT64_C(0x0001000000000000), UREAD,
      .kind = MMU_NONCANONICAL },

    /* page-table accesses that fail */
    { .name = "unreadable_pml4_reports_the_pml4e_gpa",
      LM(WP, 0, NXE), .cr3 = OUTSIDE, PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KREAD,
      .kind = MMU_PT_ACCESS, .pt_gpa = OUTSIDE + 8 * K4 },
    { .name = "unreadable_pdpt_reports_the_pdpte_gpa",
      LM(WP, 0, NXE), .pml4e = OUTSIDE | KRW, .gva = KVA, KREAD,
      .kind = MMU_PT_ACCESS, .pt_gpa = OUTSIDE + 8 * K3 },
    { .name = "unreadable_pd_reports_the_pde_gpa",
      LM(WP, 0, NXE), .pml4e = PDPT_AT | URW, .pdpte = OUTSIDE | URW, .gva = UVA, UWRITE,
      .kind = MMU_PT_ACCESS, .pt_gpa = OUTSIDE + 8 * U2 },
    { .name = "unreadable_pt_reports_the_pte_gpa",
      LM(WP, 0, NXE), .pml4e = PDPT_AT | KRW, .pdpte = PD_AT | KRW, .pde = OUTSIDE | KRW,
      .gva = KVA, KFETCH, .kind = MMU_PT_ACCESS, .pt_gpa = OUTSIDE + 8 * K1 },
    { .name = "failed_accessed_bit_write_reports_the_pdpte_gpa",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KREAD, .fail_write_level = 3,
      .kind = MMU_PT_ACCESS, .pt_gpa = PDPT_AT + 8 * K3 },
    { .name = "failed_dirty_bit_write_reports_the_pte_gpa",
      LM(WP, 0, NXE), PATH_4K(KRW | A, KRW | A, KRW | A, KRW | A), .gva = KVA, KWRITE,
      .fail_write_level = 1, .kind = MMU_PT_ACCESS, .pt_gpa = PT_AT + 8 * K1 },
    { .name = "failed_dirty_bit_write_on_a_1g_page_reports_the_pdpte_gpa",
      LM(WP, 0, NXE), PATH_1G(URW, URW | A), .gva = UVA, UWRITE, .fail_write_level = 3,
      .kind = MMU_PT_ACCESS, .pt_gpa = PDPT_AT + 8 * U3 },
    { .name = "entry_already_accessed_is_not_written_so_its_refusal_does_not_matter",
      LM(WP, 0, NXE), PATH_4K(KRW | A, KRW, KRW, KRW), .gva = KVA, KREAD, .fail_write_level = 4,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "debugger_walk_never_writes_so_a_refused_write_does_not_matter",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KWRITE, .debugger = true,
      .fail_write_level = 1, OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_UNCHANGED) },
};

/* The walk must read exactly one entry per level, at the GVA's index in each table;
 * checked here against hand-computed GPAs, not the fixture's own index arithmetic. */
static void walk_reads_one_entry_per_level_at_the_gva_indexes(void **state)
{
    (void)state;
    static pt_ram ram;
    ram_init(&ram);
    /* gva 0x00007f80_40201abc: indexes 255, 1, 1, 1 */
    ram_put(&ram, 0x1000 + 255 * 8, 0x2000 | KRW);
    ram_put(&ram, 0x2000 + 1 * 8, 0x3000 | KRW);
    ram_put(&ram, 0x3000 + 1 * 8, 0x4000 | KRW);
    ram_put(&ram, 0x4000 + 1 * 8, 0x55000 | KRW);

    mmu_ctrl ctrl = { LM(WP, 0, NXE), .cr3 = 0x1000, .maxphyaddr = 46 };
    mmu_mem mem = { .read64 = ram_read64, .write64 = ram_write64, .ctx = &ram };
    mmu_req req = { .gva = UINT64_C(0x00007f8040201abc), .access = MMU_READ, .set_ad = true };
    mmu_result r;
    mmu_walk(&ctrl, &mem, &req, &r);

    assert_int_equal(r.kind, MMU_OK);
    assert_int_equal(r.gpa, 0x55abc);
    assert_int_equal(ram.reads, 4);
    assert_int_equal(ram.read_log[0], 0x1000 + 255 * 8);
    assert_int_equal(ram.read_log[1], 0x2000 + 1 * 8);
    assert_int_equal(ram.read_log[2], 0x3000 + 1 * 8);
    assert_int_equal(ram.read_log[3], 0x4000 + 1 * 8);
}

int main(void)
{
    struct CMUnitTest walk[ARRAY_LEN(cases) + 1];
    rows_to_tests(walk, cases, ARRAY_LEN(cases));
    walk[ARRAY_LEN(cases)] = (struct CMUnitTest)cmocka_unit_test(walk_reads_one_entry_per_level_at_the_gva_indexes);
    return cmocka_run_group_tests(walk, NULL, NULL);
}
