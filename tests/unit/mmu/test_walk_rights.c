/* mmu_walk: the rights a successful walk hands back for caching (can_read, can_write,
 * can_fetch). They must be exactly what this CPL/AC may do to the page now without a
 * fault or an A/D write, so write is withheld until the leaf is dirty. */
#include "tests/unit/mmu/walk_fixture.h"

static walk_case cases[] = {
    /* dirty bit gates the write right */
    { .name = "clean_writable_page_is_cached_without_write",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "write_makes_the_page_writable_in_the_cache",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KWRITE,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_DIRTY) },
    { .name = "read_of_a_dirty_writable_page_gives_write_too",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW | D), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_ACCESSED) },
    { .name = "dirty_bit_above_the_leaf_does_not_give_write",
      LM(WP, 0, NXE), PATH_4K(KRW | D, KRW | D, KRW | D, KRW), .gva = KVA, KFETCH,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "dirty_2m_page_gives_write",
      LM(WP, 0, NXE), PATH_2M(KRW, KRW, KRW | D), .gva = KVA, KREAD,
      OK(GPA_2M(KVA), PAGE_2M, "rwx", AD_ACCESSED) },
    { .name = "debugger_read_of_a_clean_page_gives_write_without_dirty",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW), .gva = KVA, KREAD, .debugger = true,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_UNCHANGED) },

    /* R/W, combined over levels, and CR0.WP */
    { .name = "read_only_dirty_page_with_wp_gives_no_write",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRO | D), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "read_only_pdpte_above_a_dirty_2m_page_gives_no_write_with_wp",
      LM(WP, 0, NXE), PATH_2M(KRW, KRO, KRW | D), .gva = KVA, KREAD,
      OK(GPA_2M(KVA), PAGE_2M, "r-x", AD_ACCESSED) },
    { .name = "read_only_dirty_page_without_wp_gives_the_kernel_write",
      LM(0, 0, NXE), PATH_4K(KRW, KRW, KRW, KRO | D), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "rwx", AD_ACCESSED) },
    { .name = "read_only_dirty_user_page_without_wp_gives_the_user_no_write",
      LM(0, 0, NXE), PATH_4K(URW, URW, URW, URO | D), .gva = UVA, UREAD,
      OK(GPA_4K(UVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "debugger_user_read_of_a_read_only_user_page_gives_read_and_fetch",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, URO), .gva = UVA, UREAD, .debugger = true,
      OK(GPA_4K(UVA), PAGE_SIZE, "r-x", AD_UNCHANGED) },

    /* XD */
    { .name = "xd_dirty_page_gives_no_fetch",
      LM(WP, 0, NXE), PATH_4K(KRW, KRW, KRW, KRW | XD | D), .gva = KVA, KREAD,
      OK(GPA_4K(KVA), PAGE_SIZE, "rw-", AD_ACCESSED) },
    { .name = "xd_pml4e_above_a_dirty_1g_page_gives_no_fetch",
      LM(WP, 0, NXE), PATH_1G(KRW | XD, KRW | D), .gva = KVA, KWRITE,
      OK(GPA_1G(KVA), PAGE_1G, "rw-", AD_DIRTY) },
    { .name = "xd_user_page_gives_the_user_read_and_write_once_dirty",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, URW | XD | D), .gva = UVA, UWRITE,
      OK(GPA_4K(UVA), PAGE_SIZE, "rw-", AD_DIRTY) },

    /* SMEP and SMAP shape the kernel's rights on user pages */
    { .name = "kernel_on_a_dirty_user_page_with_smep_gets_no_fetch",
      LM(WP, SMEP, NXE), PATH_4K(URW, URW, URW, URW | D), .gva = UVA, KWRITE,
      OK(GPA_4K(UVA), PAGE_SIZE, "rw-", AD_DIRTY) },
    { .name = "kernel_on_a_dirty_user_page_with_smap_and_ac_gets_read_write_fetch",
      LM(WP, SMAP, NXE), PATH_4K(URW, URW, URW, URW | D), .gva = UVA, KREAD, .ac = true,
      OK(GPA_4K(UVA), PAGE_SIZE, "rwx", AD_ACCESSED) },
    { .name = "kernel_on_a_dirty_user_page_with_smap_smep_and_ac_gets_read_write",
      LM(WP, SMEP | SMAP, NXE), PATH_4K(URW, URW, URW, URW | D), .gva = UVA, KREAD, .ac = true,
      OK(GPA_4K(UVA), PAGE_SIZE, "rw-", AD_ACCESSED) },
    { .name = "kernel_fetch_from_a_dirty_user_page_with_smap_and_no_ac_gets_fetch_only",
      LM(WP, SMAP, NXE), PATH_4K(URW, URW, URW, URW | D), .gva = UVA, KFETCH,
      OK(GPA_4K(UVA), PAGE_SIZE, "--x", AD_ACCESSED) },
    { .name = "kernel_on_a_read_only_user_page_with_smap_ac_and_wp_gets_read_only",
      LM(WP, SMAP, NXE), PATH_4K(URW, URW, URW, URO | D), .gva = UVA, KREAD, .ac = true,
      OK(GPA_4K(UVA), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "kernel_on_a_read_only_user_page_with_smap_ac_and_no_wp_gets_write",
      LM(0, SMAP, NXE), PATH_4K(URO, URO, URO, URO | D), .gva = UVA, KREAD, .ac = true,
      OK(GPA_4K(UVA), PAGE_SIZE, "rwx", AD_ACCESSED) },
    { .name = "user_on_a_dirty_user_page_ignores_smep_smap_and_ac",
      LM(WP, SMEP | SMAP, NXE), PATH_4K(URW, URW, URW, URW | D), .gva = UVA, UREAD,
      OK(GPA_4K(UVA), PAGE_SIZE, "rwx", AD_ACCESSED) },

    /* outcomes that are not a translation */
    { .name = "faulting_walk_gives_no_rights",
      LM(WP, 0, NXE), PATH_4K(URW, URW, URW, KRW | D), .gva = UVA, UREAD,
      FAULT(MMU_PF_P | MMU_PF_U) },
    { .name = "no_paging_gives_every_right",
      .cr0 = MMU_CR0_PE, .gva = 0x5000, UREAD,
      .kind = MMU_NO_PAGING, .gpa = 0x5000, .size = PAGE_SIZE, .can = "rwx" },
};

int main(void)
{
    struct CMUnitTest walk_rights[ARRAY_LEN(cases)];
    rows_to_tests(walk_rights, cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(walk_rights, NULL, NULL);
}
