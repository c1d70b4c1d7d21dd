/* Secure intercepts: VTL0 touched a page its SLAT denies (the secure kernel's image,
 * VTL1's loader area, a page made read-only). The access did not happen; VTL0's RIP is
 * still on the instruction. The policy decides what follows:
 *   skip  - read or write: VTL0 resumes after the instruction, which thus did nothing
 *           (a load leaves its destination register unchanged);
 *           execute: there is no instruction to skip (the fetch itself failed), so VTL0
 *           resumes as if the called code had returned at once: RIP = the return
 *           address on VTL0's stack, RSP + 8;
 *   stop  - the run ends with SK_EXIT_POLICY_STOP.
 * Every intercept is one console line. */
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/vtlemu.h"
#include "guest/sk/sk.h"

#define PTE_P     (1ull << 0)
#define PTE_PS    (1ull << 7)
#define PTE_ADDR  0x000ffffffffff000ull

uint64_t sk_intercepts;

static const char *const access_names[] = { "read", "write", "execute" };

/* VTL0's GVA -> GPA through VTL0's own page tables (4-level). Every table entry read is
 * checked to be VTL0 memory: VTL0 chooses CR3 and the entries, and must not get VTL1 to
 * read its own memory for it. */
static bool vtl0_translate(uint64_t cr3, uint64_t va, uint64_t *gpa)
{
    uint64_t table = cr3 & PTE_ADDR;
    for (int level = 4; level >= 1; level--) {
        unsigned shift = 12 + 9 * (level - 1);
        uint64_t entry_gpa = table + ((va >> shift) & 511) * 8;
        if (!sk_is_vtl0_memory(entry_gpa, 8))
            return false;
        uint64_t e = *(const volatile uint64_t *)entry_gpa;
        if (!(e & PTE_P))
            return false;
        if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
            uint64_t size = 1ull << shift;
            *gpa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
            return true;
        }
        table = e & PTE_ADDR;
    }
    return false;
}

/* Execute policy: pop VTL0's return address into RIP. */
static uint64_t return_to_caller(void)
{
    static const uint32_t get[2] = { HV_REG_RSP, HV_REG_CR3 };
    uint64_t v[2], gpa;
    if (hv_get_vtl0_regs(get, v, 2) != HV_STATUS_SUCCESS)
        sk_fatal(SK_EXIT_UNRECOVERABLE, "cannot read VTL0's RSP and CR3");
    uint64_t rsp = v[0], cr3 = v[1];
    if (rsp % 8 || !vtl0_translate(cr3, rsp, &gpa) || !sk_is_vtl0_memory(gpa, 8))
        sk_fatal(SK_EXIT_UNRECOVERABLE, "VTL0's stack at 0x%lx holds no return address VTL1 "
                 "may read", rsp);
    uint64_t ret = *(const volatile uint64_t *)gpa;

    static const uint32_t set[2] = { HV_REG_RIP, HV_REG_RSP };
    uint64_t nv[2] = { ret, rsp + 8 };
    if (hv_set_vtl0_regs(set, nv, 2) != HV_STATUS_SUCCESS)
        sk_fatal(SK_EXIT_UNRECOVERABLE, "cannot set VTL0's RIP and RSP");
    return ret;
}

void intercept_handle(struct vtl0_regs *r)
{
    struct hv_message m;
    memcpy(&m, (const void *)&sk_boot.assist->intercept, sizeof m);
    sk_intercepts++;

    /* VtlReturn loads VTL0's RAX and RCX from here: give back its own. */
    sk_boot.assist->vtl_ret_rax = r->rax;
    sk_boot.assist->vtl_ret_rcx = r->rcx;

    if (m.type != HV_MESSAGE_GPA_INTERCEPT || m.gpa.access > HV_ACCESS_EXECUTE)
        sk_fatal(SK_EXIT_ENTRY, "intercept message of type 0x%x, access %u", m.type,
                 m.gpa.access);
    const struct hv_gpa_intercept *g = &m.gpa;
    const char *access = access_names[g->access];
    unsigned len = g->insn_length & 0xF;

    if (sk_policy == SC_POLICY_STOP) {
        SK_LOG("blocked VTL0 %s of GPA 0x%lx (GVA 0x%lx) at RIP 0x%lx: policy is stop, "
               "ending the run\n", access, g->gpa, g->gva, g->rip);
        vtlemu_exit(SK_EXIT_POLICY_STOP);
    }

    if (g->access == HV_ACCESS_EXECUTE) {
        uint64_t ret = return_to_caller();
        SK_LOG("blocked VTL0 %s of GPA 0x%lx (GVA 0x%lx) at RIP 0x%lx: returned to the "
               "caller at 0x%lx\n", access, g->gpa, g->gva, g->rip, ret);
        return;
    }

    if (len == 0)
        sk_fatal(SK_EXIT_UNRECOVERABLE, "VTL0 %s of GPA 0x%lx at RIP 0x%lx: no instruction "
                 "length to skip", access, g->gpa, g->rip);
    static const uint32_t rip_name[1] = { HV_REG_RIP };
    uint64_t next = g->rip + len;
    if (hv_set_vtl0_regs(rip_name, &next, 1) != HV_STATUS_SUCCESS)
        sk_fatal(SK_EXIT_UNRECOVERABLE, "cannot set VTL0's RIP");
    SK_LOG("blocked VTL0 %s of GPA 0x%lx (GVA 0x%lx) at RIP 0x%lx: skipped the %u-byte "
           "instruction\n", access, g->gpa, g->gva, g->rip, len);
}
