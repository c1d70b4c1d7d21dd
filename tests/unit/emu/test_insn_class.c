/* emu_insn_class: what an instruction may touch beyond the general registers, decided
 * once per block. A control-register, EFER or descriptor-table write must be seen (the
 * TLB fill keeps those registers for a whole run otherwise), and ordinary instructions
 * must not be flagged (their blocks would lose the block hook's fast path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "emu/machine_priv.h"
#include "tests/unit/table_rows.h"

typedef struct row {
    const char *name;
    uint8_t bytes[8];
    size_t len;
    unsigned cls;
} row;

static const row rows[] = {
    { "mov_to_cr0_changes_paging_controls", { 0x0F, 0x22, 0xC0 }, 3, INSN_CTRL },
    { "mov_to_cr3_changes_paging_controls", { 0x0F, 0x22, 0xD8 }, 3, INSN_CTRL },
    { "mov_to_cr4_changes_paging_controls", { 0x0F, 0x22, 0xE0 }, 3, INSN_CTRL },
    { "mov_from_cr3_changes_nothing", { 0x0F, 0x20, 0xD8 }, 3, 0 },
    { "lmsw_changes_paging_controls", { 0x0F, 0x01, 0xF0 }, 3, INSN_CTRL },
    { "wrmsr_may_change_efer", { 0x0F, 0x30 }, 2, INSN_CTRL },
    { "rdmsr_changes_nothing", { 0x0F, 0x32 }, 2, 0 },
    { "vmrun_may_load_efer", { 0x0F, 0x01, 0xD8 }, 3, INSN_CTRL },
    { "rsm_may_load_efer", { 0x0F, 0xAA }, 2, INSN_CTRL },
    { "lgdt_changes_a_descriptor_table", { 0x0F, 0x01, 0x10 }, 3, INSN_CTRL },
    { "lidt_changes_a_descriptor_table", { 0x0F, 0x01, 0x18 }, 3, INSN_CTRL },
    { "lldt_changes_a_descriptor_table", { 0x0F, 0x00, 0xD0 }, 3, INSN_CTRL },
    { "ltr_changes_a_descriptor_table", { 0x0F, 0x00, 0xD8 }, 3, INSN_CTRL },
    { "sgdt_changes_nothing", { 0x0F, 0x01, 0x00 }, 3, 0 },
    { "add_changes_nothing", { 0x48, 0x01, 0xD8 }, 3, 0 },
    { "store_changes_nothing", { 0x48, 0x89, 0x04, 0x3E }, 4, 0 },
    { "vmcall_is_a_hypercall", { 0x0F, 0x01, 0xC1 }, 3, INSN_VMCALL },
    { "movaps_uses_sse_state", { 0x0F, 0x28, 0xC1 }, 3, INSN_FPU },
    { "mov_to_dr7_uses_debug_registers", { 0x0F, 0x23, 0xF8 }, 3, INSN_DR },
};

static void classifies_the_instruction(void **state)
{
    const row *r = *state;
    csh cs;
    assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
    assert_int_equal(cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON), CS_ERR_OK);
    cs_insn *insn = NULL;
    assert_int_equal(cs_disasm(cs, r->bytes, r->len, 0x1000, 1, &insn), 1);
    assert_int_equal(insn->size, r->len);
    assert_int_equal(emu_insn_class(insn), r->cls);
    cs_free(insn, 1);
    cs_close(&cs);
}

static void an_instruction_without_details_is_assumed_to_touch_everything(void **state)
{
    (void)state;
    csh cs;
    assert_int_equal(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
    cs_insn *insn = NULL;   /* no CS_OPT_DETAIL: Capstone gives no operands */
    static const uint8_t add[] = { 0x48, 0x01, 0xD8 };
    assert_int_equal(cs_disasm(cs, add, sizeof add, 0x1000, 1, &insn), 1);
    assert_int_equal(emu_insn_class(insn), INSN_FPU | INSN_DR | INSN_CTRL);
    cs_free(insn, 1);
    cs_close(&cs);
}

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(rows) + 1];
    size_t n = 0;
    ADD_TABLE_ROWS(tests, n, rows, classifies_the_instruction, NULL, NULL);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(an_instruction_without_details_is_assumed_to_touch_everything);
    return _cmocka_run_group_tests("insn_class", tests, n, NULL, NULL);
}
