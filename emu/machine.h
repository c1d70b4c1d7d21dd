/* The machine: one virtual processor on Unicorn with vtlemu's own two-stage address
 * translation, exception delivery, devices and event stream. Frontends use only this. */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "emu/events.h"

typedef struct vtl_machine vtl_machine;

#define EMU_DEFAULT_MEM   (UINT64_C(256) << 20)
#define EMU_MIN_MEM       (UINT64_C(16) << 20)
#define EMU_MAX_MEM       (UINT64_C(64) << 30)

/* Process exit statuses (DESIGN.md §8). */
#define EMU_STATUS_USAGE      64
#define EMU_STATUS_VIOLATION  65
#define EMU_STATUS_BUDGET     66
#define EMU_STATUS_INTERNAL   67

typedef struct emu_config {
    uint64_t mem_size;       /* bytes of guest RAM at GPA 0 */
    uint64_t max_insns;      /* 0: no budget */
    const char *append;      /* command line for the guest, or NULL */
    /* Extra images (trustlets) whose raw bytes the loader hands to the secure kernel, or
     * to the VTL0 kernel without one, through the boot-info module table. */
    const char *const *modules;
    size_t module_count;
} emu_config;

typedef void (*emu_event_fn)(const emu_event *ev, void *ctx);
/* Raw console bytes as the guest writes them (for stdout), before line buffering. */
typedef void (*emu_console_fn)(unsigned vtl, const char *bytes, size_t len, void *ctx);

/* err receives one line on failure. */
ve_status emu_create(const emu_config *cfg, vtl_machine **out, char *err, size_t errlen);
void emu_destroy(vtl_machine *m);

void emu_on_event(vtl_machine *m, emu_event_fn fn, void *ctx);
void emu_on_console(vtl_machine *m, emu_console_fn fn, void *ctx);

/* Load the VTL0 kernel image (an ELF file) and, if vtl1_path is given, a secure kernel
 * that starts first in VTL1 (DESIGN.md §3); prepare their boot states. */
ve_status emu_load(vtl_machine *m, const char *vtl0_path, const char *vtl1_path, char *err, size_t errlen);
ve_status emu_load_vtl0(vtl_machine *m, const char *path, char *err, size_t errlen);

/* Run until the guest exits, the budget runs out, or the machine stops. Returns the
 * process exit status (0-63 guest value, 65, 66 or 67); the last event is `exit`. */
int emu_run(vtl_machine *m);

/* Instructions retired so far. */
uint64_t emu_icount(const vtl_machine *m);

/* ---- Run control for scripts and the debugger -------------------------------------
 * The machine runs in slices; between them its state can be inspected and changed. */

typedef enum emu_run_result {
    EMU_RUN_EVENT,     /* `stop` returned true for an event; its step has taken effect */
    EMU_RUN_EXITED,    /* the run is over (exit event emitted; see emu_exited) */
    EMU_RUN_LIMIT,     /* `max_insns` more instructions retired */
} emu_run_result;

/* Return true to stop after this event. */
typedef bool (*emu_stop_fn)(const emu_event *ev, void *ctx);

/* Run until `stop` (may be NULL) accepts an event, the run ends, or max_insns more
 * instructions have retired (0: no limit). With `stop` given, events raised inside a
 * translated block (console output) still stop right after their instruction. Events
 * raised by one step all take effect before the slice returns: stopping on a
 * `slat_violation` of VTL0 under a secure kernel returns with the intercept done and
 * VTL1 running (the `intercept` event follows it in the log).
 * *last (may be NULL) receives the event that stopped it (valid until the next call). */
emu_run_result emu_run_until(vtl_machine *m, emu_stop_fn stop, void *ctx, uint64_t max_insns,
                             const emu_event **last);
/* Exactly n instructions (of whichever VTL runs: switches count as they happen). */
emu_run_result emu_step(vtl_machine *m, uint64_t n, const emu_event **last);

/* true once the run is over; *status (status may be NULL) is the process exit status. */
bool emu_exited(const vtl_machine *m, int *status);
unsigned emu_current_vtl(const vtl_machine *m);
unsigned emu_current_cpl(vtl_machine *m);
bool emu_vtl_enabled(const vtl_machine *m, unsigned vtl);

/* Registers by name, lower case: rax..r15, rip, rflags, cr0 cr2 cr3 cr4, efer, cs ds es
 * fs gs ss, fs_base gs_base kernel_gs_base, star lstar cstar sfmask, gdtr_base
 * gdtr_limit idtr_base idtr_limit, tr, dr0..dr3 dr6 dr7, and the TLFS names' numeric
 * form is not accepted here. Private registers are per VTL, shared ones (rax..r15 but
 * rsp, cr2, dr0..dr3, dr6) read the same whichever VTL is named. VE_E_INVAL: unknown
 * name; VE_E_STATE: that VTL is not enabled. */
ve_status emu_reg_get(vtl_machine *m, unsigned vtl, const char *name, uint64_t *value);
ve_status emu_reg_set(vtl_machine *m, unsigned vtl, const char *name, uint64_t value);

/* Debugger access to memory as a VTL sees it, with no event and no side effect (no A/D
 * bits, no copy-on-write break): GVA through that VTL's page tables at CPL 0 and its
 * SLAT, GPA through its SLAT, SPA raw. On refusal returns VE_E_DENIED (or VE_E_RANGE)
 * and writes a one-line reason ("page fault at GVA 0x…", "SLAT denies read of GPA 0x…"). */
typedef enum emu_space { EMU_SPACE_GVA, EMU_SPACE_GPA, EMU_SPACE_SPA } emu_space;
ve_status emu_mem_read(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, void *buf, size_t len,
                       char *why, size_t whylen);
/* A debugger write: as the hypervisor would (a write to a shared copy-on-write page
 * writes the shared frame; a GVA needs a present page, not a writable one, as in a
 * debugger patching code; the VTL's SLAT must allow the write); code translated from
 * the bytes is dropped. */
ve_status emu_mem_write(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, const void *buf, size_t len,
                        char *why, size_t whylen);

/* GVA -> GPA through a VTL's page tables as the debugger sees them (present pages). */
ve_status emu_translate(vtl_machine *m, unsigned vtl, uint64_t gva, uint64_t *gpa, char *why, size_t whylen);

/* A VTL's SLAT for one GPA: rights (SLAT_R|W|KX|UX bits), the SPA, copy-on-write. */
ve_status emu_slat_get(vtl_machine *m, unsigned vtl, uint64_t gpa, unsigned *rights, uint64_t *spa, bool *cow);
/* Change a VTL's rights on [gpa, gpa+len) as the hypervisor would: slat_change events
 * marked "script". */
ve_status emu_slat_protect(vtl_machine *m, unsigned vtl, uint64_t gpa, uint64_t len, unsigned rights);

/* The event log (kept from the start when emu_keep_events is on before the run). */
void emu_keep_events(vtl_machine *m, bool on);
size_t emu_event_count(const vtl_machine *m);
const emu_event *emu_event_get(const vtl_machine *m, size_t i);
/* All console output of one VTL so far. */
const char *emu_console_text(const vtl_machine *m, unsigned vtl, size_t *len);

/* One instruction as text ("mov rax, qword ptr [rbx]") at a GVA of a VTL; returns its
 * length, 0 when it cannot be read or decoded. */
int emu_disasm(vtl_machine *m, unsigned vtl, uint64_t gva, char *text, size_t textlen);

/* A transfer by a DMA device (requester id bus:dev.fn, e.g. 0x0018 for dma0) exactly as
 * the device does it: through the IOMMU and the SLAT of the device's VTL, with `dma` and
 * `iommu_fault` events. *status: 1 done, 2 blocked, 3 bad request. VE_E_RANGE (nothing
 * done) for a requester that is not a DMA device of this machine. */
ve_status emu_dma(vtl_machine *m, uint16_t requester, uint64_t src, uint64_t dst, uint64_t len, unsigned *status,
                  uint64_t *copied);

/* Snapshots: the whole machine (RAM, both VTLs' CPU state, SLATs, VTL state, devices,
 * event log, console, exit state) to rewind to. */
typedef struct emu_snapshot emu_snapshot;
emu_snapshot *emu_snapshot_take(vtl_machine *m);
ve_status emu_snapshot_restore(vtl_machine *m, const emu_snapshot *s);
void emu_snapshot_free(emu_snapshot *s);

#endif
