/* The secure kernel: what its parts share. It runs in VTL1, identity mapped (GVA =
 * GPA) for all of RAM, with its own GDT, IDT and page tables; everything it needs lives
 * in its own image, which it takes away from VTL0 at boot. */
#ifndef SK_SK_H
#define SK_SK_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/lib/hv.h"
#include "guest/lib/uart.h"

#define PAGE_SIZE  UINT64_C(4096)

/* Every console line of the secure kernel starts with "sk: " (vtlemu tags the line
 * with the VTL that wrote it as well). */
#define SK_LOG(...) uart_printf("sk: " __VA_ARGS__)

/* What the secure kernel keeps of its boot-info page (which lies in its loader area). */
struct sk_boot {
    uint64_t ram_size;
    uint64_t image_start, image_end;    /* vtl1_start, vtl1_end */
    uint64_t loader_start, loader_end;  /* VTL1's loader area: VTL0 cannot reach it */
    uint64_t hypercall_page;
    struct hv_vp_assist *assist;
    const char *cmdline;                /* NULL if none */
};
extern struct sk_boot sk_boot;

/* VTL0's shared registers as they were when VTL1 was entered, and as VTL0 gets them
 * back (RSP is private: not here). switch.asm reads and writes this layout. */
struct vtl0_regs {
    uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
_Static_assert(sizeof(struct vtl0_regs) == 15 * 8, "switch.asm");

/* switch.asm: loads r into the shared registers, VtlReturns to VTL0 and comes back on
 * the next entry into VTL1 with VTL0's registers stored in r; VTL1's own registers
 * survive. VTL0 gets RAX/RCX from the VP assist page, not from r. */
void sk_vtl_return(struct vtl0_regs *r);

/* Linker symbols (sk.ld). */
extern char __sk_start[], __sk_end[], __secret_start[], __shlib_start[], __shlib_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

/* The credential page: only its first CRED_HASH_SIZE bytes are used. */
extern uint8_t sk_secret_page[4096];

/* shlib.asm: the shared library's function (prints a banner, returns the answer). */
int shlib_greet(void);

/* Ends the run with `code` (port 0xF4) after printing the message. */
__attribute__((noreturn, format(printf, 2, 3))) void sk_fatal(int code, const char *fmt, ...);

/* cpu.c */
void cpu_init(void);

/* paging.c: identity map of RAM (NX), the image with per-section rights, the hypercall
 * page executable; then CR3 is switched to it. */
void paging_init(void);

/* hvcall.c: hypercalls through the hypercall page. Each returns the HV status. */
void hv_init(uint64_t hypercall_page);
unsigned hv_protect_vtl0(uint64_t gpa, uint64_t pages, uint32_t flags);
unsigned hv_set_vtl0_regs(const uint32_t *names, const uint64_t *values, unsigned count);
unsigned hv_get_vtl0_regs(const uint32_t *names, uint64_t *values, unsigned count);
/* vtlemu's HvCallVtlemuAssignDevice: the device (requester id) now belongs to `vtl`. */
unsigned hv_assign_device(uint16_t requester_id, unsigned vtl);

/* True if [gpa, gpa+len) is RAM VTL0 owns: not the secure kernel image, not VTL1's
 * loader area. VTL1 only reads or changes VTL0 memory inside such ranges. */
bool sk_is_vtl0_memory(uint64_t gpa, uint64_t len);

/* credential.c */
void credential_provision(void);
bool credential_verify(uint64_t challenge, uint64_t resp_lo, uint64_t resp_hi);

/* services.c: one secure call; r holds VTL0's registers (arguments). */
void sc_dispatch(struct vtl0_regs *r);
extern unsigned sk_policy;

/* dma.c: the secure kernel's use of the DMA engine dma0 (SC_DMA_ASSIGN, SC_DMA_CHECK).
 * Each returns an SC_* status and stores the bytes its copy moved in *copied. */
uint64_t sk_dma_take(uint64_t *copied);
uint64_t sk_dma_give_back(void);
uint64_t sk_dma_check(uint64_t *copied);

/* intercept.c: one secure intercept; r holds VTL0's registers. */
void intercept_handle(struct vtl0_regs *r);
extern uint64_t sk_intercepts;

#endif
