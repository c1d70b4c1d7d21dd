/* Hypercall handling (DESIGN.md §5, Hyper-V TLFS register convention): decoding of the
 * control word, input validation with the TLFS status codes, rep calls that stop part
 * way on a bad entry, and the VTL switch a call asks for. Side effects on the machine
 * go through vtl_ops, so every path is unit-testable on plain arrays. */
#ifndef VTL_HYPERCALL_H
#define VTL_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "vtl/vp.h"

typedef enum vtl_hc_action {
    VTL_HC_NONE,        /* write `rax` into the caller's RAX and continue after vmcall */
    VTL_HC_CALL,        /* VtlCall accepted: switch to `next_vtl` (no RAX write) */
    VTL_HC_RETURN,      /* VtlReturn accepted: switch to `next_vtl` (no RAX write) */
} vtl_hc_action;

typedef struct vtl_hc_result {
    unsigned code;          /* call code from the control word */
    const char *name;       /* "HvCallVtlCall", … or "unknown" */
    uint16_t status;        /* HV_STATUS_* */
    unsigned reps_done;     /* rep calls: rep start + reps this call completed; else 0 */
    uint64_t rax;           /* HV_RESULT(status, reps_done) for VTL_HC_NONE */
    vtl_hc_action action;
    unsigned next_vtl;
} vtl_hc_result;

/* Handle one `vmcall` of the running VTL (st->current) with RCX = control, RDX and R8.
 * For VTL_HC_CALL/RETURN the caller then performs the switch with vtl_enter_call /
 * vtl_enter_return (kept apart so the emulator can order register moves). */
void vtl_hypercall(vtl_state *st, const vtl_ops *ops, uint64_t control, uint64_t rdx, uint64_t r8,
                   vtl_hc_result *out);

const char *vtl_hc_name(unsigned code);

#endif
