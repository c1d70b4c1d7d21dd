/* The VTL state of the partition and its one virtual processor: which VTLs are enabled,
 * which one runs, whom a VtlReturn goes back to, and the hypervisor's side of the VP
 * assist pages (entry reason, VtlReturn RAX/RCX, intercept message). Pure logic: the
 * emulator supplies memory and register access through vtl_ops. */
#ifndef VTL_VP_H
#define VTL_VP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "vtl/hv.h"

#define VTL_COUNT 2   /* VTL0 (normal) and VTL1 (secure) */

typedef struct vtl_state {
    bool partition_enabled[VTL_COUNT];
    bool vp_enabled[VTL_COUNT];
    unsigned current;          /* the running VTL */
    /* Set while a higher VTL runs because of a VtlCall or an intercept from below:
     * VtlReturn goes back to `return_to`. */
    bool entered_from_below;
    unsigned return_to;
} vtl_state;

/* What the hypervisor needs from the machine. Every function returns false / an error
 * status instead of failing in any other way. */
typedef struct vtl_ops {
    /* Guest memory as `vtl` may access it through its SLAT (hypercall input/output). */
    bool (*read_gpa)(void *ctx, unsigned vtl, uint64_t gpa, void *buf, size_t len);
    bool (*write_gpa)(void *ctx, unsigned vtl, uint64_t gpa, const void *buf, size_t len);
    /* The hypervisor's own write into `vtl`'s VP assist page (not subject to SLAT). */
    void (*write_assist)(void *ctx, unsigned vtl, uint32_t offset, const void *buf, size_t len);
    void (*read_assist)(void *ctx, unsigned vtl, uint32_t offset, void *buf, size_t len);
    /* Set target_vtl's rights on one GPA page (rights: HV_MAP_GPA_* bits); cow: share
     * the caller's frame copy-on-write. gpa_page is the page's GPA (page number << 12,
     * not the page number). VE_E_RANGE for a page outside guest RAM. */
    ve_status (*protect)(void *ctx, unsigned caller_vtl, unsigned target_vtl, uint64_t gpa_page,
                         unsigned rights, bool cow);
    /* A VTL's register by TLFS name (private ones of that VTL, shared ones common).
     * VE_E_INVAL for a name vtlemu does not know. */
    ve_status (*get_reg)(void *ctx, unsigned vtl, uint32_t name, uint64_t *lo, uint64_t *hi);
    ve_status (*set_reg)(void *ctx, unsigned vtl, uint32_t name, uint64_t lo, uint64_t hi);
    /* Bring up `vtl` on the VP with this initial context (EnableVpVtl). */
    ve_status (*enable_vp)(void *ctx, unsigned vtl, const hv_initial_vp_context *c);
    /* Assign a DMA device (requester id) to a VTL (vtlemu extension); VE_E_RANGE for a
     * device that does not exist. May be NULL: the call then fails with status 5. */
    ve_status (*assign_device)(void *ctx, uint16_t rid, unsigned vtl);
    void *ctx;
} vtl_ops;

/* Only VTL0 enabled and running. */
void vtl_state_init(vtl_state *st);

/* The emulator's own enabling of VTL1 before any guest code runs (--vtl1): enabled
 * for the partition and on the VP, without an EnableVpVtl context. */
void vtl_enable_at_boot(vtl_state *st, unsigned vtl);
/* The VP starts in `vtl` (enabled) as though VTL0 had called it, so the secure
 * kernel's first VtlReturn starts VTL0 (DESIGN.md §3). Writes no entry reason. */
void vtl_boot_enter(vtl_state *st, unsigned vtl);

/* The VTL a VtlCall or an intercept of the running VTL enters: the lowest VTL above
 * it enabled on the VP. False when there is none (an intercept then stops the run). */
bool vtl_higher_enabled(const vtl_state *st, unsigned *next);

/* Switch bookkeeping. Each returns the VTL that runs next and writes the VP assist page
 * of the VTL entered (entry reason; for an intercept also the message). Called when the
 * switch is not possible (no higher VTL enabled; VtlReturn from a VTL not entered from
 * below), each changes nothing, writes nothing and returns st->current. */
unsigned vtl_enter_call(vtl_state *st, const vtl_ops *ops);
unsigned vtl_enter_intercept(vtl_state *st, const vtl_ops *ops, const hv_message *msg);
/* VtlReturn: *rax and *rcx are the values the lower VTL resumes with (read from the
 * returning VTL's VP assist page +0x10/+0x18). */
unsigned vtl_enter_return(vtl_state *st, const vtl_ops *ops, uint64_t *rax, uint64_t *rcx);

/* Build the GPA-intercept message of DESIGN.md §6. */
void vtl_build_gpa_intercept(hv_message *msg, uint64_t rip, uint64_t rflags, const hv_segment *cs,
                             unsigned cpl, unsigned access, uint64_t gva, uint64_t gpa,
                             const uint8_t *insn, unsigned insn_len);

#endif
