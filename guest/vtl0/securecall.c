#include "guest/vtl0/securecall.h"

#include "guest/lib/uart.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/paging.h"

/* securecall_entry.asm */
uint64_t sc_vtl_call(uint64_t service, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t hypercall_va, uint64_t *value);

static bool available;

bool securecall_init(const struct boot_info *bi)
{
    if (bi->vtl1_start == 0)
        return false;
    /* The direct map is never executable; the page gets a mapping of its own. */
    paging_map(HYPERCALL_VA, bi->hypercall_page, 0);
    available = true;
    uart_printf("vtl0: secure kernel present at GPA %016lx-%016lx; hypercall page %016lx "
                "mapped at %016lx\n", bi->vtl1_start, bi->vtl1_end, bi->hypercall_page,
                HYPERCALL_VA);
    return true;
}

bool securecall_available(void)
{
    return available;
}

uint64_t secure_call(uint64_t service, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t *value)
{
    uint64_t v = 0, status = SC_E_NO_SERVICE;
    if (available)
        status = sc_vtl_call(service, a0, a1, a2, HYPERCALL_VA, &v);
    if (value)
        *value = v;
    return status;
}
