/* DMA in the demo: the attacker module's DMA attacks (two-VTL demo, stage 5), the
 * secure kernel taking the DMA engine for itself (stage 6), and, without a secure
 * kernel, a self-test of the driver (dma.h).
 *
 * Stage 5. The compromised kernel owns dma0 and its remapping unit, so it tries a
 * device where the CPU failed (stage 4):
 *   1. with remapping off (IOVA = GPA): dma0 reads the credential page into buffer B;
 *   2. dma0 writes over the first page of secure kernel code;
 *   3. with remapping on (only buffers A and B mapped): dma0 writes to an IOVA the
 *      remapping does not map;
 *   4. it maps an IOVA onto the credential page and has dma0 read that;
 *   5. a legitimate copy from A to B through the remapping.
 * 1, 2 and 4 fail on VTL0's SLAT, which the emulator checks after the remapping (fault
 * reason 0xF0, slat_denied); 3 fails on the kernel's own tables (a VT-d reason). A
 * blocked transfer must report status 2, copy nothing, leave buffer B as it was and
 * leave exactly one fault record with the expected reason, source (00:03.0), page and
 * direction, which the driver reads and clears.
 *
 * Stage 6. VTL1 takes dma0 (SC_DMA_ASSIGN) and copies a page of its own memory with it.
 * The attacker then reads dma0's registers (all ones), programs it to copy the
 * credential page into buffer B (dropped: had it gone through, VTL1's device would
 * have done it through VTL1's SLAT), and asks the hypervisor itself for the device
 * (HvCallVtlemuAssignDevice from VTL0: access denied). VTL1 confirms its registers are
 * untouched (SC_DMA_CHECK) and gives the device back; VTL0's copies work again. */
#include "guest/lib/hv.h"
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/uart.h"
#include "guest/lib/vtd.h"
#include "guest/lib/vtlemu.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/dma.h"
#include "guest/vtl0/frames.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/securecall.h"

#define IOVA_A         (DMA_IOVA_BASE)              /* buffer A, read-write */
#define IOVA_B         (DMA_IOVA_BASE + 0x1000)     /* buffer B, read-write */
#define IOVA_SECRET    (DMA_IOVA_BASE + 0x2000)     /* attack 4: onto the credential page */
#define IOVA_UNMAPPED  (DMA_IOVA_BASE + 0x3000)     /* attack 3: never mapped */
#define SENTINEL       0xa5                         /* buffer B before every transfer */

static uint64_t buf_a, buf_b;       /* GPAs of the kernel's two DMA buffers */
static const char *tag = "dma";     /* console prefix: "vtl0: dma:" or "vtl0: attacker:" */
static int first_failure;           /* single-VTL run: status of the first failed check */

/* A check: in the two-VTL demo it goes to the summary, otherwise it is only logged. */
static void check(const char *what, bool ok, int code)
{
    if (demo_active()) {
        demo_check(what, ok, code);
        return;
    }
    if (!ok) {
        uart_printf("vtl0: dma: CHECK FAILED: %s (status %d)\n", what, code);
        if (first_failure == 0)
            first_failure = code;
    }
}

void dma_demo_init(void)
{
    dma_init();
    buf_a = frame_alloc();
    buf_b = frame_alloc();
    uart_printf("vtl0: dma: DMA buffers: A at GPA %016lx, B at GPA %016lx\n", buf_a, buf_b);
}

static void fill_a(unsigned round)
{
    uint8_t *p = phys_to_virt(buf_a);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        p[i] = (uint8_t)(i * 13u + round * 29u + 5u);
}

static void fill_b(void)
{
    memset(phys_to_virt(buf_b), SENTINEL, PAGE_SIZE);
}

static bool b_untouched(void)
{
    const uint8_t *p = phys_to_virt(buf_b);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        if (p[i] != SENTINEL)
            return false;
    return true;
}

static const char *status_name(uint32_t st)
{
    switch (st) {
    case DMA0_ST_IDLE: return "idle";
    case DMA0_ST_DONE: return "done";
    case DMA0_ST_BLOCKED: return "blocked by the IOMMU";
    case DMA0_ST_BAD: return "bad request";
    case 0xFFFFFFFFu: return "all ones: no device answered";
    default: return "?";
    }
}

/* A copy of buffer A (fresh pattern) over buffer B that must work: status 1, the whole
 * page copied, the bytes equal, no fault recorded. */
static bool legit_copy(uint64_t src, uint64_t dst, unsigned round)
{
    fill_a(round);
    fill_b();
    uint32_t copied = 0;
    uint32_t st = dma_copy(src, dst, PAGE_SIZE, &copied);
    unsigned faults = dma_take_faults(NULL);
    bool same = memcmp(phys_to_virt(buf_a), phys_to_virt(buf_b), PAGE_SIZE) == 0;
    uart_printf("vtl0: %s:   status %u (%s), %u bytes copied, buffer B %s A, %u faults "
                "recorded\n", tag, st, status_name(st), copied, same ? "equals" : "DIFFERS FROM",
                faults);
    return st == DMA0_ST_DONE && copied == PAGE_SIZE && same && faults == 0;
}

struct want {
    unsigned reason;            /* VTD_FR_* */
    uint64_t page;              /* IOVA page in the fault record */
    bool read;
};

/* A transfer that must be refused: status 2, nothing copied, buffer B (filled with
 * SENTINEL first) unchanged and exactly one fault record: the wanted reason, dma0 as
 * the source, the wanted page and direction. */
static bool blocked(uint64_t src, uint64_t dst, uint32_t len, struct want w)
{
    fill_b();
    uint32_t copied = 0;
    uint32_t st = dma_copy(src, dst, len, &copied);
    struct dma_fault f = { 0 };
    unsigned n = dma_take_faults(&f);
    bool untouched = b_untouched();
    uart_printf("vtl0: %s:   status %u (%s), %u bytes copied, buffer B %s\n", tag, st,
                status_name(st), copied, untouched ? "unchanged" : "CHANGED");
    if (n)
        uart_printf("vtl0: %s:   fault record %u: reason 0x%x (%s), source %02x:%02x.%x, %s of "
                    "page %016lx%s\n", tag, f.slot, f.reason, dma_reason_name(f.reason),
                    f.source_id >> 8, (f.source_id >> 3) & 0x1f, f.source_id & 7,
                    f.read ? "read" : "write", f.address, n > 1 ? " (and more)" : "");
    else
        uart_printf("vtl0: %s:   no fault recorded\n", tag);
    bool ok = st == DMA0_ST_BLOCKED && copied == 0 && untouched && n == 1 &&
              f.reason == w.reason && f.source_id == DMA0_RID && f.address == w.page &&
              f.read == w.read;
    uart_printf("vtl0: %s:   -> %s\n", tag, ok ? "BLOCKED" : "NOT BLOCKED AS EXPECTED");
    return ok;
}

/* Maps the two buffers, and only them, and turns remapping on. */
static bool remap_on(void)
{
    dma_map(IOVA_A, buf_a, true);
    dma_map(IOVA_B, buf_b, true);
    bool on = dma_translation(true);
    uart_printf("vtl0: %s: remapping %s for dma0: IOVA %lx -> A, IOVA %lx -> B (read-write), "
                "nothing else mapped\n", tag, on ? "on" : "DID NOT TURN ON", IOVA_A, IOVA_B);
    return on;
}

static uint64_t intercepts(void)
{
    uint64_t n = 0;
    secure_call(SC_STATS, 0, 0, 0, &n);
    return n;
}

void dma_attack_run(void)
{
    uint64_t secret = demo_env.vtl1_start + SK_OFF_SECRET;
    uint64_t code = demo_env.vtl1_start + SK_OFF_TEXT;
    uint64_t n0 = intercepts();
    tag = "attacker";

    uart_printf("vtl0: attacker: DMA 1. dma0 reads the credential page GPA %016lx into buffer B "
                "(remapping off: IOVA = GPA)\n", secret);
    check("DMA 1: read the secret page with dma0",
          blocked(secret, buf_b, PAGE_SIZE, (struct want){ VTD_FR_VTLEMU_SLAT, secret, true }),
          DEMO_EXIT_DMA_READ);

    fill_a(1);
    uart_printf("vtl0: attacker: DMA 2. dma0 writes 64 bytes of buffer A over secure kernel "
                "code at GPA %016lx\n", code);
    check("DMA 2: overwrite secure kernel code with dma0",
          blocked(buf_a, code, 64, (struct want){ VTD_FR_VTLEMU_SLAT, code, false }),
          DEMO_EXIT_DMA_WRITE);

    bool on = remap_on();
    uart_printf("vtl0: attacker: DMA 3. dma0 writes buffer A to IOVA %lx, which the remapping "
                "does not map\n", IOVA_UNMAPPED);
    check("DMA 3: DMA to an IOVA the kernel's own remapping does not map",
          on && blocked(IOVA_A, IOVA_UNMAPPED, PAGE_SIZE,
                        (struct want){ VTD_FR_NO_WRITE, IOVA_UNMAPPED, false }),
          DEMO_EXIT_DMA_UNMAPPED);

    dma_map(IOVA_SECRET, secret, false);
    uart_printf("vtl0: attacker: DMA 4. maps IOVA %lx onto the credential page GPA %016lx in "
                "dma0's remapping and has dma0 read it into buffer B\n", IOVA_SECRET, secret);
    check("DMA 4: remap an IOVA onto the secret page and read it",
          on && blocked(IOVA_SECRET, IOVA_B, PAGE_SIZE,
                        (struct want){ VTD_FR_VTLEMU_SLAT, IOVA_SECRET, true }),
          DEMO_EXIT_DMA_REMAP);
    dma_unmap(IOVA_SECRET);

    uart_printf("vtl0: attacker: DMA 5. a legitimate copy: IOVA %lx (A) -> IOVA %lx (B)\n",
                IOVA_A, IOVA_B);
    bool copy_ok = on && legit_copy(IOVA_A, IOVA_B, 2);
    uart_printf("vtl0: attacker:   -> %s\n", copy_ok ? "COPIED" : "FAILED");
    check("DMA 5: a legitimate copy between the kernel's own buffers", copy_ok,
          DEMO_EXIT_DMA_COPY);

    uart_printf("vtl0: attacker:   (the IOMMU stopped these without VTL1: %lu intercepts "
                "during the DMA attacks)\n", intercepts() - n0);
}

/* The attacker asks the hypervisor for the device itself. */
static struct hv_vtlemu_assign_device assign_input __attribute__((aligned(16)));

static unsigned vtl0_assign_device(unsigned vtl)
{
    assign_input = (struct hv_vtlemu_assign_device){
        .partition_id = HV_PARTITION_ID_SELF,
        .requester_id = DMA0_RID,
        .target_vtl = (uint8_t)vtl,
    };
    uint64_t rax = hv_hypercall((const void *)HYPERCALL_VA, HVCALL_VTLEMU_ASSIGN_DEVICE,
                                kernel_virt_to_phys(&assign_input), 0);
    return HV_RESULT_STATUS(rax);
}

void dma_reassign_run(void)
{
    uint64_t secret = demo_env.vtl1_start + SK_OFF_SECRET;
    uint64_t copied = 0;
    uint64_t st = secure_call(SC_DMA_ASSIGN, SC_DMA_TAKE, 0, 0, &copied);
    uart_printf("vtl0: asked VTL1 to take dma0: status %lu; VTL1's copy with it moved %lu "
                "bytes\n", st, copied);
    check("VTL1 took dma0 and copied within its own memory with it",
          st == SC_OK && copied == PAGE_SIZE, DEMO_EXIT_DMA_TAKE);

    /* Every access below is refused by the device (a device_denied event each). */
    tag = "attacker";
    uart_printf("vtl0: attacker: reads dma0's registers, then programs it to copy the "
                "credential page GPA %016lx into buffer B\n", secret);
    unsigned ones = 0;
    for (uint16_t port = DMA0_SRC_LO; port <= DMA0_COPIED; port += 4)
        ones += inl(port) == 0xFFFFFFFFu;
    fill_b();
    uint32_t c = 0;
    uint32_t st2 = dma_copy(secret, buf_b, PAGE_SIZE, &c);
    bool untouched = b_untouched();
    uart_printf("vtl0: attacker:   %u of 8 registers read all ones; after the command: status "
                "%08x (%s), buffer B %s\n", ones, st2, status_name(st2),
                untouched ? "unchanged" : "CHANGED");
    uint64_t again = 0;
    uint64_t st3 = secure_call(SC_DMA_CHECK, 0, 0, 0, &again);
    uart_printf("vtl0: asked VTL1 to check dma0: status %lu; its copy moved %lu bytes\n", st3,
                again);
    bool refused = ones == 8 && st2 == 0xFFFFFFFFu && untouched && st3 == SC_OK &&
                   again == PAGE_SIZE;
    uart_printf("vtl0: attacker:   -> %s\n", refused ? "REFUSED" : "NOT REFUSED");
    check("VTL0 cannot read or program dma0 while VTL1 owns it", refused,
          DEMO_EXIT_DMA_REFUSED);

    unsigned hs = vtl0_assign_device(0);
    uart_printf("vtl0: attacker: HvCallVtlemuAssignDevice(dma0 -> VTL0) from VTL0: status %u "
                "(want %u, access denied)\n", hs, HV_STATUS_ACCESS_DENIED);
    check("VTL0 cannot take dma0 back (HvCallVtlemuAssignDevice: access denied)",
          hs == HV_STATUS_ACCESS_DENIED, DEMO_EXIT_DMA_ASSIGN);

    tag = "dma";
    st = secure_call(SC_DMA_ASSIGN, SC_DMA_GIVE_BACK, 0, 0, NULL);
    uint32_t src_lo = inl(DMA0_SRC_LO), status_now = inl(DMA0_STATUS);
    uart_printf("vtl0: asked VTL1 to give dma0 back: status %lu; its registers answer again "
                "(source %08x, status %u); copy A -> B through the remapping\n", st, src_lo,
                status_now);
    bool back = st == SC_OK && src_lo == 0 && status_now != 0xFFFFFFFFu &&
                legit_copy(IOVA_A, IOVA_B, 3);
    check("VTL1 gave dma0 back: VTL0's copies work again", back, DEMO_EXIT_DMA_GIVE_BACK);
}

bool dma_selftest(int *code)
{
    tag = "dma";
    uart_puts("vtl0: dma: copy A -> B by GPA, remapping off\n");
    check("dma0 copies between the kernel's buffers", legit_copy(buf_a, buf_b, 1),
          DEMO_EXIT_DMA_COPY);
    bool on = remap_on();
    uart_printf("vtl0: dma: copy A to IOVA %lx, which the remapping does not map\n",
                IOVA_UNMAPPED);
    check("remapping refuses an IOVA it does not map",
          on && blocked(IOVA_A, IOVA_UNMAPPED, PAGE_SIZE,
                        (struct want){ VTD_FR_NO_WRITE, IOVA_UNMAPPED, false }),
          DEMO_EXIT_DMA_UNMAPPED);
    uart_printf("vtl0: dma: copy IOVA %lx (A) -> IOVA %lx (B) through the remapping\n", IOVA_A,
                IOVA_B);
    check("dma0 copies through the remapping", on && legit_copy(IOVA_A, IOVA_B, 2),
          DEMO_EXIT_DMA_COPY);
    uart_printf("vtl0: dma: self-test %s\n", first_failure ? "FAILED" : "passed");
    *code = first_failure;
    return first_failure == 0;
}
