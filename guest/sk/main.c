/* The secure kernel: boots first in VTL1 (DESIGN.md §3), makes itself at home (GDT,
 * IDT, page tables), enrolls the credential, takes its image away from VTL0 and
 * returns to VTL0, which then boots. From then on VTL1 only runs when VTL0 makes a
 * secure call or touches memory VTL1 protected: each entry resumes in the dispatch
 * loop below, right after the VtlReturn that left it. */
#include "guest/lib/bootinfo.h"
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/vtlemu.h"
#include "guest/sk/sk.h"

struct sk_boot sk_boot;

void sk_main(uint64_t boot_info_gpa);

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

bool sk_is_vtl0_memory(uint64_t gpa, uint64_t len)
{
    if (len == 0 || gpa >= sk_boot.ram_size || len > sk_boot.ram_size - gpa)
        return false;
    return !overlaps(gpa, len, sk_boot.image_start, sk_boot.image_end - sk_boot.image_start) &&
           !overlaps(gpa, len, sk_boot.loader_start, sk_boot.loader_end - sk_boot.loader_start);
}

/* The boot-info page is in VTL1's loader area; keep what is needed and check it. */
static void read_boot_info(const struct boot_info *bi)
{
    if (bi->version < 1 || bi->vtl != 1)
        sk_fatal(SK_EXIT_BOOT, "boot info v%lu is for VTL%lu, not VTL1", bi->version, bi->vtl);
    sk_boot = (struct sk_boot){
        .ram_size = bi->ram_size,
        .image_start = bi->vtl1_start,
        .image_end = bi->vtl1_end,
        .loader_start = bi->loader_start,
        .loader_end = bi->loader_end,
        .hypercall_page = bi->hypercall_page,
        .assist = (struct hv_vp_assist *)bi->vp_assist_page,
        .cmdline = (const char *)bi->cmdline,
    };
    /* What main protects below must be this very image. */
    if (sk_boot.image_start != (uint64_t)__sk_start || sk_boot.image_end < (uint64_t)__sk_end)
        sk_fatal(SK_EXIT_BOOT, "boot info says the image is 0x%lx-0x%lx, linked 0x%lx-0x%lx",
                 sk_boot.image_start, sk_boot.image_end, (uint64_t)__sk_start,
                 (uint64_t)__sk_end);
}

static void protect_image(void)
{
    uint64_t start = sk_boot.image_start & ~(PAGE_SIZE - 1);
    uint64_t pages = (sk_boot.image_end - start + PAGE_SIZE - 1) / PAGE_SIZE;
    if (hv_protect_vtl0(start, pages, HV_MAP_NONE) != HV_STATUS_SUCCESS)
        sk_fatal(SK_EXIT_BOOT, "could not protect the image from VTL0");
    SK_LOG("image 0x%lx-0x%lx (%lu pages: credential, library, code, data, page tables, "
           "stacks) is no-access for VTL0\n", start, start + pages * PAGE_SIZE, pages);
    SK_LOG("loader area 0x%lx-0x%lx (boot info, VP assist page) was never VTL0's\n",
           sk_boot.loader_start, sk_boot.loader_end);
}

void sk_main(uint64_t boot_info_gpa)
{
    read_boot_info((const struct boot_info *)boot_info_gpa);
    SK_LOG("secure kernel at 0x%lx-0x%lx, RAM %lu MiB, VP assist page 0x%lx\n",
           sk_boot.image_start, sk_boot.image_end, sk_boot.ram_size >> 20,
           (uint64_t)sk_boot.assist);

    cpu_init();
    paging_init();
    hv_init(sk_boot.hypercall_page);
    credential_provision();
    protect_image();
    if (has_word(sk_boot.cmdline, "sk.policy=stop"))
        sk_policy = SC_POLICY_STOP;

    SK_LOG("ready (intercept policy: %s); returning to VTL0 to boot it\n",
           sk_policy == SC_POLICY_STOP ? "stop" : "skip");

    /* VTL0 starts from its own entry state the first time; later it resumes with what
     * these hold. Nothing of VTL1's goes out in them. */
    struct vtl0_regs r;
    memset(&r, 0, sizeof r);
    sk_boot.assist->vtl_ret_rax = 0;
    sk_boot.assist->vtl_ret_rcx = 0;
    for (;;) {
        sk_vtl_return(&r);
        uint32_t reason = ((volatile struct hv_vp_assist *)sk_boot.assist)->entry_reason;
        switch (reason) {
        case HV_ENTRY_VTL_CALL:
            sc_dispatch(&r);
            break;
        case HV_ENTRY_INTERCEPT:
            intercept_handle(&r);
            break;
        case HV_ENTRY_INTERRUPT:        /* nothing to deliver: VTL0 just continues */
            sk_boot.assist->vtl_ret_rax = r.rax;
            sk_boot.assist->vtl_ret_rcx = r.rcx;
            break;
        default:
            sk_fatal(SK_EXIT_ENTRY, "entered with unknown reason %u", reason);
        }
    }
}
