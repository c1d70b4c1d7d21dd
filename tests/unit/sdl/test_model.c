/* The debugger model driven by replayed keys against a fake two-VTL machine: which VTL
 * runs, which event is selected, what the listing, memory view and map show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "frontends/sdl/model.h"
#include "tests/unit/sdl/fake_machine.h"

static dbg_model D;

static int setup(void **state)
{
    (void)state;
    vtl_machine *m = fm_new();
    emu_keep_events(m, true);
    return dbg_model_init(&D, m, FM_RAM) == VE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dbg_model_free(&D);
    return 0;
}

/* Replays keys as --keys does: each run finishes before the next key. */
static void replay(const char *keys)
{
    dbg_input *in;
    size_t n;
    char err[160];
    assert_int_equal(dbg_keys_parse(keys, &in, &n, err, sizeof(err)), VE_OK);
    for (size_t i = 0; i < n; i++) {
        dbg_model_input(&D, &in[i]);
        for (int guard = 0; dbg_model_running(&D) && guard < 1000; guard++)
            dbg_model_tick(&D, 50);
        assert_false(dbg_model_running(&D));
    }
    free(in);
}

static const emu_event *selected(void)
{
    const emu_event *ev = dbg_model_selected_event(&D);
    assert_non_null(ev);
    return ev;
}

static size_t reg(const char *name)
{
    for (size_t i = 0; i < DBG_NREGS; i++)
        if (!strcmp(dbg_regs[i].name, name))
            return i;
    fail_msg("no register %s", name);
    return 0;
}

static const dbg_line *cursor_line(void)
{
    assert_true(D.main.valid);
    assert_true(D.cursor < D.main.count);
    return &D.main.lines[D.cursor];
}

/* ---- start ---------------------------------------------------------------------------- */

static void starts_in_vtl1_with_the_listing_on_its_entry(void **state)
{
    (void)state;
    assert_int_equal(D.running_vtl, 1);
    assert_true(D.enabled[0] && D.enabled[1]);
    assert_int_equal(D.main.vtl, 1);
    assert_int_equal(cursor_line()->addr, FM_VTL1_ENTRY);
    assert_true(D.other.valid);
    assert_int_equal(D.other.vtl, 0);
    assert_int_equal(D.regs[0][reg("rip")], FM_VTL0_ENTRY);
    assert_int_equal(D.regs[1][reg("rip")], FM_VTL1_ENTRY);
    for (size_t i = 0; i < DBG_NREGS; i++)
        assert_false(D.changed[1][i]);
    assert_int_equal(D.nshown, 4);
    assert_int_equal(D.selected, -1);
}

static void the_secure_kernel_range_comes_from_vtl1_boot_info(void **state)
{
    (void)state;
    assert_int_equal(D.secure_lo[0], 0x40000);
    assert_int_equal(D.secure_hi[0], 0x48000);
    assert_int_equal(D.secure_lo[1], 0x1f0000);
    assert_int_equal(D.secure_hi[1], 0x200000);
    assert_int_equal(D.ram_pages, FM_PAGES);
}

static void shared_registers_are_the_gprs_but_rsp_and_cr2(void **state)
{
    (void)state;
    assert_true(dbg_regs[reg("rax")].shared);
    assert_true(dbg_regs[reg("r15")].shared);
    assert_true(dbg_regs[reg("cr2")].shared);
    assert_false(dbg_regs[reg("rsp")].shared);
    assert_false(dbg_regs[reg("rip")].shared);
    assert_false(dbg_regs[reg("cr3")].shared);
}

/* ---- steps and runs ------------------------------------------------------------------- */

static void s_steps_one_instruction_and_marks_what_changed(void **state)
{
    (void)state;
    replay("s");
    assert_int_equal(emu_icount(D.m), 1);
    assert_int_equal(D.regs[1][reg("rip")], FM_VTL1_ENTRY + 3);
    assert_true(D.changed[1][reg("rip")]);
    assert_true(D.changed[1][reg("rax")]);
    assert_false(D.changed[1][reg("rsp")]);
    assert_false(D.changed[0][reg("rip")]);
    assert_int_equal(cursor_line()->addr, FM_VTL1_ENTRY + 3);
    /* The next step compares with this stop, not with the start. */
    replay("s");
    assert_true(D.changed[1][reg("rip")]);
    assert_int_equal(D.stops, 2);
}

static void n_runs_to_the_next_vtl_transition_in_slices(void **state)
{
    (void)state;
    replay("n");
    assert_int_equal(D.running_vtl, 0);
    assert_int_equal(selected()->kind, EV_VTL_RETURN);
    assert_int_equal(D.stop_event, (long)D.shown[D.selected]);
    assert_int_equal(D.main.vtl, 0);
    assert_int_equal(cursor_line()->addr, FM_VTL0_ENTRY);
    assert_int_equal(D.other.vtl, 1);
    assert_int_equal(fm_machine.steps, 0);
    assert_true(fm_machine.run_untils > 0);
    assert_non_null(strstr(D.status, "vtl_return"));
}

static void v_stops_on_the_violation_then_on_the_intercept(void **state)
{
    (void)state;
    replay("v");
    assert_int_equal(D.running_vtl, 0);
    assert_int_equal(selected()->kind, EV_SLAT_VIOLATION);
    assert_true(D.has_fault);
    assert_int_equal(D.fault_vtl, 0);
    assert_int_equal(D.fault_rip, 0x100042);
    assert_int_equal(cursor_line()->addr, 0x100042);
    /* The memory view went to the violated GPA: denied to VTL0, readable by VTL1. */
    assert_int_equal(D.mem_space, EMU_SPACE_GPA);
    assert_int_equal(D.mem_addr, 0x40000);
    assert_false(D.mem[0].ok[0]);
    assert_non_null(strstr(D.mem[0].why, "SLAT denies read"));
    assert_true(D.mem[1].ok[0]);
    assert_memory_equal(D.mem[1].bytes, "SECRET-N", 8);

    replay("v");
    assert_int_equal(D.running_vtl, 1);
    assert_int_equal(selected()->kind, EV_INTERCEPT);
    assert_int_equal(D.main.vtl, 1);
    /* The waiting VTL0 still sits on the faulting instruction. */
    assert_int_equal(D.other.vtl, 0);
    bool found = false;
    for (size_t i = 0; i < D.other.count; i++)
        found |= D.other.lines[i].addr == 0x100042;
    assert_true(found);
    assert_int_equal(D.regs[0][reg("rip")], 0x100042);
}

static void c_runs_to_the_exit_and_nothing_runs_after(void **state)
{
    (void)state;
    replay("c");
    assert_true(D.exited);
    assert_int_equal(D.exit_status, 0);
    assert_int_equal(selected()->kind, EV_EXIT);
    assert_non_null(strstr(D.status, "exit status 0"));
    uint64_t ic = emu_icount(D.m);
    replay("s n c");
    assert_int_equal(emu_icount(D.m), ic);
    assert_non_null(strstr(D.status, "nothing to run"));
}

static void breakpoint_at_the_cursor_stops_a_continue_by_stepping(void **state)
{
    (void)state;
    replay("n down down down b");
    assert_int_equal(D.nbps, 1);
    assert_int_equal(D.bps[0].vtl, 0);
    assert_int_equal(D.bps[0].rip, FM_VTL0_ENTRY + 9);
    assert_true(dbg_model_has_bp(&D, 0, FM_VTL0_ENTRY + 9));
    replay("c");
    assert_false(D.exited);
    assert_int_equal(D.running_vtl, 0);
    assert_int_equal(D.regs[0][reg("rip")], FM_VTL0_ENTRY + 9);
    assert_true(fm_machine.steps >= 3);
    assert_non_null(strstr(D.status, "breakpoint"));
    /* b again removes it; c then runs to the end. */
    replay("b c");
    assert_int_equal(D.nbps, 0);
    assert_true(D.exited);
}

static void o_steps_over_a_call(void **state)
{
    (void)state;
    /* Break on the call, then step over it. */
    replay("n g:v100030");
    assert_false(D.follow);
    assert_string_equal(cursor_line()->text, "call 0x100100");
    replay("b c b");
    assert_int_equal(D.regs[0][reg("rip")], 0x100030);
    replay("o");
    assert_int_equal(D.regs[0][reg("rip")], 0x100033);
    assert_non_null(strstr(D.status, "stepped over"));
    /* o on a plain instruction is a step. */
    replay("o");
    assert_int_equal(D.regs[0][reg("rip")], 0x100036);
}

static void o_over_a_vmcall_returns_to_the_next_instruction_of_vtl0(void **state)
{
    (void)state;
    replay("n v v n");                  /* back in VTL0 after the intercept */
    assert_int_equal(D.running_vtl, 0);
    assert_int_equal(D.regs[0][reg("rip")], 0x100045);
    while (D.regs[0][reg("rip")] != 0x100051)
        replay("s");
    replay("o");
    assert_int_equal(D.running_vtl, 0);
    assert_int_equal(D.regs[0][reg("rip")], 0x100054);
}

static void space_pauses_a_run(void **state)
{
    (void)state;
    D.slice = 1;
    dbg_model_key(&D, 'c');
    assert_true(dbg_model_running(&D));
    dbg_model_tick(&D, 0);
    assert_true(dbg_model_running(&D));
    dbg_model_key(&D, 's');   /* ignored while running */
    assert_true(dbg_model_running(&D));
    dbg_model_key(&D, ' ');
    assert_false(dbg_model_running(&D));
    assert_false(D.exited);
    assert_string_equal(D.status, "paused");
}

static void the_cursor_scrolls_the_listing_past_its_ends(void **state)
{
    (void)state;
    replay("n pgdn pgdn");
    assert_false(D.follow);
    assert_int_equal(cursor_line()->addr, FM_VTL0_ENTRY + 20 * 3);
    replay("up");
    assert_int_equal(cursor_line()->addr, FM_VTL0_ENTRY + 19 * 3);
    /* Back above the first line. */
    uint64_t first = D.main.lines[0].addr;
    while (D.cursor > 0)
        replay("up");
    replay("up up");
    assert_int_equal(cursor_line()->addr, first - 2 * 3);
    assert_int_equal(D.cursor, 0);
    replay("esc");
    assert_true(D.follow);
    assert_int_equal(cursor_line()->addr, FM_VTL0_ENTRY);
}

/* ---- event log ------------------------------------------------------------------------ */

static void f_cycles_the_filter_and_keeps_the_selection_when_it_can(void **state)
{
    (void)state;
    replay("n");
    size_t all = D.nshown;
    assert_int_equal(selected()->kind, EV_VTL_RETURN);
    replay("f");
    assert_string_equal(dbg_filter_preset_name(D.filter_preset), "transitions");
    assert_true(D.nshown < all);
    for (size_t i = 0; i < D.nshown; i++) {
        emu_event_kind k = emu_event_get(D.m, D.shown[i])->kind;
        assert_true(k == EV_VTL_ENABLE || k == EV_VTL_CALL || k == EV_VTL_RETURN || k == EV_INTERCEPT ||
                    k == EV_EXIT);
    }
    assert_int_equal(selected()->kind, EV_VTL_RETURN);
    replay("f");   /* isolation: no vtl_return */
    assert_int_equal(D.selected, -1);
    replay("f f");
    assert_string_equal(dbg_filter_preset_name(D.filter_preset), "all");
    assert_int_equal(D.nshown, all);
    dbg_model_toggle_kind(&D, EV_HYPERCALL);
    assert_int_equal(D.nshown, all - 1);
}

static void selecting_an_event_jumps_the_views_to_it(void **state)
{
    (void)state;
    replay("v v n");
    assert_int_equal(D.running_vtl, 0);
    /* Back to the violation: two events before the vtl_return (intercept, hypercall). */
    replay("[ [ [");
    assert_int_equal(selected()->kind, EV_SLAT_VIOLATION);
    assert_false(D.follow);
    assert_int_equal(D.main.vtl, 0);
    assert_int_equal(cursor_line()->addr, 0x100042);
    assert_int_equal(D.mem_addr, 0x40000);
    replay("]");
    assert_int_equal(selected()->kind, EV_INTERCEPT);
    assert_int_equal(D.main.vtl, 1);
    /* esc: back to following RIP. */
    replay("esc");
    assert_true(D.follow);
    assert_int_equal(D.selected, -1);
    assert_int_equal(D.main.vtl, 0);
    replay("home");
    assert_int_equal(D.selected, 0);
    assert_int_equal(selected()->kind, EV_BOOT);
    replay("end");
    assert_int_equal((size_t)D.selected, D.nshown - 1);
}

/* ---- memory view and map -------------------------------------------------------------- */

static void g_goes_to_a_gpa_or_a_gva(void **state)
{
    (void)state;
    replay("g:0x41000");
    assert_int_equal(D.mem_space, EMU_SPACE_GPA);
    assert_int_equal(D.mem_addr, 0x41000);
    assert_true(D.mem[0].ok[0]);
    replay("g:v100051");
    assert_int_equal(D.mem_space, EMU_SPACE_GVA);
    assert_int_equal(D.mem_addr, 0x100050);
    assert_false(D.follow);
    assert_int_equal(D.main.vtl, 1);   /* the running VTL */
    replay("g:zz");
    assert_non_null(strstr(D.status, "not an address"));
    assert_int_equal(D.mem_addr, 0x100050);
    /* Keys typed at the prompt are text, not commands. */
    replay("g s bs 4 esc");
    assert_int_equal(emu_icount(D.m), 0);
    assert_false(D.prompt);
    replay("m");
    assert_int_equal(D.mem_space, EMU_SPACE_GPA);
}

static void pages_are_classed_by_each_vtls_rights(void **state)
{
    (void)state;
    dbg_page p;
    dbg_page_get(&D, 0, 0x40123, &p);
    assert_true(p.ok);
    assert_int_equal(p.rights, 0);
    assert_true(p.secure);
    assert_int_equal(dbg_page_cat(&p, 0), DBG_CAT_NONE);
    dbg_page_get(&D, 1, 0x40000, &p);
    assert_int_equal(p.rights, 0xF);
    assert_int_equal(dbg_page_cat(&p, 1), DBG_CAT_SECURE);
    dbg_page_get(&D, 0, 0x41000, &p);
    assert_int_equal(dbg_page_cat(&p, 0), DBG_CAT_COW);
    dbg_page_get(&D, 0, 0x100000, &p);
    assert_int_equal(dbg_page_cat(&p, 0), DBG_CAT_RWX);
    dbg_page_get(&D, 0, FM_RAM, &p);
    assert_false(p.ok);
    assert_int_equal(dbg_page_cat(&p, 0), DBG_CAT_ABSENT);
    /* A range shows its rarest page. */
    assert_int_equal(dbg_cat_of_range(&D, 0, 0x3f, 2, 0), DBG_CAT_NONE);
    assert_int_equal(dbg_cat_of_range(&D, 0, 0x30, 16, 0), DBG_CAT_RWX);
    /* After the write to the shared page, VTL0 has its own copy. */
    replay("c");
    dbg_page_get(&D, 0, 0x41000, &p);
    assert_true(p.cow_broken);
    assert_false(p.cow);
    assert_int_equal(p.spa, 0x1e0000);
    assert_int_equal(dbg_page_cat(&p, 0), DBG_CAT_COW_BROKEN);
    char r[5];
    dbg_rights_str(0xD, r);
    assert_string_equal(r, "R-KU");
}

static void hover_names_a_page_inside_ram_only(void **state)
{
    (void)state;
    replay("hover:40000");
    assert_true(D.has_hover);
    assert_int_equal(D.hover_gpa, 0x40000);
    dbg_model_hover(&D, true, FM_RAM + 4096);
    assert_false(D.has_hover);
}

/* ---- keys and dump -------------------------------------------------------------------- */

static void keys_parse_names_goto_and_hover(void **state)
{
    (void)state;
    dbg_input *in;
    size_t n;
    char err[160];
    assert_int_equal(dbg_keys_parse("  n space ? g:4f hover:0x1000 up\t[", &in, &n, err, sizeof(err)), VE_OK);
    int want[] = { 'n', ' ', '?', 'g', '4', 'f', DBG_KEY_ENTER };
    assert_int_equal(n, 10);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(in[i].kind, DBG_IN_KEY);
        assert_int_equal(in[i].key, want[i]);
    }
    assert_int_equal(in[7].kind, DBG_IN_HOVER);
    assert_int_equal(in[7].value, 0x1000);
    assert_int_equal(in[8].key, DBG_KEY_UP);
    assert_int_equal(in[9].key, '[');
    free(in);
    assert_int_equal(dbg_keys_parse("s bogus", &in, &n, err, sizeof(err)), VE_E_INVAL);
    assert_non_null(strstr(err, "'bogus'"));
    assert_int_equal(dbg_keys_parse("hover:xyz", &in, &n, err, sizeof(err)), VE_E_INVAL);
    assert_int_equal(dbg_keys_parse("", &in, &n, err, sizeof(err)), VE_OK);
    assert_int_equal(n, 0);
    free(in);
    char buf[2];
    assert_string_equal(dbg_key_name(' ', buf), "space");
    assert_string_equal(dbg_key_name('s', buf), "s");
}

static void help_and_quit(void **state)
{
    (void)state;
    replay("h");
    assert_true(D.help);
    replay("esc");
    assert_false(D.help);
    replay("?");
    assert_true(D.help);
    replay("?");
    assert_false(D.help);
    replay("q");
    assert_true(D.quit);
}

static char *dump(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    dbg_model_dump(&D, f);
    fclose(f);
    return buf;
}

static void dump_states_the_running_vtl_selection_and_page_rights(void **state)
{
    (void)state;
    replay("v v hover:41000");
    char *j = dump();
    assert_non_null(strstr(j, "\"running_vtl\":1,\n"));
    assert_non_null(strstr(j, "\"selected\":{\"shown_index\":"));
    assert_non_null(strstr(j, "\"event\":{\"kind\":\"intercept\""));
    assert_non_null(strstr(j, "\"page\":{\"gpa\":\"0x40000\",\"vtl0\":{\"rights\":\"----\""));
    assert_non_null(strstr(j, "\"vtl1\":{\"rights\":\"RWKU\",\"spa\":\"0x40000\",\"cow\":false,\"cow_broken\":false,"
                              "\"secure\":true,\"dma\":false,\"class\":\"secure kernel\"}"));
    assert_non_null(strstr(j, "\"hover\":{\"gpa\":\"0x41000\",\"vtl0\":{\"rights\":\"R-KU\""));
    assert_non_null(strstr(j, "{\"gpa\":\"0x40000\",\"pages\":1,\"rights\":\"----\",\"class\":\"no access\"}"));
    assert_non_null(strstr(j, "\"fault\":{\"vtl\":0,\"rip\":\"0x100042\"}"));
    assert_non_null(strstr(j, "\"mode\":\"stopped\""));
    assert_non_null(strstr(j, "\"rows\":[null,"));
    assert_non_null(strstr(j, "\"rows\":[\"5345435245542d4e\""));   /* "SECRET-N" */
    free(j);
}

static void event_brief_drops_cpl_and_rip(void **state)
{
    (void)state;
    emu_event ev = { .kind = EV_SLAT_VIOLATION, .icount = 42, .vtl = 0, .rip = 0x100042, .gpa = 0x40000 };
    char buf[160];
    dbg_event_brief(&ev, buf, sizeof(buf));
    assert_string_equal(buf, "42 VTL0 slat_violation gpa=0x40000");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(starts_in_vtl1_with_the_listing_on_its_entry),
        T(the_secure_kernel_range_comes_from_vtl1_boot_info),
        T(shared_registers_are_the_gprs_but_rsp_and_cr2),
        T(s_steps_one_instruction_and_marks_what_changed),
        T(n_runs_to_the_next_vtl_transition_in_slices),
        T(v_stops_on_the_violation_then_on_the_intercept),
        T(c_runs_to_the_exit_and_nothing_runs_after),
        T(breakpoint_at_the_cursor_stops_a_continue_by_stepping),
        T(o_steps_over_a_call),
        T(o_over_a_vmcall_returns_to_the_next_instruction_of_vtl0),
        T(space_pauses_a_run),
        T(the_cursor_scrolls_the_listing_past_its_ends),
        T(f_cycles_the_filter_and_keeps_the_selection_when_it_can),
        T(selecting_an_event_jumps_the_views_to_it),
        T(g_goes_to_a_gpa_or_a_gva),
        T(pages_are_classed_by_each_vtls_rights),
        T(hover_names_a_page_inside_ram_only),
        T(keys_parse_names_goto_and_hover),
        T(help_and_quit),
        T(dump_states_the_running_vtl_selection_and_page_rights),
        T(event_brief_drops_cpl_and_rip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
