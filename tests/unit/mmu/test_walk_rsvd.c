/* mmu_walk: reserved-bit faults (P = 1, RSVD = 1) at every level: address bits at or
 * above MAXPHYADDR, PS in a PML4E, the bits between PAT and the frame of a large
 * page. XD without NXE is in test_walk_faults.c. Rows use a 40-bit MAXPHYADDR. */
#include "tests/unit/mmu/walk_fixture.h"

#define PF_P     MMU_PF_P
#define PF_W     MMU_PF_W
#define PF_U     MMU_PF_U
#define PF_RSVD  MMU_PF_RSVD
#define PF_I     MMU_PF_I

static walk_case cases[] = {
    /* PML4E */
    { .name = "page_size_bit_in_a_pml4e_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW | PS, KRW, KRW, KRW), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "pml4e_address_bit_at_maxphyaddr_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW | BIT64(40), KRW, KRW, KRW), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "pml4e_address_bit_51_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW | BIT64(51), KRW, KRW, KRW), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },

    /* PDPTE */
    { .name = "pdpte_address_bit_at_maxphyaddr_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW | BIT64(40), KRW, KRW), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "1g_page_frame_bit_at_maxphyaddr_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_1G(KRW, KRW | BIT64(40)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "1g_page_bit_13_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_1G(KRW, KRW | BIT64(13)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "1g_page_bit_21_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_1G(KRW, KRW | BIT64(21)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "1g_page_bit_29_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_1G(KRW, KRW | BIT64(29)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "1g_page_bit_30_is_a_frame_bit",
      LM(WP, 0, NXE), .maxphy = 40, .pml4e = PDPT_AT | KRW, .pdpte = BIT64(30) | PS | KRW,
      .gva = KVA, KREAD, OK(BIT64(30) | (KVA & MASK64(29, 0)), PAGE_1G, "r-x", AD_ACCESSED) },

    /* PDE */
    { .name = "pde_address_bit_above_maxphyaddr_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW | BIT64(47), KRW), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "2m_page_frame_bit_at_maxphyaddr_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_2M(KRW, KRW, KRW | BIT64(40)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "2m_page_bit_13_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_2M(KRW, KRW, KRW | BIT64(13)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "2m_page_bit_20_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_2M(KRW, KRW, KRW | BIT64(20)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "2m_page_bit_21_is_a_frame_bit",
      LM(WP, 0, NXE), .maxphy = 40, .pml4e = PDPT_AT | KRW, .pdpte = PD_AT | KRW,
      .pde = BIT64(21) | PS | KRW, .gva = KVA, KREAD,
      OK(BIT64(21) | (KVA & MASK64(20, 0)), PAGE_2M, "r-x", AD_ACCESSED) },

    /* PTE */
    { .name = "pte_address_bit_at_maxphyaddr_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(40)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "pte_address_bit_51_is_reserved",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(51)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },

    /* other widths */
    { .name = "maxphyaddr_36_reserves_bit_36",
      LM(WP, 0, NXE), .maxphy = 36, PATH_4K(KRW, KRW, KRW, KRW | BIT64(36)), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "maxphyaddr_36_keeps_bit_35_as_an_address_bit",
      LM(WP, 0, NXE), .maxphy = 36, PATH_4K(KRW, KRW, KRW, KRW | BIT64(35)), .gva = KVA, KREAD,
      OK(GPA_4K(KVA) | BIT64(35), PAGE_SIZE, "r-x", AD_ACCESSED) },
    { .name = "maxphyaddr_52_reserves_no_address_bit_of_a_2m_page",
      LM(WP, 0, NXE), .maxphy = 52, PATH_2M(KRW, KRW, KRW | BIT64(51)), .gva = KVA, KREAD,
      OK(GPA_2M(KVA) | BIT64(51), PAGE_2M, "r-x", AD_ACCESSED) },

    /* the error code still describes the access */
    { .name = "reserved_bit_fault_on_a_write_has_p_w_rsvd",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(40)), .gva = KVA, KWRITE,
      FAULT(PF_P | PF_W | PF_RSVD) },
    { .name = "reserved_bit_fault_on_a_user_read_has_p_u_rsvd",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(URW, URW, URW, URW | BIT64(40)), .gva = UVA, UREAD,
      FAULT(PF_P | PF_U | PF_RSVD) },
    { .name = "reserved_bit_fault_on_a_user_write_has_p_w_u_rsvd",
      LM(WP, 0, NXE), .maxphy = 40, PATH_2M(URW, URW, URW | BIT64(14)), .gva = UVA, UWRITE,
      FAULT(PF_P | PF_W | PF_U | PF_RSVD) },
    { .name = "reserved_bit_fault_on_a_fetch_with_nxe_has_p_rsvd_i",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(40)), .gva = KVA, KFETCH,
      FAULT(PF_P | PF_RSVD | PF_I) },
    { .name = "reserved_bit_fault_on_a_user_fetch_with_nxe_has_p_u_rsvd_i",
      LM(WP, 0, NXE), .maxphy = 40, PATH_1G(URW, URW | BIT64(13)), .gva = UVA, UFETCH,
      FAULT(PF_P | PF_U | PF_RSVD | PF_I) },
    { .name = "reserved_bit_fault_on_a_fetch_without_nxe_or_smep_has_p_rsvd",
      LM(WP, 0, 0), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(40)), .gva = KVA, KFETCH,
      FAULT(PF_P | PF_RSVD) },

    /* which fault wins */
    { .name = "reserved_bit_wins_over_a_user_access_to_a_supervisor_page",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(URW, URW, URW, KRW | BIT64(40)), .gva = UVA, UREAD,
      FAULT(PF_P | PF_U | PF_RSVD) },
    { .name = "reserved_bit_in_a_pde_wins_over_a_read_only_pte_for_a_write",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW | BIT64(44), KRO), .gva = KVA, KWRITE,
      FAULT(PF_P | PF_W | PF_RSVD) },
    { .name = "reserved_bit_wins_over_an_xd_fetch",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW | XD, KRW, KRW, KRW | BIT64(45)), .gva = KVA, KFETCH,
      FAULT(PF_P | PF_RSVD | PF_I) },
    { .name = "reserved_bit_in_a_pml4e_wins_over_a_missing_pte",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW | BIT64(40), KRW, KRW, 0), .gva = KVA, KREAD,
      FAULT(PF_P | PF_RSVD) },
    { .name = "missing_pdpte_wins_over_a_reserved_bit_in_the_pte_below",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, 0, KRW, KRW | BIT64(40)), .gva = KVA, KREAD,
      FAULT(0) },
    { .name = "reserved_bit_in_a_debugger_walk_still_faults",
      LM(WP, 0, NXE), .maxphy = 40, PATH_4K(KRW, KRW, KRW, KRW | BIT64(40)), .gva = KVA, KREAD,
      .debugger = true, FAULT(PF_P | PF_RSVD) },
};

int main(void)
{
    struct CMUnitTest walk_rsvd[ARRAY_LEN(cases)];
    rows_to_tests(walk_rsvd, cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(walk_rsvd, NULL, NULL);
}
