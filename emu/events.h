/* The event stream (DESIGN.md §7): every observable step of the machine is one event.
 * The CLI trace, the JSON Lines file, scripts and the debugger all read this stream. */
#ifndef EMU_EVENTS_H
#define EMU_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum emu_event_kind {
    EV_BOOT,
    EV_CONSOLE,
    EV_VTL_ENABLE,
    EV_VTL_CALL,
    EV_VTL_RETURN,
    EV_HYPERCALL,
    EV_SLAT_CHANGE,
    EV_SLAT_VIOLATION,
    EV_INTERCEPT,
    EV_COW_SHARE,
    EV_COW_BREAK,
    EV_DMA,
    EV_IOMMU_FAULT,
    EV_DEVICE_DENIED,
    EV_EXCEPTION,
    EV_SYSCALL,
    EV_EXIT,
    EV_KIND_COUNT
} emu_event_kind;

/* Why a run ended, for the exit event and the process status. */
typedef enum emu_exit_reason {
    EXIT_GUEST,         /* the guest wrote port 0xF4 */
    EXIT_BUDGET,        /* --max-insns ran out */
    EXIT_TRIPLE_FAULT,
    EXIT_HALT,          /* hlt with nothing to wake the CPU */
    EXIT_VIOLATION,     /* an isolation violation nobody handles */
    EXIT_INTERNAL,      /* a bug in vtlemu */
} emu_exit_reason;

typedef enum emu_access { ACC_READ = 0, ACC_WRITE = 1, ACC_EXECUTE = 2 } emu_access;

typedef struct emu_event {
    emu_event_kind kind;
    uint64_t icount;       /* instructions retired before the event's point, all VTLs */
    unsigned vtl, cpl;
    uint64_t rip;
    /* Kind-specific; which fields are meaningful depends on kind. */
    unsigned vector;
    bool has_error_code;
    uint32_t error_code;
    bool has_gva;
    uint64_t gva, gpa, spa;
    bool no_gpa;                 /* dma, iommu_fault: the IOVA reached no GPA (gpa omitted) */
    emu_access access;
    unsigned rights;
    unsigned rights_before, rights_after;
    uint64_t pages;              /* slat_change, cow_share: consecutive 4 KiB pages from gpa */
    unsigned target_vtl;         /* slat_change, cow_share: whose SLAT changed */
    const char *source;          /* slat_change: "hypercall", "loader" or "script" */
    uint64_t new_spa;            /* cow_break: the private copy (spa = the shared frame) */
    unsigned from_vtl, to_vtl;   /* vtl_call, vtl_return, intercept */
    unsigned hc_code, hc_status; /* hypercall */
    const char *name;            /* hypercall */
    uint16_t requester;          /* dma, iommu_fault, device_denied: bus:dev.fn */
    uint64_t iova, dst_iova;     /* dma: source and destination IOVAs; iommu_fault: iova */
    uint64_t length, copied;     /* dma */
    unsigned dma_status;         /* dma: 1 done, 2 blocked, 3 bad request */
    unsigned device_vtl;         /* dma, iommu_fault, device_denied: the device's VTL */
    const char *fault_reason;    /* iommu_fault: VT-d fault reason name */
    unsigned port;               /* device_denied: the I/O port */
    uint64_t nr;                 /* syscall number (RAX) */
    const char *text;            /* console text (not NUL-terminated), image path */
    size_t text_len;
    uint64_t entry;              /* boot: image entry point */
    int code;                    /* exit: process status */
    emu_exit_reason reason;
    const char *message;         /* exit: one-line explanation when not a guest exit */
} emu_event;

const char *emu_event_kind_name(emu_event_kind k);
const char *emu_exit_reason_name(emu_exit_reason r);
const char *emu_access_name(emu_access a);

/* One JSON object, no newline, fields in the documented order. Returns bytes written
 * (truncated output is still valid JSON only if it fit: callers size buf generously). */
void emu_event_write_json(const emu_event *ev, FILE *out);
/* The human-readable one-line form used on stderr by `vtlemu run`. */
void emu_event_write_text(const emu_event *ev, FILE *out);

#endif
