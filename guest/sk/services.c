/* The secure-call service table (guest/lib/securecall.h, docs/secure-calls.md). VTL0
 * passes the service in RDX and arguments in R8-R10; the status and value go back
 * through the VP assist page, from which VtlReturn loads VTL0's RAX and RCX. Every
 * argument is VTL0's choice, so each service checks it before acting. */
#include "guest/lib/securecall.h"
#include "guest/sk/sk.h"

unsigned sk_policy = SC_POLICY_SKIP;

static const char *const service_names[SC_SERVICE_COUNT] = {
    [SC_STATS] = "stats",
    [SC_VERIFY_CREDENTIAL] = "verify credential",
    [SC_PROTECT_READONLY] = "protect read-only",
    [SC_SHARE_LIBRARY] = "share library",
    [SC_RUN_LIBRARY] = "run library",
    [SC_SET_POLICY] = "set policy",
    [SC_DMA_ASSIGN] = "dma assign",
    [SC_DMA_CHECK] = "dma check",
};

static uint64_t protect_readonly(uint64_t gpa, uint64_t pages)
{
    if (gpa % PAGE_SIZE || pages == 0 || pages > sk_boot.ram_size / PAGE_SIZE ||
        !sk_is_vtl0_memory(gpa, pages * PAGE_SIZE))
        return SC_E_INVALID;
    unsigned st = hv_protect_vtl0(gpa, pages, HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXEC |
                                                  HV_MAP_GPA_USER_EXEC);
    if (st != HV_STATUS_SUCCESS)
        return SC_E_HYPERCALL;
    SK_LOG("VTL0 pages 0x%lx-0x%lx are read-only for VTL0 now\n", gpa, gpa + pages * PAGE_SIZE);
    return SC_OK;
}

/* VTL0 gets the page readable and executable on the same frame as VTL1; its first
 * write gets it a private copy (vtlemu's copy-on-write extension), so nothing VTL0
 * does can change the bytes VTL1 runs. */
static uint64_t share_library(uint64_t *gpa)
{
    *gpa = (uint64_t)__shlib_start;
    unsigned st = hv_protect_vtl0(*gpa, 1, HV_MAP_FULL | HV_MAP_VTLEMU_COW_SHARE);
    if (st != HV_STATUS_SUCCESS)
        return SC_E_HYPERCALL;
    SK_LOG("shared library page 0x%lx shared copy-on-write with VTL0\n", *gpa);
    return SC_OK;
}

static uint64_t set_policy(uint64_t policy)
{
    if (policy != SC_POLICY_SKIP && policy != SC_POLICY_STOP)
        return SC_E_INVALID;
    if (policy < sk_policy)
        return SC_E_DENIED;             /* VTL0 may tighten the policy, never loosen it */
    sk_policy = (unsigned)policy;
    SK_LOG("intercept policy: %s\n", sk_policy == SC_POLICY_STOP ? "stop the machine" : "skip");
    return SC_OK;
}

void sc_dispatch(struct vtl0_regs *r)
{
    uint64_t status = SC_OK, value = 0;
    switch (r->rdx) {
    case SC_STATS:
        value = sk_intercepts;
        break;
    case SC_VERIFY_CREDENTIAL:
        value = credential_verify(r->r8, r->r9, r->r10);
        SK_LOG("credential check for challenge 0x%016lx: %s\n", r->r8,
               value ? "response correct" : "WRONG response");
        break;
    case SC_PROTECT_READONLY:
        status = protect_readonly(r->r8, r->r9);
        break;
    case SC_SHARE_LIBRARY:
        status = share_library(&value);
        break;
    case SC_RUN_LIBRARY:
        value = (uint64_t)(int64_t)shlib_greet();
        SK_LOG("library function returned %ld in VTL1\n", (int64_t)value);
        break;
    case SC_SET_POLICY:
        status = set_policy(r->r8);
        break;
    case SC_DMA_ASSIGN:
        if (r->r8 == SC_DMA_TAKE)
            status = sk_dma_take(&value);
        else if (r->r8 == SC_DMA_GIVE_BACK)
            status = sk_dma_give_back();
        else
            status = SC_E_INVALID;
        break;
    case SC_DMA_CHECK:
        status = sk_dma_check(&value);
        break;
    default:
        status = SC_E_NO_SERVICE;
        break;
    }
    if (r->rdx != SC_STATS && status != SC_OK)
        SK_LOG("secure call %lu (%s) refused: status %lu\n", r->rdx,
               r->rdx < SC_SERVICE_COUNT ? service_names[r->rdx] : "unknown", status);
    sk_boot.assist->vtl_ret_rax = status;
    sk_boot.assist->vtl_ret_rcx = value;
}
