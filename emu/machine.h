/* The machine: one virtual processor on Unicorn with vtlemu's own two-stage address
 * translation, exception delivery, devices and event stream. Frontends use only this. */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H

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

#endif
