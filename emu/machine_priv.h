/* Private layout of vtl_machine, shared by the files of emu/ only. */
#ifndef EMU_MACHINE_PRIV_H
#define EMU_MACHINE_PRIV_H

#include <capstone/capstone.h>
#include <stdbool.h>
#include <unicorn/unicorn.h>

#include "common/physmem.h"
#include "iommu/iommu.h"
#include "emu/coherency.h"
#include "emu/cpu_state.h"
#include "emu/machine.h"
#include "mmu/walk.h"
#include "slat/slat.h"
#include "vtl/vp.h"

/* Why the last uc_emu_start returned, as recorded by the hook that stopped it. */
typedef enum stop_kind {
    STOP_NONE,
    STOP_EXCEPTION,   /* deliver `exc` through the guest IDT */
    STOP_SYSCALL,     /* emulate `syscall` at exc.rip */
    STOP_EXIT,        /* the run is over: exit_status/exit_reason */
    STOP_BUDGET,      /* the next block would pass the budget */
    STOP_FETCH_FAULT, /* a fetch fault whose instruction must be found by decoding */
    STOP_IO_CHECK,    /* a block with port I/O below IOPL: check the TSS bitmap first */
    STOP_HYPERCALL,   /* `vmcall` at exc.rip */
    STOP_VIOLATION,   /* the SLAT denied an access: `viol` */
    STOP_COW_BREAK,   /* the first write to a copy-on-write page: `viol.gpa` */
    STOP_RETRANSLATE, /* a block got a new code hook: translate it again, then run it */
} stop_kind;

/* A SLAT violation (or copy-on-write write) seen by the TLB fill. */
typedef struct pending_violation {
    uint64_t gva_page;    /* the page Unicorn asked for; the byte is decoded later */
    uint64_t gpa;         /* the GPA denied (a page-table entry's GPA for walks) */
    emu_access access;
    unsigned cpl;
    bool page_walk;       /* denied while reading or updating the guest page tables */
    bool fetch;           /* the access being translated was an instruction fetch */
} pending_violation;

typedef struct pending_exc {
    unsigned vector;
    bool has_error_code;
    uint32_t error_code;
    bool has_cr2;
    uint64_t cr2;
    bool software;        /* int n / int3 / into: gate DPL is checked, RIP is after */
    bool from_fill;       /* raised by the TLB fill: RIP is where Unicorn stopped */
    bool noncanonical;    /* a non-canonical address: #SS if through the stack */
    uint64_t rip;         /* RIP to report and to push */
    uint64_t insn_rip;    /* software interrupts: the instruction itself (for faults) */
} pending_exc;

/* Per translated block: start, size in bytes and instruction count, cached. The first
 * 24 bytes are all the block hook's fast path reads; a slot is one cache line. */
typedef struct icount_slot {
    uint64_t pc;
    uint32_t fast_size;   /* `size` when the fast path may count the block; 0 when it needs
                             the slow path (I/O, rep string, undecodable, control writes) */
    uint32_t size;
    uint64_t icount;
    bool has_io;
    bool rep_string;      /* the block is one rep-prefixed string instruction */
    uint64_t vmcall_at;   /* the address of a `vmcall` ending the block, else 0 */
    bool needs_retranslate;
    bool writes_ctrl;     /* may change CR0/CR3/CR4/EFER/GDTR/IDTR/LDTR/TR (always slow) */
} __attribute__((aligned(64))) icount_slot;

/* insn_class.c: what an instruction touches beyond the general registers. */
#define INSN_FPU     1u   /* x87, MMX, SSE, AVX state */
#define INSN_DR      2u   /* debug registers */
#define INSN_VMCALL  4u
#define INSN_CTRL    8u   /* may change CR0, CR3, CR4, EFER or a descriptor-table register */
unsigned emu_insn_class(const cs_insn *insn);

/* wide.c: instructions with accesses over 8 bytes get a precise page check. */
bool emu_insn_is_wide(const cs_insn *insn);
/* Hook the instruction at address in v's engine; true when the hook is new. */
bool emu_wide_watch(struct vtl_machine *m, struct vcpu *v, uint64_t address);
#define ICOUNT_SLOT_BITS 16
#define ICOUNT_SLOTS (1u << ICOUNT_SLOT_BITS)

/* One virtual processor's engine for one VTL (like one VMCS per VTL, DESIGN.md §2):
 * its own Unicorn engine, SLAT and translation state, all on the shared RAM buffer. */
typedef struct vcpu {
    struct vtl_machine *mach;
    unsigned vtl;
    bool enabled;                 /* an engine exists and has a boot state */
    uc_engine *uc;
    uc_context *ring0;            /* ring-0 64-bit template (see cpu_state.h) */
    slat *slat;                   /* GPA -> SPA as this VTL sees memory */
    uint64_t slat_gen_seen;
    uint64_t nxe_seen;            /* EFER.NXE the TLB was filled under */
    uint64_t until_probe_page;    /* see fill.c */
    uint64_t untils_since_flush;  /* run-until points since the code buffer was flushed */
    bool probe_failed;
    /* The paging controls (CR0, CR3, CR4, EFER) as the first TLB fill of this run read
     * them, and the descriptor-table registers as the first ring-3 fill read them.
     * Within a run only guest instructions change them (mov to CRn, lmsw, wrmsr, vmrun,
     * rsm, lgdt, lidt, lldt, ltr; every hook stops the run first), and blocks with such
     * instructions take the block hook's slow path, which sets ctrl_live: from then on
     * until the run ends every fill reads them afresh. Outside uc_emu_start ctrl_live is
     * true. */
    mmu_ctrl ctrl;
    bool ctrl_valid;
    bool ctrl_live;
    uc_x86_mmr tables[4];         /* GDTR, IDTR, LDTR, TR, the same way (fill.c) */
    bool tables_valid;

    /* Instruction counting (the block now running is the machine's, see vtl_machine). */
    uint64_t io_checked_pc;       /* an I/O instruction the run loop allowed to run once */
    icount_slot *icache;          /* per engine: the same RIP means other code in another VTL */
    coh_state coh;                /* code coherency with the other engine and the host */
    bool fpu_used, dr_used;       /* has run code touching shared x87/SSE or debug registers */
#define WIDE_MAX 1024
    uint64_t wide[WIDE_MAX];      /* instructions with a >8-byte access that have a code hook */
    size_t nwide;

    /* Boot. */
    char image_path[512];
    uint64_t entry;
    uint64_t boot_info, hypercall_page, vp_assist_page;
    uint64_t loader_start, loader_end;
} vcpu;

/* SLAT changes are merged into one event per run of pages changed alike. */
typedef struct slat_change_acc {
    unsigned target;
    uint64_t gpa, pages;
    unsigned before, after;
    const char *source;
    uint64_t rip;
    unsigned cpl;
} slat_change_acc;

typedef struct event_log {
    bool keep;
    emu_event *ev;        /* strings owned (text, message) */
    size_t n, cap;
} event_log;

typedef struct console_text {
    char *text;
    size_t len, cap;
} console_text;

/* The page Unicorn probes after a run without a run-until point (until = UINT64_MAX). */
#define NO_UNTIL_PROBE_PAGE UINT64_C(0xfffffffffffff000)

/* dma0 (DESIGN.md §4) and the remapping unit's MMIO window. */
#define DMA0_RID   0x0018u       /* 00:03.0 */
#define DMA0_PORT  0x500u
#define DMA0_PORTS 0x20u
#define VTD_MMIO_GPA UINT64_C(0xFED90000)
#define VTD_MMIO_SIZE UINT64_C(0x1000)

typedef struct dma0_regs {
    uint32_t src_lo, src_hi, dst_lo, dst_hi, len, status, copied;
} dma0_regs;

typedef struct vtd_regs {
    uint64_t rtaddr;
    uint32_t fectl;
    bool root_set;        /* GSTS.RTPS */
} vtd_regs;

struct vtl_machine {
    emu_config cfg;
    physmem *pm;
    csh cs;                       /* Capstone, for instruction lengths and counts */
    csh cs_detail;                /* Capstone with operand details, for fault addresses */

    vcpu vp[2];
    vcpu *cur;                    /* the VTL running now: change it with emu_set_cur */

    /* The block hook's working set, for the running engine. `icount` includes the whole
     * current block from its start; `blk` is &emu_no_block when no block is under way (the
     * count is final: after a VTL switch, a snapshot restore, before the first block). */
    icount_slot *icache;          /* cur->icache */
    const icount_slot *blk;       /* the block running now (its slot), or &emu_no_block */
    uint64_t blk_base;            /* icount when it started */
    unsigned blk_io_seq;          /* I/O instructions seen in this block execution */

    emu_event_fn on_event;
    void *on_event_ctx;
    emu_console_fn on_console;
    void *on_console_ctx;

    bool loaded;
    bool started;                 /* boot events emitted */
    bool finished;                /* exit event emitted: the run is over */
    uint64_t icount;              /* retired instructions, all VTLs */
    uint64_t budget_end;          /* icount where this slice ends (0: none) */
    uint64_t budget_limit;        /* the same, UINT64_MAX for none (the block hook's test) */

    /* A caller waiting for an event (emu_run_until). */
    emu_stop_fn stop_fn;
    void *stop_ctx;
    bool user_stop;
    emu_event last_event;         /* the last event of this slice (strings owned below) */
    bool last_event_valid;
    bool want_last;               /* this slice's caller wants the last event */
    char last_text[512];
    char last_msg[200];
    vtl_state vs;                 /* enabled VTLs, the running one, whom VtlReturn goes to */
    bool vp0_started;             /* VTL0 has run: its first entry keeps its boot state */
    bool vtl1_at_boot;            /* --vtl1: the secure kernel starts first */
    slat_change_acc chg;
    uint64_t vp1_assist_reserved; /* GPA kept for a VTL1 enabled at run time */

    /* The stop being handled. */
    stop_kind stop;
    pending_exc exc;
    pending_violation viol;
    uint64_t block_stop_pc;       /* the block a block-hook stop left unexecuted */
    uint64_t retranslate_pc;
    uint32_t retranslate_size;
    int exit_status;
    emu_exit_reason exit_reason;
    char exit_msg[200];
    uint64_t exit_rip;
    bool exit_rip_known;

    iommu *iommu;
    dma0_regs dma0;
    vtd_regs vtd;
    uint64_t mmio_spa;            /* where the MMIO window sits in each engine */

    event_log log;
    console_text console[VTL_COUNT];

    /* Console line buffer for console events (one line belongs to one VTL). */
    char con[512];
    size_t con_len;
    uint64_t con_icount, con_rip;
    unsigned con_cpl, con_vtl;
};

/* machine.c */
void emu_emit(vtl_machine *m, emu_event *ev);
unsigned emu_cpl(vtl_machine *m);
void emu_stop_exit(vtl_machine *m, int status, emu_exit_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* gmem.c: guest memory as the current VTL sees it, without touching Unicorn's TLB. */
void emu_mmu_ctrl(vtl_machine *m, mmu_ctrl *ctrl);
extern const mmu_mem emu_pt_mem_ops;
typedef enum gmem_result { GMEM_OK, GMEM_PAGE_FAULT, GMEM_GP, GMEM_VIOLATION } gmem_result;
typedef struct gmem_fault {
    gmem_result kind;
    uint32_t error_code;  /* #PF */
    uint64_t gva, gpa;
} gmem_fault;
gmem_result emu_gva_rw(vtl_machine *m, uint64_t gva, void *buf, size_t len, bool write, unsigned cpl,
                       bool set_ad, gmem_fault *f);
/* The same for any VTL's engine. */
gmem_result emu_gva_rw_of(vcpu *v, uint64_t gva, void *buf, size_t len, bool write, unsigned cpl, bool set_ad,
                          gmem_fault *f);
void emu_mmu_ctrl_of(vcpu *v, mmu_ctrl *ctrl);

/* fill.c */
bool emu_tlb_fill(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *e, void *ud);

/* decode.c: bytes of guest code as the running VTL fetches them (at its CPL; stops at
 * the first unreadable page), and one instruction decoded with operand details (free
 * with cs_free(insn, 1)), or NULL. */
size_t emu_read_code(vtl_machine *m, uint64_t gva, uint8_t *buf, size_t len);
cs_insn *emu_decode_at(vtl_machine *m, uint64_t rip);

/* icount.c */
void emu_block_hook(uc_engine *uc, uint64_t pc, uint32_t size, void *ud);
/* Instructions from the current block's start up to (not including) rip. */
uint64_t emu_icount_at(vtl_machine *m, uint64_t rip);
extern const icount_slot emu_no_block;
/* Make v the running engine (m->cur) with its own block cache; no block is under way. */
void emu_set_cur(vtl_machine *m, vcpu *v);
/* Address of the n-th (0-based) I/O instruction of the current block, or 0. */
uint64_t emu_block_io_insn(vtl_machine *m, unsigned n, uint64_t *insn_index);
int emu_insn_length(vtl_machine *m, uint64_t rip);
/* Address of the first I/O instruction at or after `from` (within a page or so), or 0. */
uint64_t emu_next_io_insn(vtl_machine *m, uint64_t from);

/* io_perm.c: may the I/O instruction at rip run (CPL <= IOPL, or the TSS bitmap)? */
bool emu_io_allowed(vtl_machine *m, uint64_t rip);

/* fault_addr.c: CR2 of a data access that faulted somewhere in `page`. */
/* *writes (may be NULL): that access writes (a read-modify-write operand). */
uint64_t emu_fault_address(vtl_machine *m, uint64_t rip, uint64_t page, bool *writes);
/* Effective address of a memory operand of a decoded instruction (with FS/GS base). */
bool emu_operand_address(vtl_machine *m, const cs_insn *insn, const cs_x86_op *op, uint64_t *ea);

/* exc_info.c: the error code Unicorn does not report, and #SS vs #GP. */
uint32_t emu_infer_error_code(vtl_machine *m, uint64_t rip, unsigned vector);
bool emu_access_uses_stack(vtl_machine *m, uint64_t rip);

/* exc.c */
void emu_deliver_exception(vtl_machine *m);
void emu_do_syscall(vtl_machine *m);
void emu_enter_ring0(vtl_machine *m, const cpu_state *s);

/* eventlog.c */
void emu_log_event(vtl_machine *m, const emu_event *ev);
void emu_log_truncate(vtl_machine *m, size_t n);
void emu_log_free(vtl_machine *m);
void emu_console_append(vtl_machine *m, unsigned vtl, char c);
ve_status emu_log_copy(const vtl_machine *m, event_log *dst, console_text con[VTL_COUNT]);
void emu_log_copy_free(event_log *log, console_text con[VTL_COUNT]);
ve_status emu_log_restore(vtl_machine *m, const event_log *src, const console_text con[VTL_COUNT]);

/* devices/dma.c */
ve_status emu_iommu_init(vtl_machine *m);
unsigned emu_dma_transfer(vtl_machine *m, uint16_t rid, uint64_t src, uint64_t dst, uint64_t len, uint64_t *copied,
                          uint64_t icount, uint64_t rip);
void emu_dma_port_write(vtl_machine *m, uint32_t port, int size, uint32_t value, uint64_t icount, uint64_t rip);
uint32_t emu_dma_port_read(vtl_machine *m, uint32_t port, int size, uint64_t icount, uint64_t rip);

/* devices/vtd_mmio.c */
uint64_t emu_vtd_mmio_read(uc_engine *uc, uint64_t offset, unsigned size, void *ud);
void emu_vtd_mmio_write(uc_engine *uc, uint64_t offset, unsigned size, uint64_t value, void *ud);

/* machine.c */
ve_status emu_vcpu_init(vtl_machine *m, unsigned vtl, char *err, size_t errlen);

/* devices/ports.c */
void emu_port_hooks(vtl_machine *m, uc_engine *uc);
void emu_console_flush(vtl_machine *m);

#endif
