/* Every fault reason of the remapping walk, each in the cases that produce it, and the
 * order in which the checks of one entry are made. Each row is one cmocka test that
 * also checks the fault record it leaves. */
#include "tests/unit/iommu/iommu_fixture.h"

#define K4 0x0a5
#define K3 0x133
#define K2 0x0e7
#define K1 0x01b
#define IOVA48 IOVA(K4, K3, K2, K1, 0x9c4)
#define IOVA39 IOVA(0, K3, K2, K1, 0x9c4)

#define FRAME   (DATA_AT + 0x5000)
#define BEYOND  UINT64_C(0x100000000)   /* a GPA outside RAM, inside the address width */

#define R   VTD_SL_R
#define W   VTD_SL_W
#define RW  VTD_SL_RW
#define PS  VTD_SL_PS

#define CE4 .re_lo = RE_OK, .ce_lo = CE_LO(L4_AT, VTD_TT_SECOND_LEVEL), .ce_hi = CE_HI(VTD_AW_48, 7)
#define CE3 .re_lo = RE_OK, .ce_lo = CE_LO(L3_AT, VTD_TT_SECOND_LEVEL), .ce_hi = CE_HI(VTD_AW_39, 7)
#define CE_WITH(lo, hi) .re_lo = RE_OK, .ce_lo = (lo), .ce_hi = (hi)
#define CE4_LO CE_LO(L4_AT, VTD_TT_SECOND_LEVEL)
#define CE4_HI CE_HI(VTD_AW_48, 7)

#define P4_4K(f4, f3, f2, f1) .e = {L3_AT | (f4), L2_AT | (f3), L1_AT | (f2), FRAME | (f1)}
#define PATH_OK P4_4K(RW, RW, RW, RW)

/* GPAs of the entries on IOVA48's path. */
#define L4E (L4_AT + K4 * 8)
#define L3E (L3_AT + K3 * 8)
#define L2E (L2_AT + K2 * 8)
#define L1E (L1_AT + K1 * 8)

static const walk_row rows[] = {
    /* 0x1 */
    {"root_entry_without_present_bit_is_root_not_present", .re_lo = CTX_AT, .ce_lo = CE4_LO, .ce_hi = CE4_HI,
     PATH_OK, .iova = IOVA48, .reason = VTD_FR_ROOT_NOT_PRESENT},
    {"root_entry_not_present_is_reported_before_its_reserved_bits", .re_lo = CTX_AT | BIT64(1), .re_hi = 1,
     .ce_lo = CE4_LO, .ce_hi = CE4_HI, PATH_OK, .iova = IOVA48, .write = true, .reason = VTD_FR_ROOT_NOT_PRESENT},

    /* 0x2 */
    {"context_entry_without_present_bit_is_context_not_present",
     CE_WITH(CE4_LO & ~VTD_CE_P, CE4_HI), PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_NOT_PRESENT},
    {"context_entry_not_present_is_reported_before_its_reserved_bits",
     CE_WITH((CE4_LO & ~VTD_CE_P) | BIT64(5), CE4_HI | BIT64(7)), PATH_OK, .iova = IOVA48,
     .reason = VTD_FR_CONTEXT_NOT_PRESENT},

    /* 0x3 */
    {"device_tlb_translation_type_is_an_invalid_context_entry",
     CE_WITH(CE_LO(L4_AT, VTD_TT_DEVICE_TLB), CE4_HI), PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_INVALID},
    {"reserved_translation_type_is_an_invalid_context_entry",
     CE_WITH(CE_LO(L4_AT, VTD_TT_RESERVED), CE4_HI), PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_INVALID},
    {"address_width_of_30_bits_is_an_invalid_context_entry",
     CE_WITH(CE4_LO, CE_HI(0, 7)), PATH_OK, .iova = 0x1000, .reason = VTD_FR_CONTEXT_INVALID},
    {"address_width_of_57_bits_is_an_invalid_context_entry",
     CE_WITH(CE4_LO, CE_HI(3, 7)), PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_INVALID},
    {"reserved_address_width_7_is_an_invalid_context_entry",
     CE_WITH(CE4_LO, CE_HI(7, 7)), PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_INVALID},
    {"pass_through_with_less_than_the_widest_address_width_is_invalid",
     CE_WITH(CE_LO(0, VTD_TT_PASS_THROUGH), CE_HI(VTD_AW_39, 7)), .iova = DATA_AT,
     .reason = VTD_FR_CONTEXT_INVALID},
    {"invalid_address_width_is_reported_before_an_iova_beyond_it",
     CE_WITH(CE4_LO, CE_HI(4, 7)), PATH_OK, .iova = UINT64_MAX, .reason = VTD_FR_CONTEXT_INVALID},
    {"unreadable_top_level_table_is_an_invalid_context_entry", CE4, PATH_OK, .iova = IOVA48,
     .fail_read_at = L4E, .reason = VTD_FR_CONTEXT_INVALID},
    {"top_level_table_beyond_ram_is_an_invalid_context_entry",
     CE_WITH(CE_LO(BEYOND, VTD_TT_SECOND_LEVEL), CE4_HI), PATH_OK, .iova = IOVA48,
     .reason = VTD_FR_CONTEXT_INVALID},
    {"top_level_table_in_a_page_vtl0_may_not_read_is_an_invalid_context_entry", CE3,
     .e = {0, L2_AT | RW, L1_AT | RW, FRAME | RW}, .iova = IOVA39, .deny_page = L3_AT,
     .reason = VTD_FR_CONTEXT_INVALID},

    /* 0x4 */
    {"iova_at_2_to_the_39_with_a_39_bit_width_is_beyond_it", CE3, PATH_OK, .iova = BIT64(39),
     .reason = VTD_FR_ADDR_BEYOND_AW},
    {"iova_at_2_to_the_48_with_a_48_bit_width_is_beyond_it", CE4, PATH_OK, .iova = BIT64(48),
     .write = true, .reason = VTD_FR_ADDR_BEYOND_AW},
    {"highest_iova_is_beyond_every_width", CE4, PATH_OK, .iova = UINT64_MAX, .reason = VTD_FR_ADDR_BEYOND_AW},
    {"pass_through_checks_the_width_too", CE_WITH(CE_LO(0, VTD_TT_PASS_THROUGH), CE4_HI),
     .iova = BIT64(48) + DATA_AT, .reason = VTD_FR_ADDR_BEYOND_AW},

    /* 0x5 */
    {"write_through_a_read_only_leaf_is_no_write_permission", CE4, P4_4K(RW, RW, RW, R), .iova = IOVA48,
     .write = true, .reason = VTD_FR_NO_WRITE},
    {"write_through_a_read_only_top_level_entry_is_no_write_permission", CE4, P4_4K(R, RW, RW, RW),
     .iova = IOVA48, .write = true, .reason = VTD_FR_NO_WRITE},
    {"write_through_a_read_only_2m_leaf_is_no_write_permission", CE4,
     .e = {L3_AT | RW, L2_AT | RW, PS | R, 0}, .iova = IOVA48, .write = true, .reason = VTD_FR_NO_WRITE},
    {"write_through_a_read_only_1g_leaf_is_no_write_permission", CE3, .e = {0, PS | R, 0, 0},
     .iova = IOVA39, .write = true, .reason = VTD_FR_NO_WRITE},
    {"write_through_a_not_present_leaf_is_no_write_permission", CE4, P4_4K(RW, RW, RW, 0), .iova = IOVA48,
     .write = true, .reason = VTD_FR_NO_WRITE},
    {"write_through_a_not_present_top_level_entry_is_no_write_permission", CE4, P4_4K(0, RW, RW, RW),
     .iova = IOVA48, .write = true, .reason = VTD_FR_NO_WRITE},

    /* 0x6 */
    {"read_through_a_write_only_leaf_is_no_read_permission", CE4, P4_4K(RW, RW, RW, W), .iova = IOVA48,
     .reason = VTD_FR_NO_READ},
    {"read_through_a_write_only_middle_level_is_no_read_permission", CE4, P4_4K(RW, W, RW, RW),
     .iova = IOVA48, .reason = VTD_FR_NO_READ},
    {"read_through_a_not_present_level_4_entry_is_no_read_permission", CE4, P4_4K(0, RW, RW, RW),
     .iova = IOVA48, .reason = VTD_FR_NO_READ},
    {"read_through_a_not_present_level_3_entry_is_no_read_permission", CE4, P4_4K(RW, 0, RW, RW),
     .iova = IOVA48, .reason = VTD_FR_NO_READ},
    {"read_through_a_not_present_level_2_entry_is_no_read_permission", CE4, P4_4K(RW, RW, 0, RW),
     .iova = IOVA48, .reason = VTD_FR_NO_READ},
    {"read_through_a_not_present_level_1_entry_is_no_read_permission", CE3,
     .e = {0, L2_AT | RW, L1_AT | RW, 0}, .iova = IOVA39, .reason = VTD_FR_NO_READ},
    {"not_present_entry_ignores_its_reserved_bits", CE4,
     .e = {L3_AT | RW, L2_AT | BIT64(11) | BIT64(62) | MASK64(51, 46), L1_AT | RW, FRAME | RW},
     .iova = IOVA48, .reason = VTD_FR_NO_READ},
    {"empty_tables_give_no_read_permission_at_the_top", CE4, .iova = IOVA48, .reason = VTD_FR_NO_READ},

    /* 0x7 */
    {"unreadable_level_3_table_is_a_paging_entry_access_error", CE4, PATH_OK, .iova = IOVA48,
     .fail_read_at = L3E, .reason = VTD_FR_PAGING_ENTRY_ACCESS},
    {"unreadable_level_1_table_is_a_paging_entry_access_error", CE4, PATH_OK, .iova = IOVA48,
     .write = true, .fail_read_at = L1E, .reason = VTD_FR_PAGING_ENTRY_ACCESS},
    {"level_2_table_beyond_ram_is_a_paging_entry_access_error", CE4,
     .e = {L3_AT | RW, BEYOND | RW, L1_AT | RW, FRAME | RW}, .iova = IOVA48,
     .reason = VTD_FR_PAGING_ENTRY_ACCESS},
    {"level_2_table_in_a_page_vtl0_may_not_read_is_a_paging_entry_access_error", CE4, PATH_OK,
     .iova = IOVA48, .deny_page = L2_AT, .reason = VTD_FR_PAGING_ENTRY_ACCESS},

    /* 0x8 */
    {"unreadable_root_entry_is_a_root_table_access_error", CE4, PATH_OK, .iova = IOVA48,
     .fail_read_at = ROOT_AT + DEV_BUS * 16, .reason = VTD_FR_ROOT_TABLE_ACCESS},
    {"unreadable_upper_half_of_the_root_entry_is_a_root_table_access_error", CE4, PATH_OK, .iova = IOVA48,
     .fail_read_at = ROOT_AT + DEV_BUS * 16 + 8, .reason = VTD_FR_ROOT_TABLE_ACCESS},
    {"root_table_beyond_ram_is_a_root_table_access_error", CE4, PATH_OK, .iova = IOVA48, .root = BEYOND,
     .reason = VTD_FR_ROOT_TABLE_ACCESS},
    {"root_table_in_a_page_vtl0_may_not_read_is_a_root_table_access_error", CE4, PATH_OK,
     .iova = IOVA48, .deny_page = ROOT_AT, .reason = VTD_FR_ROOT_TABLE_ACCESS},

    /* 0x9 */
    {"unreadable_context_entry_is_a_context_table_access_error", CE4, PATH_OK, .iova = IOVA48,
     .fail_read_at = CTX_AT + DEV_DEVFN * 16, .reason = VTD_FR_CONTEXT_TABLE_ACCESS},
    {"context_table_beyond_ram_is_a_context_table_access_error", .re_lo = BEYOND | VTD_RE_P,
     .ce_lo = CE4_LO, .ce_hi = CE4_HI, PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_TABLE_ACCESS},
    {"context_table_in_a_page_vtl0_may_not_read_is_a_context_table_access_error", CE4, PATH_OK,
     .iova = IOVA48, .deny_page = CTX_AT, .reason = VTD_FR_CONTEXT_TABLE_ACCESS},

    /* 0xA */
    {"root_entry_with_bit_1_set_has_reserved_bits", .re_lo = RE_OK | BIT64(1), .ce_lo = CE4_LO,
     .ce_hi = CE4_HI, PATH_OK, .iova = IOVA48, .reason = VTD_FR_ROOT_RESERVED},
    {"root_entry_with_bit_11_set_has_reserved_bits", .re_lo = RE_OK | BIT64(11), .ce_lo = CE4_LO,
     .ce_hi = CE4_HI, PATH_OK, .iova = IOVA48, .reason = VTD_FR_ROOT_RESERVED},
    {"root_entry_pointing_beyond_the_host_address_width_has_reserved_bits",
     .re_lo = RE_OK | BIT64(VTD_HAW), .ce_lo = CE4_LO, .ce_hi = CE4_HI, PATH_OK, .iova = IOVA48,
     .reason = VTD_FR_ROOT_RESERVED},
    {"root_entry_with_a_non_zero_upper_half_has_reserved_bits", .re_lo = RE_OK, .re_hi = BIT64(63),
     .ce_lo = CE4_LO, .ce_hi = CE4_HI, PATH_OK, .iova = IOVA48, .reason = VTD_FR_ROOT_RESERVED},

    /* 0xB */
    {"context_entry_with_bit_4_set_has_reserved_bits", CE_WITH(CE4_LO | BIT64(4), CE4_HI), PATH_OK,
     .iova = IOVA48, .reason = VTD_FR_CONTEXT_RESERVED},
    {"context_entry_with_bit_11_set_has_reserved_bits", CE_WITH(CE4_LO | BIT64(11), CE4_HI), PATH_OK,
     .iova = IOVA48, .reason = VTD_FR_CONTEXT_RESERVED},
    {"context_entry_pointing_beyond_the_host_address_width_has_reserved_bits",
     CE_WITH(CE4_LO | BIT64(VTD_HAW), CE4_HI), PATH_OK, .iova = IOVA48, .reason = VTD_FR_CONTEXT_RESERVED},
    {"context_entry_with_bit_71_set_has_reserved_bits", CE_WITH(CE4_LO, CE4_HI | BIT64(7)), PATH_OK,
     .iova = IOVA48, .reason = VTD_FR_CONTEXT_RESERVED},
    {"context_entry_with_bit_88_set_has_reserved_bits", CE_WITH(CE4_LO, CE4_HI | BIT64(24)), PATH_OK,
     .iova = IOVA48, .reason = VTD_FR_CONTEXT_RESERVED},
    {"context_reserved_bits_are_reported_before_an_invalid_translation_type",
     CE_WITH(CE_LO(L4_AT, VTD_TT_RESERVED) | BIT64(8), CE4_HI), PATH_OK, .iova = IOVA48,
     .reason = VTD_FR_CONTEXT_RESERVED},

    /* 0xC */
    {"leaf_with_snoop_bit_11_set_has_reserved_bits", CE4, P4_4K(RW, RW, RW, RW | BIT64(11)), .iova = IOVA48,
     .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"leaf_with_transient_mapping_bit_62_set_has_reserved_bits", CE4, P4_4K(RW, RW, RW, RW | BIT64(62)),
     .iova = IOVA48, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"leaf_frame_beyond_the_host_address_width_has_reserved_bits", CE4,
     P4_4K(RW, RW, RW, RW | BIT64(VTD_HAW)), .iova = IOVA48, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"non_leaf_entry_with_bit_51_set_has_reserved_bits", CE4, P4_4K(RW, RW | BIT64(51), RW, RW),
     .iova = IOVA48, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"level_4_entry_with_page_size_set_has_reserved_bits", CE4, P4_4K(RW | PS, RW, RW, RW), .iova = IOVA48,
     .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"2m_leaf_with_bit_12_set_has_reserved_bits", CE4, .e = {L3_AT | RW, L2_AT | RW, PS | RW | BIT64(12), 0},
     .iova = IOVA48, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"2m_leaf_with_bit_20_set_has_reserved_bits", CE4, .e = {L3_AT | RW, L2_AT | RW, PS | RW | BIT64(20), 0},
     .iova = IOVA48, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"1g_leaf_with_bit_29_set_has_reserved_bits", CE4, .e = {L3_AT | RW, PS | RW | BIT64(29), 0, 0},
     .iova = IOVA48, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"1g_leaf_with_bit_12_set_has_reserved_bits", CE3, .e = {0, PS | RW | BIT64(12), 0, 0},
     .iova = IOVA39, .write = true, .reason = VTD_FR_PAGING_ENTRY_RESERVED},
    {"reserved_bits_below_a_level_lacking_the_right_are_reported_first", CE4,
     P4_4K(R, RW, RW, RW | BIT64(11)), .iova = IOVA48, .write = true, .reason = VTD_FR_PAGING_ENTRY_RESERVED},

    /* the vtlemu reason: the walk reached a GPA that VTL0's SLAT refuses */
    {"leaf_in_a_page_vtl0_may_not_read_is_refused_by_the_slat", CE4, PATH_OK, .iova = IOVA48,
     .deny_page = FRAME, .reason = IOMMU_FR_SLAT, .gpa = FRAME | 0x9c4},
    {"leaf_beyond_ram_is_refused_by_the_slat", CE4, .iova = IOVA48,
     .e = {L3_AT | RW, L2_AT | RW, L1_AT | RW, BEYOND | RW}, .write = true, .reason = IOMMU_FR_SLAT,
     .gpa = BEYOND | 0x9c4},
};

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(rows)];
    ROW_TESTS(tests, rows);
    return _cmocka_run_group_tests("iommu_walk_faults", tests, ARRAY_LEN(tests), NULL, NULL);
}
