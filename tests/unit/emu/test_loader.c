/* ELF loader: each malformed-image test breaks one field of a valid image and checks
 * the exact status and message; the valid-image tests check what lands in RAM. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/physmem.h"
#include "emu/loader.h"
#include "tests/unit/emu/elf_builder.h"

#define RAM     UINT64_C(0x10000000)    /* 256 MiB, the --mem default */
#define FILL    0xaa                    /* what "untouched" RAM holds in these tests */
#define PT_NOTE 4

typedef struct fixture {
    physmem *pm;
    char err[256];
    loader_image img;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(physmem_create(RAM, 0, &f->pm), VE_OK);
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

static void fill_ram(fixture *f, uint64_t gpa, uint64_t len)
{
    memset(physmem_ptr(f->pm, gpa, len), FILL, len);
}

static void assert_ram_filled(fixture *f, uint64_t gpa, uint64_t len)
{
    const uint8_t *p = physmem_ptr(f->pm, gpa, len);
    for (uint64_t i = 0; i < len; i++)
        if (p[i] != FILL)
            fail_msg("RAM at 0x%llx changed to 0x%02x", (unsigned long long)(gpa + i), p[i]);
}

static ve_status load_taken(fixture *f, const test_elf *t, const loader_range *taken,
                            const char *const *names, size_t ntaken)
{
    size_t size;
    uint8_t *buf = telf_build(t, &size);
    ve_status st = loader_load_elf(f->pm, "kernel.elf", buf, size, taken, names, ntaken,
                                   &f->img, f->err, sizeof(f->err));
    free(buf);
    return st;
}

static ve_status load(fixture *f, const test_elf *t)
{
    return load_taken(f, t, NULL, NULL, 0);
}

/* One PT_LOAD of a page at 1 MiB with the entry at its start: the base of most tests. */
static void simple_image(test_elf *t)
{
    telf_init(t, 0x100000);
    telf_add(t, ELF_PT_LOAD, 0x100000, 0x1000, 0x1000);
}

static void expect(fixture *f, ve_status got, ve_status want, const char *msg)
{
    assert_string_equal(f->err, msg);
    assert_int_equal(got, want);
}

/* --- valid images ------------------------------------------------------------------ */

static void test_a_multi_segment_image_loads_with_bss_zeroed(void **state)
{
    fixture *f = *state;
    fill_ram(f, 0, 0x400000);
    test_elf t;
    telf_init(&t, 0x100040);
    telf_add(&t, ELF_PT_LOAD, 0x100000, 0x1800, 0x3000);   /* text + bss tail */
    telf_add(&t, PT_NOTE, 0x180000, 0x10, 0x10);            /* not loaded */
    telf_add(&t, ELF_PT_LOAD, 0x200000, 0x10, 0x10);
    telf_add(&t, ELF_PT_LOAD, 0x300000, 0, 0x2000);         /* bss only */

    expect(f, load(f, &t), VE_OK, "");
    assert_int_equal(f->img.entry, 0x100040);
    assert_int_equal(f->img.lo, 0x100000);
    assert_int_equal(f->img.hi, 0x302000);

    const uint8_t *ram = physmem_ptr(f->pm, 0, 0x400000);
    for (uint64_t k = 0; k < 0x1800; k++)
        assert_int_equal(ram[0x100000 + k], telf_byte(0, k));
    for (uint64_t k = 0x1800; k < 0x3000; k++)
        assert_int_equal(ram[0x100000 + k], 0);
    for (uint64_t k = 0; k < 0x10; k++)
        assert_int_equal(ram[0x200000 + k], telf_byte(2, k));
    for (uint64_t k = 0; k < 0x2000; k++)
        assert_int_equal(ram[0x300000 + k], 0);
    assert_ram_filled(f, 0x0, 0x100000);
    assert_ram_filled(f, 0x103000, 0x200000 - 0x103000);
    assert_ram_filled(f, 0x200010, 0x100000 - 0x10);
    assert_ram_filled(f, 0x302000, 0x100000 - 0x2000);
}

static void test_adjacent_segments_and_a_segment_ending_at_ram_end_load(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, RAM - 0x2000);
    telf_add(&t, ELF_PT_LOAD, RAM - 0x2000, 0x1000, 0x1000);
    telf_add(&t, ELF_PT_LOAD, RAM - 0x1000, 0x1000, 0x1000);
    expect(f, load(f, &t), VE_OK, "");
    assert_int_equal(f->img.lo, RAM - 0x2000);
    assert_int_equal(f->img.hi, RAM);
}

static void test_an_image_next_to_a_taken_range_loads(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    loader_range taken[2] = { { 0x0, 0x100000 }, { 0x101000, 0x200000 } };
    const char *names[2] = { "a.elf", "b.elf" };
    expect(f, load_taken(f, &t, taken, names, 2), VE_OK, "");
}

static void test_a_zero_size_load_segment_is_ignored(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    telf_add(&t, ELF_PT_LOAD, 0x100800, 0, 0);   /* inside segment 0, but empty */
    expect(f, load(f, &t), VE_OK, "");
    assert_int_equal(f->img.hi, 0x101000);
}

/* --- header defects ---------------------------------------------------------------- */

static void test_bad_magic_is_not_an_elf_file(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_ident[1] = 'X';
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: not an ELF file (bad magic)");
}

static void test_an_empty_or_tiny_file_is_not_an_elf_file(void **state)
{
    fixture *f = *state;
    static const uint8_t tiny[3] = { 0x7f, 'E', 'L' };
    ve_status st = loader_load_elf(f->pm, "kernel.elf", tiny, 0, NULL, NULL, 0, &f->img,
                                   f->err, sizeof(f->err));
    expect(f, st, VE_E_FORMAT, "kernel.elf: not an ELF file (bad magic)");
    st = loader_load_elf(f->pm, "kernel.elf", tiny, sizeof(tiny), NULL, NULL, 0, &f->img,
                         f->err, sizeof(f->err));
    expect(f, st, VE_E_FORMAT, "kernel.elf: not an ELF file (bad magic)");
}

static void test_a_32_bit_elf_is_refused_with_its_class(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_ident[ELF_IDENT_CLASS] = 1;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: not a 64-bit ELF (class 1)");
}

static void test_a_big_endian_elf_is_refused(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_ident[ELF_IDENT_DATA] = 2;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: not little-endian");
}

static void test_another_machine_is_refused_with_its_number(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_machine = 3;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: not an x86-64 image (machine 3)");
}

static void test_a_shared_object_is_not_an_executable(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_type = 3;
    expect(f, load(f, &t), VE_E_FORMAT,
           "kernel.elf: not an executable (type 3, need ET_EXEC)");
}

static void test_a_file_shorter_than_the_header_is_truncated(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    size_t size;
    uint8_t *buf = telf_build(&t, &size);
    ve_status st = loader_load_elf(f->pm, "kernel.elf", buf, 52, NULL, NULL, 0, &f->img,
                                   f->err, sizeof(f->err));
    free(buf);
    expect(f, st, VE_E_FORMAT, "kernel.elf: truncated ELF header (52 bytes)");
}

static void test_program_headers_past_the_end_are_outside_the_file(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_phoff = t.data_end - 10;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: program headers outside the file");
    simple_image(&t);
    t.eh.e_phnum = 0xffff;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: program headers outside the file");
    simple_image(&t);
    t.eh.e_phoff = UINT64_MAX - 8;   /* far past the end */
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: program headers outside the file");
}

static void test_a_wrong_program_header_size_is_refused(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_phentsize = 32;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: bad program header entry size");
}

/* --- segment defects --------------------------------------------------------------- */

static void test_segment_data_past_the_end_is_outside_the_file(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, 0x100000);
    telf_add(&t, ELF_PT_LOAD, 0x100000, 0x100, 0x1000);
    telf_add(&t, ELF_PT_LOAD, 0x200000, 0x100, 0x1000);
    telf_add(&t, ELF_PT_LOAD, 0x300000, 0x100, 0x1000);
    t.ph[2].p_offset = t.data_end - 0x80;
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: segment 2 data outside the file");
    t.ph[2].p_offset = UINT64_MAX - 0x10;   /* offset + size would wrap */
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: segment 2 data outside the file");
}

static void test_a_file_size_above_the_memory_size_is_refused(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, 0x100000);
    telf_add(&t, ELF_PT_LOAD, 0x100000, 0x100, 0x1000);
    telf_add(&t, ELF_PT_LOAD, 0x200000, 0x100, 0x80);
    expect(f, load(f, &t), VE_E_FORMAT,
           "kernel.elf: segment 1 file size larger than memory size");
}

static void test_a_segment_crossing_the_end_of_ram_is_outside_ram(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, 0xffff000);
    telf_add(&t, ELF_PT_LOAD, 0xffff000, 0x10, 0x2000);
    expect(f, load(f, &t), VE_E_RANGE,
           "kernel.elf: segment 0 at 0xffff000 - 0x10001000 is outside RAM (0x10000000 bytes)");
}

static void test_a_segment_wrapping_the_address_space_is_outside_ram(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, 0x100000);
    telf_add(&t, ELF_PT_LOAD, UINT64_C(0xfffffffffffff000), 0x10, 0x2000);
    expect(f, load(f, &t), VE_E_RANGE,
           "kernel.elf: segment 0 at 0xfffffffffffff000 - 0xffffffffffffffff"
           " is outside RAM (0x10000000 bytes)");
}

static void test_overlapping_segments_are_refused(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, 0x100000);
    telf_add(&t, ELF_PT_LOAD, 0x100000, 0x100, 0x2000);
    telf_add(&t, ELF_PT_LOAD, 0x101fff, 0x1, 0x1);
    expect(f, load(f, &t), VE_E_RANGE, "kernel.elf: segments 0 and 1 overlap");
}

static void test_a_segment_over_a_taken_range_names_the_other_image(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    loader_range taken[2] = { { 0x0, 0x10000 }, { 0x100fff, 0x200000 } };
    const char *names[2] = { "sk.elf", "other.elf" };
    expect(f, load_taken(f, &t, taken, names, 2), VE_E_RANGE,
           "kernel.elf: segment 0 overlaps other.elf");
    expect(f, load_taken(f, &t, taken, NULL, 2), VE_E_RANGE,
           "kernel.elf: segment 0 overlaps another image");
}

static void test_an_image_without_load_segments_has_no_loadable_segment(void **state)
{
    fixture *f = *state;
    test_elf t;
    telf_init(&t, 0x100000);
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: no loadable segment");
    telf_add(&t, PT_NOTE, 0x100000, 0x10, 0x10);
    telf_add(&t, ELF_PT_LOAD, 0x100000, 0, 0);
    expect(f, load(f, &t), VE_E_FORMAT, "kernel.elf: no loadable segment");
}

static void test_an_entry_point_outside_every_segment_is_refused(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_entry = 0x101000;   /* one past the end */
    expect(f, load(f, &t), VE_E_FORMAT,
           "kernel.elf: entry point 0x101000 is not inside a loaded segment");
}

/* --- failure leaves RAM alone ------------------------------------------------------ */

static void test_a_failed_load_writes_nothing_to_ram(void **state)
{
    fixture *f = *state;
    fill_ram(f, 0, 0x400000);
    test_elf t;
    telf_init(&t, 0x300000);   /* not inside: every segment validates, then this fails */
    telf_add(&t, ELF_PT_LOAD, 0x100000, 0x1000, 0x2000);
    telf_add(&t, ELF_PT_LOAD, 0x200000, 0x1000, 0x1000);
    expect(f, load(f, &t), VE_E_FORMAT,
           "kernel.elf: entry point 0x300000 is not inside a loaded segment");
    assert_ram_filled(f, 0, 0x400000);

    t.eh.e_entry = 0x100000;
    t.ph[1].p_paddr = 0x101000;   /* overlap is found after segment 0 checked out */
    expect(f, load(f, &t), VE_E_RANGE, "kernel.elf: segments 0 and 1 overlap");
    assert_ram_filled(f, 0, 0x400000);
}

/* --- error reporting --------------------------------------------------------------- */

static void test_a_short_error_buffer_gets_a_truncated_terminated_line(void **state)
{
    fixture *f = *state;
    test_elf t;
    simple_image(&t);
    t.eh.e_machine = 3;
    size_t size;
    uint8_t *buf = telf_build(&t, &size);
    char small[8];
    assert_int_equal(loader_load_elf(f->pm, "kernel.elf", buf, size, NULL, NULL, 0, &f->img,
                                     small, sizeof(small)), VE_E_FORMAT);
    assert_string_equal(small, "kernel.");
    assert_int_equal(loader_load_elf(f->pm, "kernel.elf", buf, size, NULL, NULL, 0, &f->img,
                                     NULL, 0), VE_E_FORMAT);
    free(buf);
}

/* --- loader_read_file -------------------------------------------------------------- */

typedef struct tmpdir {
    char dir[64];
    char path[128];
} tmpdir;

static void make_tmpdir(tmpdir *d)
{
    strcpy(d->dir, "/tmp/vtlemu_test_loader_XXXXXX");
    assert_non_null(mkdtemp(d->dir));
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void test_read_file_returns_the_exact_bytes(void **state)
{
    fixture *f = *state;
    tmpdir d;
    make_tmpdir(&d);
    snprintf(d.path, sizeof(d.path), "%s/k.elf", d.dir);
    static const uint8_t bytes[5] = { 1, 2, 3, 0, 5 };
    write_file(d.path, bytes, sizeof(bytes));
    uint8_t *data;
    size_t size;
    assert_int_equal(loader_read_file(d.path, &data, &size, f->err, sizeof(f->err)), VE_OK);
    assert_int_equal(size, sizeof(bytes));
    assert_memory_equal(data, bytes, sizeof(bytes));
    free(data);
    unlink(d.path);
    rmdir(d.dir);
}

static void test_read_file_of_a_missing_file_cannot_open_it(void **state)
{
    fixture *f = *state;
    uint8_t *data = (uint8_t *)1;
    size_t size = 1;
    assert_int_equal(loader_read_file("/nonexistent/vtlemu/k.elf", &data, &size, f->err,
                                      sizeof(f->err)), VE_E_IO);
    assert_string_equal(f->err,
                        "/nonexistent/vtlemu/k.elf: cannot open (No such file or directory)");
    assert_null(data);
    assert_int_equal(size, 0);
}

static void test_read_file_of_an_empty_file_says_empty(void **state)
{
    fixture *f = *state;
    tmpdir d;
    make_tmpdir(&d);
    snprintf(d.path, sizeof(d.path), "%s/empty.elf", d.dir);
    write_file(d.path, "", 0);
    uint8_t *data;
    size_t size;
    assert_int_equal(loader_read_file(d.path, &data, &size, f->err, sizeof(f->err)),
                     VE_E_FORMAT);
    char want[256];
    snprintf(want, sizeof(want), "%s: empty file", d.path);
    assert_string_equal(f->err, want);
    unlink(d.path);
    rmdir(d.dir);
}

static void test_read_file_of_a_directory_is_not_a_regular_file(void **state)
{
    fixture *f = *state;
    tmpdir d;
    make_tmpdir(&d);
    uint8_t *data;
    size_t size;
    assert_int_equal(loader_read_file(d.dir, &data, &size, f->err, sizeof(f->err)), VE_E_IO);
    char want[256];
    snprintf(want, sizeof(want), "%s: not a regular file", d.dir);
    assert_string_equal(f->err, want);
    rmdir(d.dir);
}

static void test_read_file_of_a_huge_file_is_refused_before_reading(void **state)
{
    fixture *f = *state;
    tmpdir d;
    make_tmpdir(&d);
    snprintf(d.path, sizeof(d.path), "%s/huge.img", d.dir);
    /* Sparse: costs no disk, and the size check must come before any read. */
    int fd = open(d.path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)LOADER_FILE_MAX + 1), 0);
    close(fd);
    uint8_t *data;
    size_t size;
    assert_int_equal(loader_read_file(d.path, &data, &size, f->err, sizeof(f->err)),
                     VE_E_RANGE);
    char want[256];
    snprintf(want, sizeof(want), "%s: file too large (1073741825 bytes, limit 1073741824)",
             d.path);
    assert_string_equal(f->err, want);
    unlink(d.path);
    rmdir(d.dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_a_multi_segment_image_loads_with_bss_zeroed),
        T(test_adjacent_segments_and_a_segment_ending_at_ram_end_load),
        T(test_an_image_next_to_a_taken_range_loads),
        T(test_a_zero_size_load_segment_is_ignored),
        T(test_bad_magic_is_not_an_elf_file),
        T(test_an_empty_or_tiny_file_is_not_an_elf_file),
        T(test_a_32_bit_elf_is_refused_with_its_class),
        T(test_a_big_endian_elf_is_refused),
        T(test_another_machine_is_refused_with_its_number),
        T(test_a_shared_object_is_not_an_executable),
        T(test_a_file_shorter_than_the_header_is_truncated),
        T(test_program_headers_past_the_end_are_outside_the_file),
        T(test_a_wrong_program_header_size_is_refused),
        T(test_segment_data_past_the_end_is_outside_the_file),
        T(test_a_file_size_above_the_memory_size_is_refused),
        T(test_a_segment_crossing_the_end_of_ram_is_outside_ram),
        T(test_a_segment_wrapping_the_address_space_is_outside_ram),
        T(test_overlapping_segments_are_refused),
        T(test_a_segment_over_a_taken_range_names_the_other_image),
        T(test_an_image_without_load_segments_has_no_loadable_segment),
        T(test_an_entry_point_outside_every_segment_is_refused),
        T(test_a_failed_load_writes_nothing_to_ram),
        T(test_a_short_error_buffer_gets_a_truncated_terminated_line),
        T(test_read_file_returns_the_exact_bytes),
        T(test_read_file_of_a_missing_file_cannot_open_it),
        T(test_read_file_of_an_empty_file_says_empty),
        T(test_read_file_of_a_directory_is_not_a_regular_file),
        T(test_read_file_of_a_huge_file_is_refused_before_reading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
