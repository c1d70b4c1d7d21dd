/* The machine API frontends use (run slices, stepping, registers, debugger memory,
 * SLAT, snapshots), on the real demo guests (built by `make` before the tests run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "emu/machine.h"
#include "slat/slat.h"

#define VTL0_ELF "guest/build/vtl0.elf"
#define SK_ELF "guest/build/sk.elf"
#define SECRET_GPA 0x40000u

static vtl_machine *boot(const char *sk)
{
    emu_config cfg = { .mem_size = EMU_DEFAULT_MEM };
    vtl_machine *m = NULL;
    char err[256];
    assert_int_equal(emu_create(&cfg, &m, err, sizeof(err)), VE_OK);
    assert_int_equal(emu_load(m, VTL0_ELF, sk, err, sizeof(err)), VE_OK);
    emu_keep_events(m, true);
    return m;
}

static bool is_kind(const emu_event *ev, void *ctx)
{
    return ev->kind == *(const emu_event_kind *)ctx;
}

static void stepping_retires_exactly_the_instructions_asked_for(void **state)
{
    (void)state;
    vtl_machine *m = boot(NULL);
    assert_int_equal(emu_step(m, 1, NULL), EMU_RUN_LIMIT);
    assert_int_equal(emu_icount(m), 1);
    assert_int_equal(emu_step(m, 999, NULL), EMU_RUN_LIMIT);
    assert_int_equal(emu_icount(m), 1000);
    assert_int_equal(emu_step(m, 12345, NULL), EMU_RUN_LIMIT);
    assert_int_equal(emu_icount(m), 13345);
    emu_destroy(m);
}

static void run_until_stops_after_the_first_syscall_event(void **state)
{
    (void)state;
    vtl_machine *m = boot(NULL);
    emu_event_kind k = EV_SYSCALL;
    const emu_event *ev = NULL;
    assert_int_equal(emu_run_until(m, is_kind, &k, 0, &ev), EMU_RUN_EVENT);
    assert_non_null(ev);
    assert_int_equal(ev->kind, EV_SYSCALL);
    assert_int_equal(ev->cpl, 3);
    /* The syscall has taken effect: the kernel runs at its LSTAR entry. */
    uint64_t rip, lstar;
    assert_int_equal(emu_reg_get(m, 0, "rip", &rip), VE_OK);
    assert_int_equal(emu_reg_get(m, 0, "lstar", &lstar), VE_OK);
    assert_int_equal(rip, lstar);
    assert_int_equal(emu_current_cpl(m), 0);
    emu_destroy(m);
}

static void run_until_a_console_event_stops_right_after_its_out_instruction(void **state)
{
    (void)state;
    vtl_machine *m = boot(NULL);
    emu_event_kind k = EV_CONSOLE;
    const emu_event *ev = NULL;
    assert_int_equal(emu_run_until(m, is_kind, &k, 0, &ev), EMU_RUN_EVENT);
    assert_int_equal(ev->kind, EV_CONSOLE);
    assert_int_equal(emu_icount(m), ev->icount);
    char text[64];
    int len = emu_disasm(m, 0, ev->rip, text, sizeof(text));
    uint64_t rip;
    emu_reg_get(m, 0, "rip", &rip);
    assert_int_equal(rip, ev->rip + (uint64_t)len);
    assert_string_equal(text, "out dx, al");
    emu_destroy(m);
}

static void the_run_ends_with_an_exit_and_stays_ended(void **state)
{
    (void)state;
    vtl_machine *m = boot(NULL);
    assert_int_equal(emu_run_until(m, NULL, NULL, 0, NULL), EMU_RUN_EXITED);
    int status = -1;
    assert_true(emu_exited(m, &status));
    assert_int_equal(status, 0);
    size_t n = emu_event_count(m);
    assert_int_equal(emu_event_get(m, n - 1)->kind, EV_EXIT);
    assert_int_equal(emu_run_until(m, NULL, NULL, 100, NULL), EMU_RUN_EXITED);
    assert_int_equal(emu_event_count(m), n);
    size_t clen;
    const char *con = emu_console_text(m, 0, &clen);
    assert_non_null(strstr(con, "user exited with 0"));
    emu_destroy(m);
}

static void unknown_register_names_and_disabled_vtls_are_refused(void **state)
{
    (void)state;
    vtl_machine *m = boot(NULL);
    uint64_t v;
    assert_int_equal(emu_reg_get(m, 0, "bogus", &v), VE_E_INVAL);
    assert_int_equal(emu_reg_get(m, 1, "rip", &v), VE_E_STATE);
    assert_int_equal(emu_reg_set(m, 0, "r12", 0x1234), VE_OK);
    assert_int_equal(emu_reg_get(m, 0, "r12", &v), VE_OK);
    assert_int_equal(v, 0x1234);
    emu_destroy(m);
}

static void vtl0_cannot_read_the_secret_that_vtl1_reads(void **state)
{
    (void)state;
    vtl_machine *m = boot(SK_ELF);
    emu_event_kind k = EV_VTL_RETURN;   /* the secure kernel has protected itself */
    assert_int_equal(emu_run_until(m, is_kind, &k, 0, NULL), EMU_RUN_EVENT);
    assert_int_equal(emu_current_vtl(m), 0);
    uint8_t buf[16];
    char why[128];
    assert_int_equal(emu_mem_read(m, 0, EMU_SPACE_GPA, SECRET_GPA, buf, 16, why, sizeof(why)), VE_E_DENIED);
    assert_non_null(strstr(why, "SLAT of VTL0 denies read"));
    assert_int_equal(emu_mem_read(m, 1, EMU_SPACE_GPA, SECRET_GPA, buf, 16, why, sizeof(why)), VE_OK);
    unsigned rights;
    bool cow;
    assert_int_equal(emu_slat_get(m, 0, SECRET_GPA, &rights, NULL, &cow), VE_OK);
    assert_int_equal(rights, 0);
    assert_false(cow);
    /* A scripted protection change takes effect at once. */
    assert_int_equal(emu_slat_protect(m, 0, SECRET_GPA, 4096, SLAT_R), VE_OK);
    assert_int_equal(emu_mem_read(m, 0, EMU_SPACE_GPA, SECRET_GPA, buf, 16, why, sizeof(why)), VE_OK);
    const emu_event *last = emu_event_get(m, emu_event_count(m) - 1);
    assert_int_equal(last->kind, EV_SLAT_CHANGE);
    assert_string_equal(last->source, "script");
    emu_destroy(m);
}

static void restoring_a_snapshot_rewinds_memory_registers_and_events(void **state)
{
    (void)state;
    vtl_machine *m = boot(SK_ELF);
    assert_int_equal(emu_step(m, 300000, NULL), EMU_RUN_LIMIT);
    emu_snapshot *s = emu_snapshot_take(m);
    assert_non_null(s);
    uint64_t rip0, icount0 = emu_icount(m);
    unsigned vtl0 = emu_current_vtl(m);
    emu_reg_get(m, vtl0, "rip", &rip0);
    size_t n0 = emu_event_count(m);
    static uint8_t before[1 << 20], after[1 << 20];
    assert_int_equal(emu_mem_read(m, 0, EMU_SPACE_SPA, 0, before, sizeof(before), NULL, 0), VE_OK);

    assert_int_equal(emu_run_until(m, NULL, NULL, 0, NULL), EMU_RUN_EXITED);
    assert_int_equal(emu_snapshot_restore(m, s), VE_OK);
    uint64_t rip1;
    emu_reg_get(m, emu_current_vtl(m), "rip", &rip1);
    assert_int_equal(emu_current_vtl(m), vtl0);
    assert_int_equal(rip1, rip0);
    assert_int_equal(emu_icount(m), icount0);
    assert_int_equal(emu_event_count(m), n0);
    assert_false(emu_exited(m, NULL));
    assert_int_equal(emu_mem_read(m, 0, EMU_SPACE_SPA, 0, after, sizeof(after), NULL, 0), VE_OK);
    assert_memory_equal(before, after, sizeof(before));
    /* And it runs to the same end again. */
    int status = -1;
    assert_int_equal(emu_run_until(m, NULL, NULL, 0, NULL), EMU_RUN_EXITED);
    assert_true(emu_exited(m, &status));
    assert_int_equal(status, 0);
    emu_snapshot_free(s);
    emu_destroy(m);
}

/* The same run cut into slices of any size ends the same: same status, same count,
 * the same events at the same points. */
static void slicing_a_run_changes_nothing(void **state)
{
    (void)state;
    vtl_machine *whole = boot(SK_ELF);
    assert_int_equal(emu_run_until(whole, NULL, NULL, 0, NULL), EMU_RUN_EXITED);
    static const uint64_t slices[] = { 12345, 999 };
    for (size_t k = 0; k < sizeof(slices) / sizeof(slices[0]); k++) {
        vtl_machine *m = boot(SK_ELF);
        emu_run_result r;
        do
            r = emu_run_until(m, NULL, NULL, slices[k], NULL);
        while (r == EMU_RUN_LIMIT);
        assert_int_equal(r, EMU_RUN_EXITED);
        int a = -1, b = -2;
        emu_exited(whole, &a);
        emu_exited(m, &b);
        assert_int_equal(b, a);
        assert_int_equal(emu_icount(m), emu_icount(whole));
        assert_int_equal(emu_event_count(m), emu_event_count(whole));
        for (size_t i = 0; i < emu_event_count(m); i++) {
            const emu_event *x = emu_event_get(whole, i), *y = emu_event_get(m, i);
            assert_int_equal(y->kind, x->kind);
            assert_int_equal(y->icount, x->icount);
            assert_int_equal(y->rip, x->rip);
        }
        emu_destroy(m);
    }
    emu_destroy(whole);
}

/* Single steps retire one instruction each and reach the same points as a plain run. */
static void single_steps_reach_the_same_events_as_a_plain_run(void **state)
{
    (void)state;
    vtl_machine *whole = boot(SK_ELF), *m = boot(SK_ELF);
    assert_int_equal(emu_run_until(whole, NULL, NULL, 60000, NULL), EMU_RUN_LIMIT);
    for (int i = 0; i < 60000; i++) {
        uint64_t before = emu_icount(m);
        assert_int_equal(emu_step(m, 1, NULL), EMU_RUN_LIMIT);
        assert_int_equal(emu_icount(m), before + 1);
    }
    assert_int_equal(emu_event_count(m), emu_event_count(whole));
    for (size_t i = 0; i < emu_event_count(m); i++) {
        assert_int_equal(emu_event_get(m, i)->kind, emu_event_get(whole, i)->kind);
        assert_int_equal(emu_event_get(m, i)->icount, emu_event_get(whole, i)->icount);
    }
    uint64_t r1, r2;
    emu_reg_get(whole, emu_current_vtl(whole), "rip", &r1);
    emu_reg_get(m, emu_current_vtl(m), "rip", &r2);
    assert_int_equal(r2, r1);
    emu_destroy(m);
    emu_destroy(whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stepping_retires_exactly_the_instructions_asked_for),
        cmocka_unit_test(run_until_stops_after_the_first_syscall_event),
        cmocka_unit_test(run_until_a_console_event_stops_right_after_its_out_instruction),
        cmocka_unit_test(the_run_ends_with_an_exit_and_stays_ended),
        cmocka_unit_test(unknown_register_names_and_disabled_vtls_are_refused),
        cmocka_unit_test(vtl0_cannot_read_the_secret_that_vtl1_reads),
        cmocka_unit_test(restoring_a_snapshot_rewinds_memory_registers_and_events),
        cmocka_unit_test(slicing_a_run_changes_nothing),
        cmocka_unit_test(single_steps_reach_the_same_events_as_a_plain_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
