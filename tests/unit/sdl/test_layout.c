/* The window layout: panels inside the window and apart, the memory map covering all
 * RAM, and the hit tests the mouse uses agreeing with where things are drawn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "frontends/sdl/layout.h"
#include "frontends/sdl/model.h"

static bool inside(dbg_rect r, int w, int h)
{
    return r.x >= 0 && r.y >= 0 && r.w > 0 && r.h > 0 && r.x + r.w <= w && r.y + r.h <= h;
}

static bool apart(dbg_rect a, dbg_rect b)
{
    return a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
}

static void panels_fit_the_window_without_overlapping(void **state)
{
    (void)state;
    static const int sizes[][4] = { { 1600, 1000, 8, 16 }, { 1920, 1080, 8, 17 }, { 1400, 900, 7, 15 } };
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        dbg_layout L;
        int w = sizes[s][0], h = sizes[s][1];
        dbg_layout_compute(&L, w, h, sizes[s][2], sizes[s][3], 65536);
        dbg_rect all[] = { L.title, L.hints, L.regs, L.disasm, L.mem, L.map, L.log, L.console[0], L.console[1] };
        size_t n = sizeof(all) / sizeof(all[0]);
        for (size_t i = 0; i < n; i++) {
            assert_true(inside(all[i], w, h));
            for (size_t j = i + 1; j < n; j++)
                assert_true(apart(all[i], all[j]));
        }
        /* Both listings fit in the disassembly panel, the log has room for events. */
        assert_true(L.dis_other_y + DBG_DIS_OTHER * L.ch <= L.disasm.y + L.disasm.h);
        assert_true(L.log_rows >= 20);
        for (int v = 0; v < 2; v++) {
            const dbg_strip *st = &L.strip[v];
            assert_true(dbg_rect_has(L.map, st->overview.x, st->overview.y));
            assert_true(dbg_rect_has(L.map, st->zoom.x + st->zoom.w - 1, st->zoom.y + st->zoom.h - 1));
            assert_true(st->overview.y + st->overview.h < st->zoom.y);
        }
        assert_true(L.strip[0].zoom.y + L.strip[0].zoom.h <= L.strip[1].label.y);
        assert_true(L.hover.y + L.hover.h <= L.map.y + L.map.h);
    }
}

static void the_overview_covers_all_pages(void **state)
{
    (void)state;
    static const uint64_t pages[] = { 4096, 65536, 262144, UINT64_C(16) << 20 };
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        dbg_layout L;
        dbg_layout_compute(&L, 1600, 1000, 8, 16, pages[i]);
        const dbg_strip *s = &L.strip[0];
        assert_true((uint64_t)s->rows * (uint64_t)s->cols * s->ppp >= pages[i]);
        assert_true((uint64_t)(s->rows - 1) * (uint64_t)s->cols * s->ppp < pages[i]);
        assert_true(s->overview.h <= 1000);
    }
}

static void the_map_hit_test_finds_the_page_drawn_there(void **state)
{
    (void)state;
    dbg_layout L;
    uint64_t ram = 65536;
    dbg_layout_compute(&L, 1600, 1000, 8, 16, ram);
    for (unsigned v = 0; v < 2; v++) {
        const dbg_strip *s = &L.strip[v];
        static const uint64_t probe[] = { 0, 0x40, 0x101, 1000, 65534 };
        for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
            uint64_t cell = probe[i] / s->ppp;
            int x = s->overview.x + (int)(cell % (uint64_t)s->cols) * s->cell_w;
            int y = s->overview.y + (int)(cell / (uint64_t)s->cols) * s->cell_h;
            unsigned vtl;
            uint64_t gpa;
            assert_true(dbg_layout_map_at(&L, x, y, ram, 0, &vtl, &gpa));
            assert_int_equal(vtl, v);
            assert_int_equal(gpa, cell * s->ppp * DBG_PAGE);
        }
        /* The band: page zoom_first + i at the i-th slot. */
        uint64_t first = dbg_layout_zoom_first(0x40, ram);
        unsigned vtl;
        uint64_t gpa;
        assert_true(dbg_layout_map_at(&L, s->zoom.x + 7 * s->zoom_w, s->zoom.y + 1, ram, first, &vtl, &gpa));
        assert_int_equal(gpa, (first + 7) * DBG_PAGE);
        assert_false(dbg_layout_map_at(&L, s->label.x, s->label.y, ram, first, &vtl, &gpa));
    }
}

static void the_zoomed_band_keeps_the_focus_inside_ram(void **state)
{
    (void)state;
    assert_int_equal(dbg_layout_zoom_first(0, 65536), 0);
    assert_int_equal(dbg_layout_zoom_first(0x40, 65536), 0x40 - DBG_ZOOM_PAGES / 4);
    assert_int_equal(dbg_layout_zoom_first(65535, 65536), 65536 - DBG_ZOOM_PAGES);
    assert_int_equal(dbg_layout_zoom_first(5, 20), 0);
}

static void the_log_shows_the_newest_events_unless_the_selection_is_above(void **state)
{
    (void)state;
    assert_int_equal(dbg_layout_log_first(10, -1, 30), 0);
    assert_int_equal(dbg_layout_log_first(100, -1, 30), 70);
    assert_int_equal(dbg_layout_log_first(100, 80, 30), 70);
    assert_int_equal(dbg_layout_log_first(100, 20, 30), 5);
    assert_int_equal(dbg_layout_log_first(100, 3, 30), 0);

    dbg_layout L;
    dbg_layout_compute(&L, 1600, 1000, 8, 16, 65536);
    int y0 = L.log.y + 3 * L.ch;
    assert_int_equal(dbg_layout_log_at(&L, L.log.x + 5, y0, 100, -1), 100 - L.log_rows);
    assert_int_equal(dbg_layout_log_at(&L, L.log.x + 5, y0 + (L.log_rows - 1) * L.ch, 100, -1), 99);
    assert_int_equal(dbg_layout_log_at(&L, L.log.x + 5, y0 - 1, 100, -1), -1);
    assert_int_equal(dbg_layout_log_at(&L, L.log.x + 5, y0 + 5 * L.ch, 3, -1), -1);
    assert_int_equal(dbg_layout_disasm_at(&L, L.disasm.x + 10, L.dis_main_y + 2 * L.ch + 3, 22), 2);
    assert_int_equal(dbg_layout_disasm_at(&L, L.disasm.x + 10, L.dis_main_y + 30 * L.ch, 22), -1);
    assert_int_equal(dbg_layout_disasm_at(&L, L.regs.x + 10, L.dis_main_y, 22), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(panels_fit_the_window_without_overlapping),
        cmocka_unit_test(the_overview_covers_all_pages),
        cmocka_unit_test(the_map_hit_test_finds_the_page_drawn_there),
        cmocka_unit_test(the_zoomed_band_keeps_the_focus_inside_ram),
        cmocka_unit_test(the_log_shows_the_newest_events_unless_the_selection_is_above),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
