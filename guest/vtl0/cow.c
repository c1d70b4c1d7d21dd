/* Stage 2: a shared library page used by both VTLs, shared copy-on-write.
 *
 * The library page lives in the secure kernel's image and VTL1 runs it in place.
 * SC_SHARE_LIBRARY gives VTL0 the same frame, readable and executable, with vtlemu's
 * copy-on-write flag: VTL0 maps it, runs it (same bytes as VTL1), then patches it
 * through its direct map. That first write gets VTL0 a private copy of the page; VTL0
 * now runs its patch, while VTL1 (SC_RUN_LIBRARY) still runs the original bytes. The
 * library prints a banner, so the console shows which bytes each VTL ran, tagged with
 * the VTL that printed it. */
#include <stdint.h>

#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/uart.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/paging.h"
#include "guest/vtl0/securecall.h"

#define PATCHED_ANSWER 1337

/* mov eax, 1337; ret */
static const uint8_t patch_code[6] = { 0xb8, PATCHED_ANSWER & 0xff, PATCHED_ANSWER >> 8, 0, 0, 0xc3 };
static const char patch_banner[] = "shlib: running VTL0's patched copy\n";
_Static_assert(sizeof patch_banner <= SHLIB_BANNER_MAX, "banner slot");

void cow_run(void)
{
    uint64_t gpa = 0, before_n = 0, after_n = 0;
    uint64_t st = secure_call(SC_SHARE_LIBRARY, 0, 0, 0, &gpa);
    bool shared = st == SC_OK && gpa == demo_env.vtl1_start + SK_OFF_SHLIB;
    uart_printf("vtl0: VTL1 shared the library page at GPA %016lx: status %lu\n", gpa, st);
    demo_check("VTL1 shared the library page copy-on-write", shared, DEMO_EXIT_COW_SHARE);
    if (!shared)
        return;

    paging_map(SHLIB_VA, gpa, 0);                   /* executable, not writable */
    int (*greet)(void) = (int (*)(void))SHLIB_VA;

    int first = greet();
    uart_printf("vtl0: the library returned %d in VTL0 (VTL1's frame, unchanged)\n", first);
    demo_check("VTL0 ran the shared library page", first == SHLIB_ANSWER, DEMO_EXIT_COW_RUN);

    secure_call(SC_STATS, 0, 0, 0, &before_n);
    uint8_t *lib = phys_to_virt(gpa);
    memcpy(lib + SHLIB_OFF_ANSWER, patch_code, sizeof patch_code);
    memcpy(lib + SHLIB_OFF_BANNER, patch_banner, sizeof patch_banner);
    secure_call(SC_STATS, 0, 0, 0, &after_n);
    uart_printf("vtl0: patched the library through the direct map (%lu intercepts: a "
                "copy-on-write break, not a violation)\n", after_n - before_n);

    int second = greet();
    uart_printf("vtl0: the library returned %d in VTL0 after the patch\n", second);
    demo_check("VTL0 runs its own patched copy, without an intercept",
               second == PATCHED_ANSWER && after_n == before_n, DEMO_EXIT_COW_PATCH);

    uint64_t in_vtl1 = 0;
    st = secure_call(SC_RUN_LIBRARY, 0, 0, 0, &in_vtl1);
    uart_printf("vtl0: VTL1 ran its copy of the library: status %lu, returned %ld\n", st,
                (int64_t)in_vtl1);
    demo_check("VTL1 still runs the original library bytes",
               st == SC_OK && in_vtl1 == SHLIB_ANSWER, DEMO_EXIT_COW_VTL1);
}
