/* The remapping walk when it succeeds: every table depth, every page size, how rights
 * combine across levels, which bits are ignored, pass-through, and where the page
 * offset goes. Each row is one cmocka test. */
#include "tests/unit/iommu/iommu_fixture.h"

/* Distinct non-zero indexes at every level, so an index mix-up reads a zero entry. */
#define K4 0x0a5
#define K3 0x133
#define K2 0x0e7
#define K1 0x01b
#define OFF 0x9c4
#define IOVA48 IOVA(K4, K3, K2, K1, OFF)
#define IOVA39 IOVA(0, K3, K2, K1, OFF)

#define FRAME   (DATA_AT + 0x5000)               /* a 4 KiB frame in RAM */
#define FRAME_2M_FAR UINT64_C(0x07e00000)         /* large frames beyond RAM: the SLAT */
#define FRAME_1G_FAR UINT64_C(0x140000000)        /* refuses them, the GPA is still exact */

#define R   VTD_SL_R
#define W   VTD_SL_W
#define RW  VTD_SL_RW
#define PS  VTD_SL_PS

#define CE4 .re_lo = RE_OK, .ce_lo = CE_LO(L4_AT, VTD_TT_SECOND_LEVEL), .ce_hi = CE_HI(VTD_AW_48, 7)
#define CE3 .re_lo = RE_OK, .ce_lo = CE_LO(L3_AT, VTD_TT_SECOND_LEVEL), .ce_hi = CE_HI(VTD_AW_39, 7)
#define CEPT .re_lo = RE_OK, .ce_lo = CE_LO(0, VTD_TT_PASS_THROUGH), .ce_hi = CE_HI(VTD_AW_48, 7)

/* Paths, flags per level top-down. */
#define P4_4K(f4, f3, f2, f1) .e = {L3_AT | (f4), L2_AT | (f3), L1_AT | (f2), FRAME | (f1)}
#define P4_2M(f4, f3, f2, frame) .e = {L3_AT | (f4), L2_AT | (f3), (frame) | PS | (f2), 0}
#define P4_1G(f4, f3, frame) .e = {L3_AT | (f4), (frame) | PS | (f3), 0, 0}
#define P3_4K(f3, f2, f1) .e = {0, L2_AT | (f3), L1_AT | (f2), FRAME | (f1)}
#define P3_2M(f3, f2, frame) .e = {0, L2_AT | (f3), (frame) | PS | (f2), 0}
#define P3_1G(f3, frame) .e = {0, (frame) | PS | (f3), 0, 0}

#define GPA_4K(iova)  (FRAME | ((iova) & MASK64(11, 0)))
#define OK IOMMU_FR_NONE

/* A 1 GiB / 2 MiB leaf at GPA 0 keeps the IOVA's low bits: pick them inside RAM. */
#define IOVA48_1G_LOW IOVA(K4, K3, 0, K1, OFF)
#define IOVA39_1G_LOW IOVA(0, K3, 0, K1, OFF)

static const walk_row rows[] = {
    /* depth and page size */
    {"four_level_table_maps_a_4k_page_for_a_read", CE4, P4_4K(RW, RW, RW, RW), .iova = IOVA48,
     .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"four_level_table_maps_a_4k_page_for_a_write", CE4, P4_4K(RW, RW, RW, RW), .iova = IOVA48,
     .write = true, .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"three_level_table_maps_a_4k_page_for_a_read", CE3, P3_4K(RW, RW, RW), .iova = IOVA39,
     .reason = OK, .gpa = GPA_4K(IOVA39)},
    {"three_level_table_maps_a_4k_page_for_a_write", CE3, P3_4K(RW, RW, RW), .iova = IOVA39,
     .write = true, .reason = OK, .gpa = GPA_4K(IOVA39)},
    {"four_level_table_maps_a_2m_page", CE4, P4_2M(RW, RW, RW, 0), .iova = IOVA48,
     .reason = OK, .gpa = IOVA48 & MASK64(20, 0)},
    {"three_level_table_maps_a_2m_page", CE3, P3_2M(RW, RW, 0), .iova = IOVA39, .write = true,
     .reason = OK, .gpa = IOVA39 & MASK64(20, 0)},
    {"four_level_table_maps_a_1g_page", CE4, P4_1G(RW, RW, 0), .iova = IOVA48_1G_LOW,
     .reason = OK, .gpa = IOVA48_1G_LOW & MASK64(29, 0)},
    {"three_level_table_maps_a_1g_page", CE3, P3_1G(RW, 0), .iova = IOVA39_1G_LOW, .write = true,
     .reason = OK, .gpa = IOVA39_1G_LOW & MASK64(29, 0)},
    {"2m_page_adds_the_low_21_bits_of_the_iova_to_its_frame", CE4, P4_2M(RW, RW, RW, FRAME_2M_FAR),
     .iova = IOVA48, .reason = IOMMU_FR_SLAT, .gpa = FRAME_2M_FAR | (IOVA48 & MASK64(20, 0))},
    {"1g_page_adds_the_low_30_bits_of_the_iova_to_its_frame", CE4, P4_1G(RW, RW, FRAME_1G_FAR),
     .iova = IOVA48, .reason = IOMMU_FR_SLAT, .gpa = FRAME_1G_FAR | (IOVA48 & MASK64(29, 0))},
    {"1g_page_of_a_three_level_table_adds_the_low_30_bits", CE3, P3_1G(RW, FRAME_1G_FAR),
     .iova = IOVA39, .reason = IOMMU_FR_SLAT, .gpa = FRAME_1G_FAR | (IOVA39 & MASK64(29, 0))},
    {"last_byte_of_a_page_keeps_its_offset", CE4, P4_4K(RW, RW, RW, RW), .iova = IOVA(K4, K3, K2, K1, 0xfff),
     .reason = OK, .gpa = FRAME | 0xfff},
    {"highest_iova_of_a_39_bit_width_is_translated", CE3, P3_4K(RW, RW, RW), .iova = BIT64(39) - 1,
     .reason = OK, .gpa = FRAME | 0xfff},
    {"highest_iova_of_a_48_bit_width_is_translated", CE4, P4_4K(RW, RW, RW, RW), .iova = BIT64(48) - 1,
     .reason = OK, .gpa = FRAME | 0xfff},

    /* rights: ANDed over the levels */
    {"read_through_a_read_only_path_is_allowed", CE4, P4_4K(R, R, R, R), .iova = IOVA48,
     .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"write_through_a_write_only_path_is_allowed", CE4, P4_4K(W, W, W, W), .iova = IOVA48, .write = true,
     .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"read_needs_read_at_every_level_not_write", CE4, P4_4K(R, RW, R, RW), .iova = IOVA48,
     .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"write_to_a_2m_page_with_write_at_both_levels_above_is_allowed", CE4, P4_2M(RW, W, W, 0),
     .iova = IOVA48, .write = true, .reason = OK, .gpa = IOVA48 & MASK64(20, 0)},

    /* ignored bits */
    {"ignored_bits_of_every_level_do_not_matter", CE4,
     .e = {L3_AT | RW | BIT64(63) | MASK64(61, 52) | MASK64(10, 8) | MASK64(6, 2),
           L2_AT | RW | BIT64(63) | MASK64(61, 52) | MASK64(10, 8) | MASK64(6, 2),
           L1_AT | RW | BIT64(63) | MASK64(61, 52) | MASK64(10, 8) | MASK64(6, 2),
           FRAME | RW | BIT64(63) | MASK64(61, 52) | MASK64(10, 7) | MASK64(6, 2)},
     .iova = IOVA48, .write = true, .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"bit_7_of_a_4k_leaf_is_not_a_page_size", CE4, P4_4K(RW, RW, RW, RW | PS), .iova = IOVA48,
     .reason = OK, .gpa = GPA_4K(IOVA48)},
    {"ignored_bits_of_the_context_entry_and_its_domain_id_do_not_matter", .re_lo = RE_OK,
     .ce_lo = CE_LO(L4_AT, VTD_TT_SECOND_LEVEL), .ce_hi = VTD_AW_48 | MASK64(6, 3) | VTD_CE_DID,
     P4_4K(RW, RW, RW, RW), .iova = IOVA48, .reason = OK, .gpa = GPA_4K(IOVA48)},

    /* pass-through */
    {"pass_through_context_entry_makes_the_iova_the_gpa", CEPT, .iova = DATA_AT + 0x1234, .write = true,
     .reason = OK, .gpa = DATA_AT + 0x1234},
    {"pass_through_ignores_the_second_level_pointer", .re_lo = RE_OK,
     .ce_lo = CE_LO(UINT64_C(0x3fff0000000), VTD_TT_PASS_THROUGH), .ce_hi = CE_HI(VTD_AW_48, 0),
     .iova = DATA_AT, .reason = OK, .gpa = DATA_AT},
    {"pass_through_to_a_gpa_beyond_ram_is_refused_by_the_slat", CEPT, .iova = BIT64(40) + 0x10,
     .reason = IOMMU_FR_SLAT, .gpa = BIT64(40) + 0x10},
};

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(rows)];
    ROW_TESTS(tests, rows);
    return _cmocka_run_group_tests("iommu_walk", tests, ARRAY_LEN(tests), NULL, NULL);
}
