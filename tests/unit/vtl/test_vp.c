/* VTL state and switches: VtlCall / VtlReturn as hypercalls, the switch bookkeeping
 * (running VTL, whom to return to, VP assist page entry reason, RAX/RCX on return),
 * secure intercepts and the GPA intercept message byte for byte. */
#include "tests/unit/vtl/fake_machine.h"

#define MSG_AT     HV_VP_ASSIST_INTERCEPT_MSG        /* 0x70 */
#define PAYLOAD_AT (MSG_AT + 0x10)                   /* the GPA intercept payload */

static void fill_assist_pages(fake_machine *fm)
{
    memset(fm->assist, UNTOUCHED, sizeof(fm->assist));
}

/* Every byte of `vtl`'s assist page outside [offset, offset+len) is still UNTOUCHED. */
static void assert_assist_untouched_outside(const fake_machine *fm, unsigned vtl, size_t offset, size_t len)
{
    assert_true(fm_all_bytes(fm->assist[vtl], offset, UNTOUCHED));
    assert_true(fm_all_bytes(fm->assist[vtl] + offset + len, PAGE_SIZE - offset - len, UNTOUCHED));
}

/* ---- state ------------------------------------------------------------------------------ */

static void new_state_has_only_vtl0_enabled_and_running(void **state)
{
    (void)state;
    vtl_state st;
    memset(&st, 0xFF, sizeof(st));
    vtl_state_init(&st);
    assert_true(st.partition_enabled[0]);
    assert_true(st.vp_enabled[0]);
    assert_false(st.partition_enabled[1]);
    assert_false(st.vp_enabled[1]);
    assert_int_equal(st.current, 0);
    assert_false(st.entered_from_below);
}

static void enable_at_boot_enables_vtl1_for_partition_and_vp_without_switching(void **state)
{
    (void)state;
    vtl_state st;
    vtl_state_init(&st);
    vtl_enable_at_boot(&st, 1);
    assert_true(st.partition_enabled[1]);
    assert_true(st.vp_enabled[1]);
    assert_int_equal(st.current, 0);
    assert_false(st.entered_from_below);
}

static void enable_at_boot_of_a_vtl_that_does_not_exist_changes_nothing(void **state)
{
    (void)state;
    vtl_state st, before;
    vtl_state_init(&st);
    before = st;
    vtl_enable_at_boot(&st, VTL_COUNT);
    vtl_enable_at_boot(&st, 255);
    fm_assert_state_equal(&st, &before);
}

static void boot_enter_runs_vtl1_as_though_vtl0_had_called_it(void **state)
{
    (void)state;
    vtl_state st;
    vtl_state_init(&st);
    vtl_enable_at_boot(&st, 1);
    vtl_boot_enter(&st, 1);
    assert_int_equal(st.current, 1);
    assert_true(st.entered_from_below);
    assert_int_equal(st.return_to, 0);
}

static void boot_enter_of_a_vtl_not_enabled_changes_nothing(void **state)
{
    (void)state;
    vtl_state st, before;
    vtl_state_init(&st);
    st.partition_enabled[1] = true;   /* on the partition but not the VP */
    before = st;
    vtl_boot_enter(&st, 1);
    vtl_boot_enter(&st, 0);
    vtl_boot_enter(&st, 7);
    fm_assert_state_equal(&st, &before);
}

static void higher_enabled_names_vtl1_only_once_it_is_on_the_vp(void **state)
{
    (void)state;
    vtl_state st;
    vtl_state_init(&st);
    unsigned next = 99;
    assert_false(vtl_higher_enabled(&st, &next));
    st.partition_enabled[1] = true;
    assert_false(vtl_higher_enabled(&st, &next));
    assert_int_equal(next, 99);
    st.vp_enabled[1] = true;
    assert_true(vtl_higher_enabled(&st, &next));
    assert_int_equal(next, 1);
    st.current = 1;
    assert_false(vtl_higher_enabled(&st, &next));
}

/* ---- VtlCall and VtlReturn as hypercalls ------------------------------------------------- */

typedef enum start_state {
    ONLY_VTL0,
    VTL1_ON_PARTITION,          /* VTL0 running; VTL1 not on the VP */
    VTL1_ON_VP,                 /* VTL0 running; VTL1 enabled on the VP */
    VTL1_CALLED,                /* VTL1 running, entered by a VtlCall from VTL0 */
    VTL1_INTERCEPTED,           /* VTL1 running, entered by an intercept of VTL0 */
    VTL1_AT_BOOT,               /* VTL1 running from boot (vtl_boot_enter) */
    VTL1_NOT_FROM_BELOW,        /* contrived: VTL1 running, not entered from below */
} start_state;

static void arrange(fake_machine *fm, start_state s)
{
    hv_message msg;
    switch (s) {
    case ONLY_VTL0:
        break;
    case VTL1_ON_PARTITION:
        fm->st.partition_enabled[1] = true;
        break;
    case VTL1_ON_VP:
        vtl_enable_at_boot(&fm->st, 1);
        break;
    case VTL1_CALLED:
        vtl_enable_at_boot(&fm->st, 1);
        assert_int_equal(vtl_enter_call(&fm->st, &fm->ops), 1);
        break;
    case VTL1_INTERCEPTED:
        vtl_enable_at_boot(&fm->st, 1);
        vtl_build_gpa_intercept(&msg, 0x1000, 2, NULL, 0, HV_INTERCEPT_ACCESS_WRITE, 0x5000, 0x5000, NULL, 0);
        assert_int_equal(vtl_enter_intercept(&fm->st, &fm->ops, &msg), 1);
        break;
    case VTL1_AT_BOOT:
        fm_run_in_vtl1(fm);
        break;
    case VTL1_NOT_FROM_BELOW:
        vtl_enable_at_boot(&fm->st, 1);
        fm->st.current = 1;
        break;
    }
    /* What arranging did to the machine is not the call's doing. */
    fm->assist_reads = fm->assist_writes = 0;
}

typedef struct switch_row {
    const char *name;
    start_state start;
    uint64_t control;
    uint64_t rdx, r8;
    uint16_t status;
    vtl_hc_action action;
    unsigned next_vtl;
} switch_row;

#define GARBAGE_RDX UINT64_C(0xFFFFFFFFFFFFFFFF)   /* unaligned and outside RAM */
#define GARBAGE_R8  UINT64_C(0x8000000000000003)

static const switch_row switch_rows[] = {
    {"vtl_call_from_vtl0_with_vtl1_on_the_vp_switches_to_vtl1",
     VTL1_ON_VP, HVCALL_VTL_CALL, 0, 0, HV_STATUS_SUCCESS, VTL_HC_CALL, 1},
    {"vtl_call_with_the_fast_bit_switches_the_same",
     VTL1_ON_VP, HVCALL_VTL_CALL | FAST, 0, 0, HV_STATUS_SUCCESS, VTL_HC_CALL, 1},
    {"vtl_call_never_looks_at_rdx_or_r8",
     VTL1_ON_VP, HVCALL_VTL_CALL, GARBAGE_RDX, GARBAGE_R8, HV_STATUS_SUCCESS, VTL_HC_CALL, 1},
    {"vtl_call_fast_never_looks_at_rdx_or_r8",
     VTL1_ON_VP, HVCALL_VTL_CALL | FAST, GARBAGE_RDX, GARBAGE_R8, HV_STATUS_SUCCESS, VTL_HC_CALL, 1},
    {"vtl_call_with_only_vtl0_is_access_denied",
     ONLY_VTL0, HVCALL_VTL_CALL, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 0},
    {"vtl_call_with_vtl1_only_on_the_partition_is_access_denied",
     VTL1_ON_PARTITION, HVCALL_VTL_CALL, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 0},
    {"vtl_call_from_vtl1_is_access_denied",
     VTL1_CALLED, HVCALL_VTL_CALL, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 1},
    {"vtl_call_from_vtl1_at_boot_is_access_denied",
     VTL1_AT_BOOT, HVCALL_VTL_CALL | FAST, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 1},
    {"vtl_call_with_a_rep_count_is_invalid_input",
     VTL1_ON_VP, HVCALL_VTL_CALL | REPS(1, 0), 0, 0, HV_STATUS_INVALID_HYPERCALL_INPUT, VTL_HC_NONE, 0},
    {"vtl_return_from_vtl1_entered_by_a_call_returns_to_vtl0",
     VTL1_CALLED, HVCALL_VTL_RETURN, 0, 0, HV_STATUS_SUCCESS, VTL_HC_RETURN, 0},
    {"vtl_return_from_vtl1_entered_by_an_intercept_returns_to_vtl0",
     VTL1_INTERCEPTED, HVCALL_VTL_RETURN, 0, 0, HV_STATUS_SUCCESS, VTL_HC_RETURN, 0},
    {"vtl_return_from_vtl1_at_boot_returns_to_vtl0",
     VTL1_AT_BOOT, HVCALL_VTL_RETURN, 0, 0, HV_STATUS_SUCCESS, VTL_HC_RETURN, 0},
    {"vtl_return_ignores_the_fast_bit_rdx_and_r8",
     VTL1_CALLED, HVCALL_VTL_RETURN | FAST, GARBAGE_RDX, GARBAGE_R8, HV_STATUS_SUCCESS, VTL_HC_RETURN, 0},
    {"vtl_return_from_vtl0_is_access_denied",
     ONLY_VTL0, HVCALL_VTL_RETURN, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 0},
    {"vtl_return_from_vtl0_with_vtl1_on_the_vp_is_access_denied",
     VTL1_ON_VP, HVCALL_VTL_RETURN, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 0},
    {"vtl_return_from_vtl1_not_entered_from_below_is_access_denied",
     VTL1_NOT_FROM_BELOW, HVCALL_VTL_RETURN, 0, 0, HV_STATUS_ACCESS_DENIED, VTL_HC_NONE, 1},
    {"vtl_return_with_a_rep_start_is_invalid_input",
     VTL1_CALLED, HVCALL_VTL_RETURN | REPS(0, 1), 0, 0, HV_STATUS_INVALID_HYPERCALL_INPUT, VTL_HC_NONE, 1},
};

static void run_switch_row(void **state)
{
    fm_fixture *f = *state;
    const switch_row *r = f->row;
    fake_machine *fm = f->fm;
    arrange(fm, r->start);
    const vtl_state before = fm->st;

    vtl_hc_result res = fm_call(fm, r->control, r->rdx, r->r8);

    const unsigned code = HV_CONTROL_CODE(r->control);
    assert_int_equal(res.code, code);
    assert_string_equal(res.name, code == HVCALL_VTL_CALL ? "HvCallVtlCall" : "HvCallVtlReturn");
    assert_int_equal(res.status, r->status);
    assert_int_equal(res.reps_done, 0);
    assert_int_equal(res.rax, HV_RESULT(r->status, 0));
    assert_int_equal(res.action, r->action);
    assert_int_equal(res.next_vtl, r->next_vtl);
    /* vtl_hypercall only decides; the switch is vtl_enter_*'s. */
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->gpa_reads + fm->gpa_writes + fm->assist_reads + fm->assist_writes, 0);
}

/* ---- switch bookkeeping ------------------------------------------------------------------- */

static void enter_call_runs_vtl1_with_entry_reason_1_and_remembers_vtl0(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    vtl_enable_at_boot(&fm->st, 1);
    fill_assist_pages(fm);

    assert_int_equal(vtl_enter_call(&fm->st, &fm->ops), 1);

    assert_int_equal(fm->st.current, 1);
    assert_true(fm->st.entered_from_below);
    assert_int_equal(fm->st.return_to, 0);
    /* The u32 at +0x08 of VTL1's page, little endian, and nothing else anywhere. */
    const uint8_t reason[4] = {1, 0, 0, 0};
    assert_memory_equal(fm->assist[1] + 0x08, reason, 4);
    assert_assist_untouched_outside(fm, 1, 0x08, 4);
    assert_assist_untouched_outside(fm, 0, 0, 0);
    assert_int_equal(fm->assist_reads, 0);
}

static void enter_call_with_no_higher_vtl_changes_nothing(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm->st.partition_enabled[1] = true;
    const vtl_state before = fm->st;
    assert_int_equal(vtl_enter_call(&fm->st, &fm->ops), 0);
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->assist_writes, 0);
}

static void enter_call_from_vtl1_changes_nothing(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    const vtl_state before = fm->st;
    assert_int_equal(vtl_enter_call(&fm->st, &fm->ops), 1);
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->assist_writes, 0);
}

static void enter_return_gives_vtl0_the_rax_and_rcx_from_vtl1s_assist_page(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    vtl_enable_at_boot(&fm->st, 1);
    vtl_enter_call(&fm->st, &fm->ops);
    fill_assist_pages(fm);
    const uint8_t rax_bytes[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    const uint8_t rcx_bytes[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xF8};
    memcpy(fm->assist[1] + 0x10, rax_bytes, 8);
    memcpy(fm->assist[1] + 0x18, rcx_bytes, 8);
    memset(fm->assist[0] + 0x10, 0x99, 16);   /* VTL0's own copy must not be used */
    fm->assist_writes = 0;

    uint64_t rax = 0, rcx = 0;
    assert_int_equal(vtl_enter_return(&fm->st, &fm->ops, &rax, &rcx), 0);

    assert_int_equal(rax, UINT64_C(0x8877665544332211));
    assert_int_equal(rcx, UINT64_C(0xF807060504030201));
    assert_int_equal(fm->st.current, 0);
    assert_false(fm->st.entered_from_below);
    assert_int_equal(fm->assist_writes, 0);
}

static void enter_return_when_not_entered_from_below_changes_nothing(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    vtl_enable_at_boot(&fm->st, 1);
    const vtl_state before = fm->st;
    uint64_t rax = 0xAAAA, rcx = 0xBBBB;
    assert_int_equal(vtl_enter_return(&fm->st, &fm->ops, &rax, &rcx), 0);
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(rax, 0xAAAA);
    assert_int_equal(rcx, 0xBBBB);
    assert_int_equal(fm->assist_reads + fm->assist_writes, 0);
}

/* The emulator's loop: vtl_hypercall decides, vtl_enter_* switches. */
static void call_and_return_twice_alternate_vtls_and_entry_reasons(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    vtl_enable_at_boot(&fm->st, 1);
    for (int round = 0; round < 2; round++) {
        vtl_hc_result r = fm_call(fm, HVCALL_VTL_CALL, 0, 0);
        assert_int_equal(r.action, VTL_HC_CALL);
        memset(fm->assist[1] + 0x08, 0, 4);
        assert_int_equal(vtl_enter_call(&fm->st, &fm->ops), r.next_vtl);
        assert_int_equal(fm_assist_u32(fm, 1, 0x08), HV_ENTRY_REASON_VTL_CALL);

        fm->assist[1][0x10] = (uint8_t)(0x40 + round);
        r = fm_call(fm, HVCALL_VTL_RETURN, 0, 0);
        assert_int_equal(r.action, VTL_HC_RETURN);
        uint64_t rax, rcx;
        assert_int_equal(vtl_enter_return(&fm->st, &fm->ops, &rax, &rcx), r.next_vtl);
        assert_int_equal(fm->st.current, 0);
        assert_int_equal(rax & 0xFF, 0x40 + round);

        r = fm_call(fm, HVCALL_VTL_RETURN, 0, 0);   /* VTL0 has no one to return to */
        assert_int_equal(r.status, HV_STATUS_ACCESS_DENIED);
    }
}

static void secure_kernel_boot_return_then_vtl0_call_round_trip(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm_run_in_vtl1(fm);
    uint64_t rax, rcx;
    assert_int_equal(fm_call(fm, HVCALL_VTL_RETURN, 0, 0).action, VTL_HC_RETURN);
    assert_int_equal(vtl_enter_return(&fm->st, &fm->ops, &rax, &rcx), 0);
    assert_int_equal(fm_call(fm, HVCALL_VTL_CALL, 0, 0).action, VTL_HC_CALL);
    assert_int_equal(vtl_enter_call(&fm->st, &fm->ops), 1);
    assert_true(fm->st.entered_from_below);
    assert_int_equal(fm->st.return_to, 0);
}

/* ---- secure intercepts ------------------------------------------------------------------- */

static const uint8_t insn[] = {0x48, 0x89, 0x07};        /* mov [rdi], rax */
static const hv_segment cs_user = {
    .base = UINT64_C(0xDEAD0000), .limit = 0xFFFFFFFF, .selector = 0x2B, .attributes = 0xA0FB,
};

#define I_RIP    UINT64_C(0x00007FF612345678)
#define I_RFLAGS UINT64_C(0x0000000000010246)
#define I_GVA    UINT64_C(0xFFFF800000ABC123)
#define I_GPA    UINT64_C(0x0000000000ABC123)

static void intercept_vtl0(fake_machine *fm)
{
    hv_message msg;
    vtl_build_gpa_intercept(&msg, I_RIP, I_RFLAGS, &cs_user, 3, HV_INTERCEPT_ACCESS_WRITE, I_GVA, I_GPA,
                            insn, sizeof(insn));
    vtl_enable_at_boot(&fm->st, 1);
    fill_assist_pages(fm);
    assert_int_equal(vtl_enter_intercept(&fm->st, &fm->ops, &msg), 1);
}

/* One row per field: the raw bytes at its offset in VTL1's assist page after the
 * intercept of VTL0 above (little endian). */
typedef struct offset_row {
    const char *name;
    unsigned offset;        /* in the assist page */
    unsigned size;
    uint64_t value;
} offset_row;

static const offset_row offset_rows[] = {
    {"intercept_entry_reason_3_is_the_u32_at_assist_0x08", 0x08, 4, 3},
    {"intercept_message_type_0x80000001_is_at_assist_0x70", MSG_AT + 0x00, 4, 0x80000001u},
    {"intercept_payload_size_0x50_is_the_byte_at_assist_0x74", MSG_AT + 0x04, 1, 0x50},
    {"intercept_message_flags_are_zero_at_assist_0x75", MSG_AT + 0x05, 1, 0},
    {"intercept_message_reserved_is_zero_at_assist_0x76", MSG_AT + 0x06, 2, 0},
    {"intercept_sender_is_zero_at_assist_0x78", MSG_AT + 0x08, 8, 0},
    {"intercept_vp_index_0_is_at_payload_0x00", PAYLOAD_AT + 0x00, 4, 0},
    {"intercept_instruction_length_is_the_byte_at_payload_0x04", PAYLOAD_AT + 0x04, 1, 3},
    {"intercept_access_write_is_the_byte_at_payload_0x05", PAYLOAD_AT + 0x05, 1, 1},
    {"intercept_execution_state_cpl_3_is_at_payload_0x06", PAYLOAD_AT + 0x06, 2, 3},
    {"intercept_cs_base_is_at_payload_0x08", PAYLOAD_AT + 0x08, 8, 0xDEAD0000},
    {"intercept_cs_limit_is_at_payload_0x10", PAYLOAD_AT + 0x10, 4, 0xFFFFFFFF},
    {"intercept_cs_selector_is_at_payload_0x14", PAYLOAD_AT + 0x14, 2, 0x2B},
    {"intercept_cs_attributes_are_at_payload_0x16", PAYLOAD_AT + 0x16, 2, 0xA0FB},
    {"intercept_rip_is_at_payload_0x18", PAYLOAD_AT + 0x18, 8, I_RIP},
    {"intercept_rflags_is_at_payload_0x20", PAYLOAD_AT + 0x20, 8, I_RFLAGS},
    {"intercept_cache_type_is_zero_at_payload_0x28", PAYLOAD_AT + 0x28, 4, 0},
    {"intercept_instruction_byte_count_is_at_payload_0x2c", PAYLOAD_AT + 0x2C, 1, 3},
    {"intercept_access_info_is_zero_at_payload_0x2d", PAYLOAD_AT + 0x2D, 1, 0},
    {"intercept_payload_pad_is_zero_at_payload_0x2e", PAYLOAD_AT + 0x2E, 2, 0},
    {"intercept_gva_is_at_assist_0xb0_payload_0x30", 0x70 + 0x10 + 0x30, 8, I_GVA},
    {"intercept_gpa_is_at_assist_0xb8_payload_0x38", 0x70 + 0x10 + 0x38, 8, I_GPA},
    {"intercept_instruction_bytes_start_at_payload_0x40", PAYLOAD_AT + 0x40, 4, 0x00078948},
    {"intercept_instruction_bytes_are_zero_padded_to_payload_0x50", PAYLOAD_AT + 0x48, 8, 0},
};

static void run_offset_row(void **state)
{
    fm_fixture *f = *state;
    const offset_row *r = f->row;
    fake_machine *fm = f->fm;
    intercept_vtl0(fm);
    uint8_t expect[8];
    for (unsigned i = 0; i < r->size; i++)
        expect[i] = (uint8_t)(r->value >> (8 * i));
    assert_memory_equal(fm->assist[1] + r->offset, expect, r->size);
}

static void intercept_writes_only_the_entry_reason_and_the_0x60_byte_message(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    intercept_vtl0(fm);
    assert_true(fm_all_bytes(fm->assist[1], 0x08, UNTOUCHED));
    assert_true(fm_all_bytes(fm->assist[1] + 0x0C, MSG_AT - 0x0C, UNTOUCHED));
    assert_true(fm_all_bytes(fm->assist[1] + MSG_AT + 0x60, PAGE_SIZE - MSG_AT - 0x60, UNTOUCHED));
    assert_true(fm_all_bytes(fm->assist[0], PAGE_SIZE, UNTOUCHED));
    assert_int_equal(fm->assist_reads, 0);
}

static void intercept_runs_vtl1_and_remembers_vtl0_for_vtl_return(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    intercept_vtl0(fm);
    assert_int_equal(fm->st.current, 1);
    assert_true(fm->st.entered_from_below);
    assert_int_equal(fm->st.return_to, 0);
    vtl_hc_result r = fm_call(fm, HVCALL_VTL_RETURN, 0, 0);
    assert_int_equal(r.action, VTL_HC_RETURN);
    assert_int_equal(r.next_vtl, 0);
}

static void intercept_with_no_higher_vtl_changes_nothing_and_writes_nothing(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    fm->st.partition_enabled[1] = true;   /* not on the VP: nobody to take the intercept */
    hv_message msg;
    vtl_build_gpa_intercept(&msg, 0, 2, NULL, 0, HV_INTERCEPT_ACCESS_READ, 0, 0, NULL, 0);
    const vtl_state before = fm->st;
    assert_int_equal(vtl_enter_intercept(&fm->st, &fm->ops, &msg), 0);
    fm_assert_state_equal(&fm->st, &before);
    assert_int_equal(fm->assist_writes, 0);
}

static void vtl_call_after_an_intercept_overwrites_the_entry_reason_with_1(void **state)
{
    fm_fixture *f = *state;
    fake_machine *fm = f->fm;
    intercept_vtl0(fm);
    assert_int_equal(fm_assist_u32(fm, 1, 0x08), 3);
    uint64_t rax, rcx;
    vtl_enter_return(&fm->st, &fm->ops, &rax, &rcx);
    vtl_enter_call(&fm->st, &fm->ops);
    assert_int_equal(fm_assist_u32(fm, 1, 0x08), 1);
    assert_int_equal(fm_assist_u64(fm, 1, PAYLOAD_AT + 0x30), I_GVA);   /* message left as it was */
}

/* ---- the message builder alone --------------------------------------------------------------- */

static hv_message built(uint64_t rip, const hv_segment *cs, unsigned cpl, unsigned access,
                        const uint8_t *bytes, unsigned len)
{
    hv_message m;
    memset(&m, 0xAA, sizeof(m));   /* every byte must be written */
    vtl_build_gpa_intercept(&m, rip, 0x2, cs, cpl, access, 0x1234, 0x5678, bytes, len);
    return m;
}

static void message_builder_writes_all_0x60_bytes(void **state)
{
    (void)state;
    hv_message m = built(0, NULL, 0, HV_INTERCEPT_ACCESS_READ, NULL, 0);
    hv_message z;
    memset(&z, 0, sizeof(z));
    z.type = HV_MESSAGE_GPA_INTERCEPT;
    z.payload_size = 0x50;
    z.gpa.rflags = 0x2;
    z.gpa.gva = 0x1234;
    z.gpa.gpa = 0x5678;
    assert_memory_equal(&m, &z, sizeof(m));
}

static void message_builder_copies_16_of_17_instruction_bytes(void **state)
{
    (void)state;
    uint8_t bytes[17];
    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = (uint8_t)(0xC0 + i);
    hv_message m = built(0, NULL, 0, 0, bytes, 17);
    assert_memory_equal(m.gpa.insn_bytes, bytes, 16);
    assert_int_equal(m.gpa.insn_byte_count, 16);
    assert_int_equal(m.gpa.insn_length, 17 & 0xF);
}

static void message_builder_keeps_15_as_the_instruction_length(void **state)
{
    (void)state;
    uint8_t bytes[15] = {0x66};
    hv_message m = built(0, NULL, 0, 0, bytes, 15);
    assert_int_equal(m.gpa.insn_length, 15);
    assert_int_equal(m.gpa.insn_byte_count, 15);
    assert_int_equal(m.gpa.insn_bytes[15], 0);
}

static void message_builder_keeps_only_the_low_2_bits_of_cpl(void **state)
{
    (void)state;
    assert_int_equal(built(0, NULL, 7, 0, NULL, 0).gpa.exec_state, 3);
    assert_int_equal(built(0, NULL, 4, 0, NULL, 0).gpa.exec_state, 0);
}

static void message_builder_records_execute_access_and_cs(void **state)
{
    (void)state;
    const hv_segment cs = {.base = 0x1000, .limit = 0xFFFFF, .selector = 0x08, .attributes = 0xA09B};
    hv_message m = built(0xFFFFF80000001000, &cs, 0, HV_INTERCEPT_ACCESS_EXECUTE, insn, sizeof(insn));
    assert_int_equal(m.gpa.access, 2);
    assert_memory_equal(&m.gpa.cs, &cs, sizeof(cs));
    assert_int_equal(m.gpa.rip, UINT64_C(0xFFFFF80000001000));
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(new_state_has_only_vtl0_enabled_and_running),
        cmocka_unit_test(enable_at_boot_enables_vtl1_for_partition_and_vp_without_switching),
        cmocka_unit_test(enable_at_boot_of_a_vtl_that_does_not_exist_changes_nothing),
        cmocka_unit_test(boot_enter_runs_vtl1_as_though_vtl0_had_called_it),
        cmocka_unit_test(boot_enter_of_a_vtl_not_enabled_changes_nothing),
        cmocka_unit_test(higher_enabled_names_vtl1_only_once_it_is_on_the_vp),
        T(enter_call_runs_vtl1_with_entry_reason_1_and_remembers_vtl0),
        T(enter_call_with_no_higher_vtl_changes_nothing),
        T(enter_call_from_vtl1_changes_nothing),
        T(enter_return_gives_vtl0_the_rax_and_rcx_from_vtl1s_assist_page),
        T(enter_return_when_not_entered_from_below_changes_nothing),
        T(call_and_return_twice_alternate_vtls_and_entry_reasons),
        T(secure_kernel_boot_return_then_vtl0_call_round_trip),
        T(intercept_writes_only_the_entry_reason_and_the_0x60_byte_message),
        T(intercept_runs_vtl1_and_remembers_vtl0_for_vtl_return),
        T(intercept_with_no_higher_vtl_changes_nothing_and_writes_nothing),
        T(vtl_call_after_an_intercept_overwrites_the_entry_reason_with_1),
        cmocka_unit_test(message_builder_writes_all_0x60_bytes),
        cmocka_unit_test(message_builder_copies_16_of_17_instruction_bytes),
        cmocka_unit_test(message_builder_keeps_15_as_the_instruction_length),
        cmocka_unit_test(message_builder_keeps_only_the_low_2_bits_of_cpl),
        cmocka_unit_test(message_builder_records_execute_access_and_cs),
    };
    struct CMUnitTest tests[ARRAY_LEN(switch_rows) + ARRAY_LEN(offset_rows) + ARRAY_LEN(fixed)];
    size_t n = 0;
    ADD_ROWS(switch_rows, run_switch_row);
    ADD_ROWS(offset_rows, run_offset_row);
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
        tests[n++] = fixed[i];
    return _cmocka_run_group_tests("vtl_vp", tests, n, NULL, NULL);
}
