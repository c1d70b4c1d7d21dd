/* The VTL0 side of secure calls (guest/lib/securecall.h has the ABI and the service
 * table): a VtlCall through the hypercall page with the service in RDX and arguments in
 * R8-R10. */
#ifndef VTL0_SECURECALL_H
#define VTL0_SECURECALL_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/lib/bootinfo.h"
#include "guest/lib/securecall.h"

/* Maps the hypercall page (executable, at HYPERCALL_VA). Returns false, and secure
 * calls stay unavailable, when there is no secure kernel (vtl1_start == 0). Call after
 * paging_init. */
bool securecall_init(const struct boot_info *bi);

bool securecall_available(void);

/* One secure call: returns the SC_* status, stores the service's value in *value (may
 * be NULL). SC_E_NO_SERVICE when there is no secure kernel. */
uint64_t secure_call(uint64_t service, uint64_t a0, uint64_t a1, uint64_t a2,
                     uint64_t *value);

#endif
