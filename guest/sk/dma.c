/* The secure kernel and the DMA engine dma0 (secure calls SC_DMA_ASSIGN, SC_DMA_CHECK).
 *
 * dma0 belongs to VTL0 at boot, so the VTL0 kernel programs it and its remapping unit
 * (only ever within what VTL0's SLAT allows). On request VTL1 takes it with vtlemu's
 * HvCallVtlemuAssignDevice: from then on VTL0's accesses to its ports are refused (reads
 * give all ones, writes are dropped), its DMA goes through VTL1's SLAT with IOVA = GPA,
 * and VTL0's remapping tables no longer apply. VTL1 shows it by copying a page of its
 * own memory — pages of its image, which VTL0 can never reach — and checking the bytes.
 * Before giving the device back it wipes the addresses it programmed. */
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/vtlemu.h"
#include "guest/sk/sk.h"

/* Two pages in the image's bss: no-access for VTL0 like the rest of the image. The
 * identity map makes their addresses GPAs, which is what VTL1's dma0 uses. */
static uint8_t dma_pages[2][4096] __attribute__((aligned(4096)));
static bool owned;
static unsigned rounds;

/* What VTL1 last wrote to the address and length registers. */
static struct {
    uint32_t src_lo, src_hi, dst_lo, dst_hi, len;
} programmed;

static bool registers_intact(void)
{
    return inl(DMA0_SRC_LO) == programmed.src_lo && inl(DMA0_SRC_HI) == programmed.src_hi &&
           inl(DMA0_DST_LO) == programmed.dst_lo && inl(DMA0_DST_HI) == programmed.dst_hi &&
           inl(DMA0_LEN) == programmed.len;
}

/* One page from dma_pages[0] to dma_pages[1], a fresh pattern each round. */
static uint64_t copy_own_page(uint64_t *copied)
{
    uint8_t *src = dma_pages[0], *dst = dma_pages[1];
    uint64_t s = (uint64_t)src, d = (uint64_t)dst;
    rounds++;
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        src[i] = (uint8_t)(i * 31u + rounds * 7u + 1u);
    memset(dst, 0, PAGE_SIZE);

    uint32_t n = 0;
    uint32_t st = dma0_copy(s, d, PAGE_SIZE, &n);
    programmed.src_lo = (uint32_t)s;
    programmed.src_hi = (uint32_t)(s >> 32);
    programmed.dst_lo = (uint32_t)d;
    programmed.dst_hi = (uint32_t)(d >> 32);
    programmed.len = PAGE_SIZE;
    bool same = memcmp(src, dst, PAGE_SIZE) == 0;
    *copied = n;
    SK_LOG("dma0 copied VTL1's page 0x%lx to 0x%lx: status %u, %u bytes, %s\n", s, d, st, n,
           same ? "bytes match" : "bytes DIFFER");
    return st == DMA0_ST_DONE && n == PAGE_SIZE && same ? SC_OK : SC_E_DEVICE;
}

uint64_t sk_dma_take(uint64_t *copied)
{
    *copied = 0;
    if (hv_assign_device(DMA0_RID, 1) != HV_STATUS_SUCCESS)
        return SC_E_HYPERCALL;
    owned = true;
    SK_LOG("dma0 (00:03.0) belongs to VTL1 now: VTL0 can no longer program or read it, and "
           "its DMA goes through VTL1's SLAT, not VTL0's remapping\n");
    return copy_own_page(copied);
}

uint64_t sk_dma_check(uint64_t *copied)
{
    *copied = 0;
    if (!owned)
        return SC_E_INVALID;
    bool intact = registers_intact();
    SK_LOG("dma0's registers are %s\n", intact ? "as VTL1 left them: nothing VTL0 wrote got "
                                                 "through" : "CHANGED behind VTL1's back");
    uint64_t st = copy_own_page(copied);
    return intact ? st : SC_E_DEVICE;
}

uint64_t sk_dma_give_back(void)
{
    if (!owned)
        return SC_E_INVALID;
    /* VTL0 reads these once the device is its own again: no VTL1 addresses in them. */
    outl(DMA0_SRC_LO, 0);
    outl(DMA0_SRC_HI, 0);
    outl(DMA0_DST_LO, 0);
    outl(DMA0_DST_HI, 0);
    outl(DMA0_LEN, 0);
    memset(dma_pages, 0, sizeof dma_pages);
    if (hv_assign_device(DMA0_RID, 0) != HV_STATUS_SUCCESS)
        return SC_E_HYPERCALL;
    owned = false;
    SK_LOG("dma0 wiped and given back to VTL0\n");
    return SC_OK;
}
