/* The hypercalls the secure kernel makes, through the hypercall page from the boot
 * info. Inputs and outputs are page-aligned buffers in the image: their GVA is their GPA
 * (identity map), and VTL0 cannot see or change them while a call reads them. */
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/sk/sk.h"

uint64_t sk_hypercall_page;         /* switch.asm calls through it too */

static uint8_t input[4096] __attribute__((aligned(4096)));
static uint8_t output[4096] __attribute__((aligned(4096)));

/* GPA page numbers that fit one input page after the 16-byte header. */
#define PROTECT_BATCH ((sizeof input - sizeof(struct hv_modify_vtl_protection_mask)) / 8)

void hv_init(uint64_t hypercall_page)
{
    sk_hypercall_page = hypercall_page;
}

/* Issues a rep call for reps [0, count) and re-issues it from the reps completed
 * (RAX 43:32) for as long as the hypervisor stops part way with success, as the TLFS
 * asks callers to. Returns the status of the last call. */
static unsigned rep_call(unsigned code, unsigned count, const char *what)
{
    unsigned start = 0;
    for (;;) {
        uint64_t rax = hv_hypercall((const void *)sk_hypercall_page,
                                    code | HV_CONTROL_REPS(count, start),
                                    (uint64_t)input, (uint64_t)output);
        unsigned status = HV_RESULT_STATUS(rax), done = HV_RESULT_REPS(rax);
        if (status != HV_STATUS_SUCCESS) {
            SK_LOG("%s: status 0x%x after %u of %u reps\n", what, status, done, count);
            return status;
        }
        if (done >= count)
            return status;
        if (done <= start) {        /* success without progress: do not spin */
            SK_LOG("%s: no progress (%u of %u reps)\n", what, done, count);
            return HV_STATUS_INVALID_PARAMETER;
        }
        SK_LOG("%s: partial completion, %u of %u reps done; resuming\n", what, done, count);
        start = done;
    }
}

unsigned hv_protect_vtl0(uint64_t gpa, uint64_t pages, uint32_t flags)
{
    struct hv_modify_vtl_protection_mask *in = (void *)input;
    while (pages) {
        unsigned n = pages > PROTECT_BATCH ? PROTECT_BATCH : (unsigned)pages;
        memset(in, 0, sizeof *in);
        in->partition_id = HV_PARTITION_ID_SELF;
        in->map_flags = flags;
        in->target_vtl = 0;
        for (unsigned i = 0; i < n; i++)
            in->gpa_page[i] = (gpa >> 12) + i;
        unsigned status = rep_call(HVCALL_MODIFY_VTL_PROTECTION_MASK, n,
                                   "HvCallModifyVtlProtectionMask");
        if (status != HV_STATUS_SUCCESS)
            return status;
        gpa += (uint64_t)n * PAGE_SIZE;
        pages -= n;
    }
    return HV_STATUS_SUCCESS;
}

static void vp_header(void)
{
    struct hv_vp_registers *h = (void *)input;
    memset(h, 0, sizeof *h);
    h->partition_id = HV_PARTITION_ID_SELF;
    h->vp_index = HV_VP_INDEX_SELF;
    h->input_vtl = HV_INPUT_VTL(0);
}

unsigned hv_set_vtl0_regs(const uint32_t *names, const uint64_t *values, unsigned count)
{
    vp_header();
    struct hv_register_assoc *a = (void *)(input + sizeof(struct hv_vp_registers));
    for (unsigned i = 0; i < count; i++)
        a[i] = (struct hv_register_assoc){ .name = names[i], .value_low = values[i] };
    return rep_call(HVCALL_SET_VP_REGISTERS, count, "HvCallSetVpRegisters");
}

unsigned hv_get_vtl0_regs(const uint32_t *names, uint64_t *values, unsigned count)
{
    vp_header();
    uint32_t *n = (void *)(input + sizeof(struct hv_vp_registers));
    for (unsigned i = 0; i < count; i++)
        n[i] = names[i];
    unsigned status = rep_call(HVCALL_GET_VP_REGISTERS, count, "HvCallGetVpRegisters");
    for (unsigned i = 0; i < count; i++)            /* 16-byte values, low half used */
        values[i] = ((const uint64_t *)output)[2 * i];
    return status;
}

unsigned hv_assign_device(uint16_t requester_id, unsigned vtl)
{
    struct hv_vtlemu_assign_device *in = (void *)input;
    memset(in, 0, sizeof *in);
    in->partition_id = HV_PARTITION_ID_SELF;
    in->requester_id = requester_id;
    in->target_vtl = (uint8_t)vtl;
    uint64_t rax = hv_hypercall((const void *)sk_hypercall_page, HVCALL_VTLEMU_ASSIGN_DEVICE,
                                (uint64_t)input, 0);
    unsigned status = HV_RESULT_STATUS(rax);
    if (status != HV_STATUS_SUCCESS)
        SK_LOG("HvCallVtlemuAssignDevice: status 0x%x\n", status);
    return status;
}
