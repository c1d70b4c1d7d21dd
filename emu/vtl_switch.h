/* Two VTLs on one virtual processor: one Unicorn engine per VTL, a switch copies the
 * shared registers (DESIGN.md §6) and resumes the other engine — no TLB flush. */
#ifndef EMU_VTL_SWITCH_H
#define EMU_VTL_SWITCH_H

#include "emu/machine_priv.h"

/* --vtl1: VTL1 is enabled before any guest code and the VP starts in it. */
void emu_vtl_boot_secure(vtl_machine *m);

typedef enum switch_kind { SWITCH_CALL, SWITCH_RETURN, SWITCH_INTERCEPT } switch_kind;
/* Make `to` the running VTL; msg is the intercept message for SWITCH_INTERCEPT. */
void emu_vtl_switch(vtl_machine *m, unsigned to, switch_kind kind, const hv_message *msg);

/* The `vmcall` at m->exc.rip of the running VTL. */
void emu_do_hypercall(vtl_machine *m);

/* A SLAT violation recorded by the fill hook (m->viol): intercept into VTL1 or stop. */
void emu_do_violation(vtl_machine *m, uint64_t rip);

/* The first write of the running VTL to a copy-on-write page (m->viol.gpa). */
void emu_do_cow_break(vtl_machine *m);

/* The hypervisor side the vtl/ module works through. */
extern const vtl_ops emu_vtl_ops;

/* Rights of `vtl` on gpa changed (or are about to): events and bookkeeping. */
ve_status emu_protect_page(vtl_machine *m, unsigned target_vtl, uint64_t gpa, unsigned rights, bool cow,
                           unsigned source_vtl, const char *source);

/* One slat_change event (consecutive pages with the same change are merged). */
void emu_note_slat_change(vtl_machine *m, unsigned target_vtl, uint64_t gpa, unsigned before, unsigned after,
                          const char *source);
void emu_flush_slat_changes(vtl_machine *m);

/* Give `vtl` a private copy of a copy-on-write page (cow_break event). */
ve_status emu_cow_break_page(vtl_machine *m, unsigned vtl, uint64_t gpa_page);

/* EnableVpVtl: start `vtl` from an HV_INITIAL_VP_CONTEXT. */
ve_status emu_vtl_start_from_context(vtl_machine *m, unsigned vtl, const hv_initial_vp_context *c);

#endif
