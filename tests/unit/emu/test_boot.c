/* Boot-protocol builder: what lands in the loader area, read back from RAM by offset
 * (not through our own structs) so the tests check the ABI of DESIGN §3 literally. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/physmem.h"
#include "emu/boot.h"
#include "emu/bootinfo.h"
#include "emu/loader.h"

#define RAM       UINT64_C(0x10000000)   /* 256 MiB */
#define BASE_SIZE UINT64_C(0x17000)      /* 16 stack + PML4 + PDPT + PD + GDT + info,
                                            hypercall, assist pages */
#define AREA      (RAM - BASE_SIZE)      /* loader_start of an area at the top of RAM */
#define FILL      0xaa

typedef struct fixture {
    physmem *pm;
    loader_image img;
    boot_params p;
    boot_entry e;
    char err[256];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(physmem_create(RAM, 0, &f->pm), VE_OK);
    /* Old RAM contents must not show through anything the builder promises is zero. */
    memset(physmem_ptr(f->pm, RAM - 0x100000, 0x100000), FILL, 0x100000);
    f->img = (loader_image){ .entry = 0x100040, .lo = 0x100000, .hi = 0x180000 };
    f->p = (boot_params){
        .vtl = 0,
        .area_top = RAM,
        .image = &f->img,
        .free_start = 0x180000,
        .free_end = AREA,
    };
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    physmem_destroy(f->pm);
    free(f);
    return 0;
}

static uint64_t rd64(physmem *pm, uint64_t gpa)
{
    uint64_t v;
    assert_int_equal(physmem_read(pm, gpa, &v, sizeof(v)), VE_OK);
    return v;
}

static uint16_t rd16(physmem *pm, uint64_t gpa)
{
    uint16_t v;
    assert_int_equal(physmem_read(pm, gpa, &v, sizeof(v)), VE_OK);
    return v;
}

static void build_ok(fixture *f)
{
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_OK);
    assert_string_equal(f->err, "");
}

/* A by-hand 4-level walk that accepts only what the loader must write: supervisor,
 * writable, present tables and 2 MiB leaves, no NX, no other bits. */
static bool walk(physmem *pm, uint64_t cr3, uint64_t va, uint64_t *pa)
{
    const uint64_t frame = UINT64_C(0x000ffffffffff000);
    uint64_t e = rd64(pm, (cr3 & frame) + (va >> 39 & 511) * 8);
    if ((e & ~frame) != 0x003)
        return false;
    e = rd64(pm, (e & frame) + (va >> 30 & 511) * 8);
    if ((e & ~frame) != 0x003)
        return false;
    e = rd64(pm, (e & frame) + (va >> 21 & 511) * 8);
    if ((e & ~frame) != 0x083 || (e & UINT64_C(0x1ff000)) != 0)
        return false;
    *pa = (e & frame) | (va & 0x1fffff);
    return true;
}

static void assert_identity_map(physmem *pm, uint64_t cr3, uint64_t ram)
{
    uint64_t mapped_end = (ram + 0x1fffff) & ~UINT64_C(0x1fffff);
    for (uint64_t va = 0; va < mapped_end; va += 0x200000) {
        uint64_t pa = 0;
        if (!walk(pm, cr3, va, &pa) || pa != va)
            fail_msg("GVA 0x%llx not identity mapped", (unsigned long long)va);
        assert_true(walk(pm, cr3, va + 0x1fffff, &pa));
        assert_int_equal(pa, va + 0x1fffff);
    }
    uint64_t pa;
    assert_false(walk(pm, cr3, mapped_end, &pa));
}

/* --- area size and placement ------------------------------------------------------- */

static void test_the_area_for_256_mib_without_extras_is_23_pages(void **state)
{
    (void)state;
    assert_int_equal(boot_area_size(RAM, NULL, NULL, 0), BASE_SIZE);
}

static void test_the_area_grows_with_ram_in_1_gib_steps(void **state)
{
    (void)state;
    const uint64_t g = UINT64_C(1) << 30;
    assert_int_equal(boot_area_size(g, NULL, NULL, 0), BASE_SIZE);
    assert_int_equal(boot_area_size(g + 0x200000, NULL, NULL, 0), BASE_SIZE + 0x1000);
    assert_int_equal(boot_area_size(4 * g, NULL, NULL, 0), BASE_SIZE + 0x3000);
    /* 513 PDs need a second PDPT. */
    assert_int_equal(boot_area_size(513 * g, NULL, NULL, 0), BASE_SIZE + 0x201000);
}

static void test_the_area_grows_with_the_command_line_and_modules(void **state)
{
    (void)state;
    char line[4097];
    memset(line, 'x', sizeof(line) - 1);
    line[4096] = '\0';
    assert_int_equal(boot_area_size(RAM, "", NULL, 0), BASE_SIZE + 0x1000);
    assert_int_equal(boot_area_size(RAM, line + 1, NULL, 0), BASE_SIZE + 0x1000);
    assert_int_equal(boot_area_size(RAM, line, NULL, 0), BASE_SIZE + 0x2000);  /* + NUL */
    boot_module m[3] = { { (const uint8_t *)"a", 1 }, { NULL, 0 }, { NULL, 0x1001 } };
    /* table page + 1 + 0 + 2 data pages */
    assert_int_equal(boot_area_size(RAM, NULL, m, 3), BASE_SIZE + 0x4000);
}

static void test_an_impossible_area_has_size_uint64_max(void **state)
{
    (void)state;
    assert_int_equal(boot_area_size(0, NULL, NULL, 0), UINT64_MAX);
    assert_int_equal(boot_area_size((UINT64_C(1) << 47) + 0x1000, NULL, NULL, 0), UINT64_MAX);
    boot_module m = { NULL, UINT64_MAX - 0x800 };
    assert_int_equal(boot_area_size(RAM, NULL, &m, 1), UINT64_MAX);
}

static void test_the_area_ends_at_its_top_with_every_part_in_layout_order(void **state)
{
    fixture *f = *state;
    build_ok(f);
    assert_int_equal(f->e.loader_start, AREA);
    assert_int_equal(f->e.loader_end, RAM);
    assert_int_equal(f->e.rsp, AREA + 0x10000);          /* 64 KiB stack at the bottom */
    assert_int_equal(f->e.cr3, AREA + 0x10000);          /* PML4 right above it */
    assert_int_equal(f->e.gdtr_base, AREA + 0x13000);    /* after PDPT and PD */
    assert_int_equal(f->e.tss_base, AREA + 0x13080);
    assert_int_equal(f->e.boot_info, AREA + 0x14000);
    assert_int_equal(f->e.hypercall_page, AREA + 0x15000);
    assert_int_equal(f->e.vp_assist_page, AREA + 0x16000);
}

static void test_vtl1_on_top_and_vtl0_below_leave_free_ram_up_to_the_lowest_area(void **state)
{
    fixture *f = *state;
    loader_image sk = { .entry = 0x200000, .lo = 0x200000, .hi = 0x240000 };
    uint64_t size1 = boot_area_size(RAM, "sk", NULL, 0);
    uint64_t size0 = boot_area_size(RAM, "nt", NULL, 0);
    uint64_t top0 = RAM - size1, free_end = top0 - size0;

    boot_entry e1, e0;
    f->p = (boot_params){ .vtl = 1, .area_top = RAM, .image = &sk, .free_start = 0x240000,
                          .free_end = free_end, .vtl1_start = 0x200000,
                          .vtl1_end = 0x240000, .cmdline = "sk" };
    assert_int_equal(boot_build(f->pm, &f->p, &e1, f->err, sizeof(f->err)), VE_OK);
    f->p.vtl = 0;
    f->p.area_top = top0;
    f->p.image = &f->img;
    f->p.cmdline = "nt";
    assert_int_equal(boot_build(f->pm, &f->p, &e0, f->err, sizeof(f->err)), VE_OK);

    assert_int_equal(e1.loader_end, RAM);
    assert_int_equal(e1.loader_start, RAM - 0x18000);
    assert_int_equal(e0.loader_end, e1.loader_start);
    assert_int_equal(e0.loader_start, RAM - 0x30000);
    assert_int_equal(e0.loader_start, free_end);
    assert_int_equal(rd64(f->pm, e1.rdi + 0x10), 1);
    assert_int_equal(rd64(f->pm, e0.rdi + 0x10), 0);
    assert_int_equal(rd64(f->pm, e1.rdi + 0x38), free_end);
    assert_int_equal(rd64(f->pm, e0.rdi + 0x38), free_end);
    assert_string_equal((const char *)physmem_ptr(f->pm, rd64(f->pm, e1.rdi + 0x60), 3), "sk");
    assert_string_equal((const char *)physmem_ptr(f->pm, rd64(f->pm, e0.rdi + 0x60), 3), "nt");
    /* Building VTL0's area left VTL1's page tables intact. */
    assert_identity_map(f->pm, e1.cr3, RAM);
    assert_identity_map(f->pm, e0.cr3, RAM);
}

/* --- page tables ------------------------------------------------------------------- */

static void test_page_tables_map_every_2_mib_of_ram_to_itself(void **state)
{
    fixture *f = *state;
    build_ok(f);
    assert_identity_map(f->pm, f->e.cr3, RAM);
    /* Nothing beyond the one PML4 entry and one PDPT entry 256 MiB needs. */
    for (unsigned i = 1; i < 512; i++) {
        assert_int_equal(rd64(f->pm, f->e.cr3 + i * 8), 0);
        assert_int_equal(rd64(f->pm, AREA + 0x11000 + i * 8), 0);
    }
}

static void test_page_tables_for_ram_past_1_gib_use_a_pd_per_gib(void **state)
{
    (void)state;
    const uint64_t ram = (UINT64_C(1) << 30) + 0x300000;   /* not a 2 MiB multiple */
    physmem *pm;
    assert_int_equal(physmem_create(ram, 0, &pm), VE_OK);
    loader_image img = { .entry = 0x100000, .lo = 0x100000, .hi = 0x101000 };
    uint64_t size = boot_area_size(ram, NULL, NULL, 0);
    assert_int_equal(size, BASE_SIZE + 0x1000);
    boot_params p = { .area_top = ram, .image = &img, .free_start = 0x101000,
                      .free_end = ram - size };
    boot_entry e;
    char err[128];
    assert_int_equal(boot_build(pm, &p, &e, err, sizeof(err)), VE_OK);
    assert_identity_map(pm, e.cr3, ram);
    /* The second PD: 2 entries (1 GiB + 2 MiB partial page), then nothing. */
    uint64_t pd1 = rd64(pm, e.cr3 + 0x1000 + 8) & ~UINT64_C(0xfff);
    assert_int_equal(pd1, ram - size + 0x13000);
    assert_int_equal(rd64(pm, pd1 + 8), UINT64_C(0x40200083));
    assert_int_equal(rd64(pm, pd1 + 16), 0);
    physmem_destroy(pm);
}

/* --- GDT and TSS ------------------------------------------------------------------- */

static void test_the_gdt_holds_the_exact_descriptors(void **state)
{
    fixture *f = *state;
    build_ok(f);
    assert_int_equal(f->e.gdtr_limit, 0x3f);
    const uint64_t want[8] = {
        0,
        UINT64_C(0x00af9b000000ffff),   /* 0x08 64-bit code DPL0 */
        UINT64_C(0x00cf93000000ffff),   /* 0x10 data DPL0 */
        UINT64_C(0x00cf9b000000ffff),   /* 0x18 32-bit code DPL0 */
        UINT64_C(0x00cff3000000ffff),   /* 0x20 data DPL3 */
        UINT64_C(0x00affb000000ffff),   /* 0x28 64-bit code DPL3 */
        UINT64_C(0x0f0089ffc0800067),   /* 0x30 TSS at 0xfffc080, available, limit 103 */
        0,                              /* 0x38 TSS base 63:32 */
    };
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(rd64(f->pm, f->e.gdtr_base + i * 8), want[i]);
    assert_int_equal(f->e.tr, 0x30);
    assert_int_equal(f->e.tss_limit, 0x67);
}

static void test_a_tss_above_4_gib_puts_the_high_base_in_the_second_slot(void **state)
{
    (void)state;
    const uint64_t ram = UINT64_C(0x100200000);   /* 4 GiB + 2 MiB: five PDs */
    physmem *pm;
    assert_int_equal(physmem_create(ram, 0, &pm), VE_OK);
    loader_image img = { .entry = 0x100000, .lo = 0x100000, .hi = 0x101000 };
    assert_int_equal(boot_area_size(ram, NULL, NULL, 0), 0x1b000);
    boot_params p = { .area_top = ram, .image = &img, .free_start = 0x101000,
                      .free_end = ram - 0x1b000 };
    boot_entry e;
    char err[128];
    assert_int_equal(boot_build(pm, &p, &e, err, sizeof(err)), VE_OK);
    assert_int_equal(e.tss_base, UINT64_C(0x1001fc080));
    assert_int_equal(rd64(pm, e.gdtr_base + 0x30), UINT64_C(0x0000891fc0800067));
    assert_int_equal(rd64(pm, e.gdtr_base + 0x38), 1);
    physmem_destroy(pm);
}

static void test_the_tss_has_rsp0_at_the_stack_top_and_no_io_bitmap(void **state)
{
    fixture *f = *state;
    build_ok(f);
    uint64_t tss = f->e.tss_base;
    assert_int_equal(rd64(f->pm, tss + 0x04), f->e.rsp);
    assert_int_equal(rd16(f->pm, tss + 0x66), 104);
    const uint8_t *b = physmem_ptr(f->pm, tss, 104);
    for (unsigned i = 0; i < 104; i++)
        if ((i < 4 || i >= 12) && i < 0x66)
            assert_int_equal(b[i], 0);
}

/* --- boot info and pages ----------------------------------------------------------- */

static void test_every_boot_info_field_is_filled(void **state)
{
    fixture *f = *state;
    static const uint8_t mod0[3] = { 1, 2, 3 }, mod1[0x1001] = { [0] = 9, [0x1000] = 7 };
    boot_module mods[2] = { { mod0, sizeof(mod0) }, { mod1, sizeof(mod1) } };
    f->p.vtl = 1;
    f->p.cmdline = "console=com1 debug";
    f->p.modules = mods;
    f->p.module_count = 2;
    f->p.vtl1_start = 0x100000;
    f->p.vtl1_end = 0x180000;
    uint64_t size = boot_area_size(RAM, f->p.cmdline, mods, 2);
    assert_int_equal(size, BASE_SIZE + 0x5000);   /* cmdline, table, 1 + 2 module pages */
    uint64_t start = RAM - size;
    f->p.free_end = start;
    build_ok(f);

    uint64_t bi = f->e.rdi;
    assert_int_equal(bi, f->e.boot_info);
    assert_int_equal(bi, start + 0x14000);
    assert_memory_equal(physmem_ptr(f->pm, bi, 8), "VTLBOOT1", 8);
    assert_int_equal(rd64(f->pm, bi + 0x00), UINT64_C(0x31544f4f424c5456));
    assert_int_equal(rd64(f->pm, bi + 0x08), 1);
    assert_int_equal(rd64(f->pm, bi + 0x10), 1);
    assert_int_equal(rd64(f->pm, bi + 0x18), RAM);
    assert_int_equal(rd64(f->pm, bi + 0x20), start + 0x15000);
    assert_int_equal(rd64(f->pm, bi + 0x28), start + 0x16000);
    assert_int_equal(rd64(f->pm, bi + 0x30), 0x180000);
    assert_int_equal(rd64(f->pm, bi + 0x38), start);
    assert_int_equal(rd64(f->pm, bi + 0x40), 0x100000);
    assert_int_equal(rd64(f->pm, bi + 0x48), 0x180000);
    assert_int_equal(rd64(f->pm, bi + 0x50), 2);
    assert_int_equal(rd64(f->pm, bi + 0x58), start + 0x18000);
    assert_int_equal(rd64(f->pm, bi + 0x60), start + 0x17000);
    assert_int_equal(rd64(f->pm, bi + 0x68), start);
    assert_int_equal(rd64(f->pm, bi + 0x70), RAM);
    /* The rest of the page is zero: room for fields added later. */
    const uint8_t *rest = physmem_ptr(f->pm, bi + 0x78, 0x1000 - 0x78);
    for (unsigned i = 0; i < 0x1000 - 0x78; i++)
        assert_int_equal(rest[i], 0);
}

static void test_the_command_line_and_modules_are_copied_into_the_area(void **state)
{
    fixture *f = *state;
    static const uint8_t mod0[3] = { 1, 2, 3 }, mod1[0x1001] = { [0] = 9, [0x1000] = 7 };
    boot_module mods[3] = { { mod0, sizeof(mod0) }, { NULL, 0 }, { mod1, sizeof(mod1) } };
    f->p.cmdline = "console=com1 debug";
    f->p.modules = mods;
    f->p.module_count = 3;
    uint64_t start = RAM - boot_area_size(RAM, f->p.cmdline, mods, 3);
    f->p.free_end = start;
    build_ok(f);

    uint64_t bi = f->e.boot_info;
    const char *line = (const char *)physmem_ptr(f->pm, rd64(f->pm, bi + 0x60), 19);
    assert_memory_equal(line, "console=com1 debug", 19);   /* with its NUL */
    uint64_t tab = rd64(f->pm, bi + 0x58);
    uint64_t data = start + 0x19000;   /* after the table page, page aligned */
    assert_int_equal(rd64(f->pm, tab + 0x00), data);
    assert_int_equal(rd64(f->pm, tab + 0x08), 3);
    assert_int_equal(rd64(f->pm, tab + 0x10), data + 0x1000);
    assert_int_equal(rd64(f->pm, tab + 0x18), 0);
    assert_int_equal(rd64(f->pm, tab + 0x20), data + 0x1000);
    assert_int_equal(rd64(f->pm, tab + 0x28), 0x1001);
    assert_memory_equal(physmem_ptr(f->pm, data, 3), mod0, 3);
    assert_memory_equal(physmem_ptr(f->pm, data + 0x1000, 0x1001), mod1, 0x1001);
    assert_int_equal(*physmem_ptr(f->pm, data + 3, 1), 0);   /* padding zeroed */
}

static void test_without_command_line_or_modules_their_fields_are_zero(void **state)
{
    fixture *f = *state;
    build_ok(f);
    assert_int_equal(rd64(f->pm, f->e.boot_info + 0x40), 0);
    assert_int_equal(rd64(f->pm, f->e.boot_info + 0x48), 0);
    assert_int_equal(rd64(f->pm, f->e.boot_info + 0x50), 0);
    assert_int_equal(rd64(f->pm, f->e.boot_info + 0x58), 0);
    assert_int_equal(rd64(f->pm, f->e.boot_info + 0x60), 0);
}

static void test_the_hypercall_page_starts_with_vmcall_ret_and_traps_elsewhere(void **state)
{
    fixture *f = *state;
    build_ok(f);
    const uint8_t *h = physmem_ptr(f->pm, f->e.hypercall_page, 0x1000);
    static const uint8_t stub[4] = { 0x0f, 0x01, 0xc1, 0xc3 };
    assert_memory_equal(h, stub, 4);
    for (unsigned i = 4; i < 0x1000; i++)
        assert_int_equal(h[i], 0xcc);
}

static void test_the_area_is_zeroed_over_old_ram(void **state)
{
    fixture *f = *state;
    build_ok(f);
    const uint8_t *a = physmem_ptr(f->pm, f->e.vp_assist_page, 0x1000);
    for (unsigned i = 0; i < 0x1000; i++)
        assert_int_equal(a[i], 0);
    const uint8_t *s = physmem_ptr(f->pm, AREA, 0x10000);
    for (unsigned i = 0; i < 0x10000; i++)
        assert_int_equal(s[i], 0);
    /* and nothing below the area was touched */
    assert_int_equal(*physmem_ptr(f->pm, AREA - 1, 1), FILL);
}

static void test_the_entry_state_uses_the_design_values(void **state)
{
    fixture *f = *state;
    build_ok(f);
    assert_int_equal(f->e.rip, 0x100040);
    assert_int_equal(f->e.rdi, AREA + 0x14000);
    assert_int_equal(f->e.rflags, 0x2);
    assert_int_equal(f->e.cr0, UINT64_C(0x80010033));
    assert_int_equal(f->e.cr4, 0x620);
    assert_int_equal(f->e.efer, 0xd01);
    assert_int_equal(f->e.cs, 0x08);
    assert_int_equal(f->e.ds, 0x10);
}

/* --- errors ------------------------------------------------------------------------ */

static void test_ram_too_small_for_the_images_and_the_area_is_a_range_error(void **state)
{
    fixture *f = *state;
    f->p.free_start = AREA + 0x1000;   /* the image runs into where the area must go */
    f->p.free_end = f->p.free_start;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_RANGE);
    assert_string_equal(f->err,
                        "VTL0 boot: RAM too small (0x10000000 bytes) for the images (ending at"
                        " 0xffea000) and a 0x17000-byte loader area below 0x10000000");
    const uint8_t *a = physmem_ptr(f->pm, AREA, BASE_SIZE);
    for (unsigned i = 0; i < BASE_SIZE; i++)
        assert_int_equal(a[i], FILL);

    f->p.area_top = 0x10000;   /* the area alone does not fit below its top */
    f->p.free_start = f->p.free_end = 0;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_RANGE);
    assert_string_equal(f->err,
                        "VTL0 boot: RAM too small (0x10000000 bytes) for the images (ending at"
                        " 0x0) and a 0x17000-byte loader area below 0x10000");
}

static void test_inconsistent_parameters_are_refused_with_a_reason(void **state)
{
    fixture *f = *state;
    f->p.vtl = 2;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_INVAL);
    assert_string_equal(f->err, "VTL2 boot: no such VTL (0 or 1)");

    f->p.vtl = 0;
    f->p.area_top = RAM - 0x10;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_INVAL);
    assert_string_equal(f->err, "VTL0 boot: area top 0xffffff0 is not a 4 KiB aligned GPA"
                                " inside RAM (0x10000000 bytes)");
    f->p.area_top = RAM + 0x1000;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_INVAL);
    assert_string_equal(f->err, "VTL0 boot: area top 0x10001000 is not a 4 KiB aligned GPA"
                                " inside RAM (0x10000000 bytes)");

    f->p.area_top = RAM;
    f->p.free_end = AREA + 0x1000;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_INVAL);
    assert_string_equal(f->err, "VTL0 boot: free range 0x180000 - 0xffea000 reaches into"
                                " the loader area at 0xffe9000");

    f->p.free_end = AREA;
    boot_module m = { NULL, 5 };
    f->p.modules = &m;
    f->p.module_count = 1;
    assert_int_equal(boot_build(f->pm, &f->p, &f->e, f->err, sizeof(f->err)), VE_E_INVAL);
    assert_string_equal(f->err, "VTL0 boot: module 0 has no data");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_the_area_for_256_mib_without_extras_is_23_pages),
        T(test_the_area_grows_with_ram_in_1_gib_steps),
        T(test_the_area_grows_with_the_command_line_and_modules),
        T(test_an_impossible_area_has_size_uint64_max),
        T(test_the_area_ends_at_its_top_with_every_part_in_layout_order),
        T(test_vtl1_on_top_and_vtl0_below_leave_free_ram_up_to_the_lowest_area),
        T(test_page_tables_map_every_2_mib_of_ram_to_itself),
        T(test_page_tables_for_ram_past_1_gib_use_a_pd_per_gib),
        T(test_the_gdt_holds_the_exact_descriptors),
        T(test_a_tss_above_4_gib_puts_the_high_base_in_the_second_slot),
        T(test_the_tss_has_rsp0_at_the_stack_top_and_no_io_bitmap),
        T(test_every_boot_info_field_is_filled),
        T(test_the_command_line_and_modules_are_copied_into_the_area),
        T(test_without_command_line_or_modules_their_fields_are_zero),
        T(test_the_hypercall_page_starts_with_vmcall_ret_and_traps_elsewhere),
        T(test_the_area_is_zeroed_over_old_ram),
        T(test_the_entry_state_uses_the_design_values),
        T(test_ram_too_small_for_the_images_and_the_area_is_a_range_error),
        T(test_inconsistent_parameters_are_refused_with_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
