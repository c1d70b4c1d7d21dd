/* The dma0 engine (DESIGN.md §4): requester 00:03.0, 32-bit registers at ports
 * 0x500-0x51F, every transfer page by page through the IOMMU and the SLAT of the VTL the
 * device belongs to. A device owned by VTL1 does not answer VTL0. */
#include <string.h>

#include "common/bits.h"
#include "emu/vtl_switch.h"

#define DMA_SRC_LO   0x00
#define DMA_SRC_HI   0x04
#define DMA_DST_LO   0x08
#define DMA_DST_HI   0x0C
#define DMA_LEN      0x10
#define DMA_CMD      0x14
#define DMA_STATUS   0x18
#define DMA_COPIED   0x1C

/* ---- the remapping unit's view of the machine -------------------------------------- */

static bool iommu_read64(void *ctx, uint64_t gpa, uint64_t *val)
{
    vtl_machine *m = ctx;
    slat_entry e;
    /* Tables are VTL0's: read through VTL0's GPA -> SPA map (the unit checked rights). */
    if (slat_lookup(m->vp[0].slat, gpa, &e) != VE_OK)
        return false;
    return physmem_read(m->pm, e.spa + (gpa & (PAGE_SIZE - 1)), val, 8) == VE_OK;
}

static bool iommu_slat(void *ctx, unsigned vtl, uint64_t gpa, bool write, uint64_t *spa)
{
    vtl_machine *m = ctx;
    if (vtl >= VTL_COUNT || !m->vp[vtl].slat || !m->vp[vtl].enabled)
        return false;
    if (slat_check(m->vp[vtl].slat, gpa, write ? SLAT_ACC_WRITE : SLAT_ACC_READ, 0, spa) != VE_OK)
        return false;
    if (write)
        coh_host_write(m, align_down(*spa, PAGE_SIZE), PAGE_SIZE);   /* code from it is stale */
    return true;
}

static bool iommu_cow_write(void *ctx, unsigned vtl, uint64_t gpa, uint64_t *spa)
{
    vtl_machine *m = ctx;
    slat_entry e;
    if (vtl >= VTL_COUNT || !m->vp[vtl].slat || slat_lookup(m->vp[vtl].slat, gpa, &e) != VE_OK || !e.cow ||
        !(e.rights & SLAT_W))
        return false;
    /* A device write breaks the share like a CPU write of that VTL. */
    if (emu_cow_break_page(m, vtl, align_down(gpa, PAGE_SIZE)) != VE_OK)
        return false;
    return iommu_slat(ctx, vtl, gpa, true, spa);
}

ve_status emu_iommu_init(vtl_machine *m)
{
    iommu_env env = { .read64 = iommu_read64, .slat = iommu_slat, .cow_write = iommu_cow_write, .ctx = m,
                      .spa_base = physmem_host(m->pm), .spa_size = physmem_total_size(m->pm) };
    return iommu_create(&env, &m->iommu);
}

/* ---- transfers -------------------------------------------------------------------- */

static void emit_fault(vtl_machine *m, const iommu_result *f, uint64_t icount, uint64_t rip)
{
    emu_event ev = { .kind = EV_IOMMU_FAULT, .icount = icount, .vtl = m->cur->vtl, .cpl = emu_cpl(m), .rip = rip,
                     .requester = f->rid, .device_vtl = f->vtl, .iova = f->iova, .gpa = f->gpa, .no_gpa = !f->gpa_known,
                     .access = f->write ? ACC_WRITE : ACC_READ, .fault_reason = iommu_reason_name(f->reason) };
    emu_emit(m, &ev);
}

unsigned emu_dma_transfer(vtl_machine *m, uint16_t rid, uint64_t src, uint64_t dst, uint64_t len, uint64_t *copied,
                          uint64_t icount, uint64_t rip)
{
    iommu_dma_result r;
    memset(&r, 0, sizeof(r));
    if (iommu_dma(m->iommu, rid, src, dst, len, &r) != VE_OK)
        r.status = IOMMU_DMA_BAD_REQUEST;
    emu_event ev = { .kind = EV_DMA, .icount = icount, .vtl = m->cur->vtl, .cpl = emu_cpl(m), .rip = rip,
                     .requester = rid, .device_vtl = iommu_device_vtl(m->iommu, rid), .iova = src, .dst_iova = dst,
                     .gpa = r.src_gpa, .no_gpa = r.copied == 0, .length = len, .dma_status = (unsigned)r.status, .copied = r.copied };
    emu_emit(m, &ev);
    if (r.status == IOMMU_DMA_BLOCKED && r.fault.reason != IOMMU_FR_NONE)
        emit_fault(m, &r.fault, icount, rip);
    if (copied)
        *copied = r.copied;
    return (unsigned)r.status;
}

/* ---- the dma0 registers ------------------------------------------------------------ */

static bool owner_refuses(vtl_machine *m, uint32_t port, emu_access acc, uint64_t icount, uint64_t rip)
{
    unsigned owner = iommu_device_vtl(m->iommu, DMA0_RID);
    if (m->cur->vtl >= owner)
        return false;
    emu_event ev = { .kind = EV_DEVICE_DENIED, .icount = icount, .vtl = m->cur->vtl, .cpl = emu_cpl(m), .rip = rip,
                     .requester = DMA0_RID, .device_vtl = owner, .port = port, .access = acc };
    emu_emit(m, &ev);
    return true;
}

static void merge(uint32_t *reg, unsigned off, int size, uint32_t value)
{
    unsigned shift = (off & 3) * 8;
    uint32_t mask = size >= 4 ? 0xFFFFFFFFu : ((1u << (size * 8)) - 1) << shift;
    *reg = (*reg & ~mask) | ((value << shift) & mask);
}

void emu_dma_port_write(vtl_machine *m, uint32_t port, int size, uint32_t value, uint64_t icount, uint64_t rip)
{
    if (owner_refuses(m, port, ACC_WRITE, icount, rip))
        return;
    dma0_regs *d = &m->dma0;
    unsigned off = port - DMA0_PORT;
    switch (off & ~3u) {
    case DMA_SRC_LO: merge(&d->src_lo, off, size, value); break;
    case DMA_SRC_HI: merge(&d->src_hi, off, size, value); break;
    case DMA_DST_LO: merge(&d->dst_lo, off, size, value); break;
    case DMA_DST_HI: merge(&d->dst_hi, off, size, value); break;
    case DMA_LEN:    merge(&d->len, off, size, value); break;
    case DMA_CMD:
        if ((off & 3) == 0 && (value & 1)) {
            uint64_t copied = 0;
            uint64_t src = (uint64_t)d->src_hi << 32 | d->src_lo, dst = (uint64_t)d->dst_hi << 32 | d->dst_lo;
            d->status = emu_dma_transfer(m, DMA0_RID, src, dst, d->len, &copied, icount, rip);
            d->copied = (uint32_t)copied;
        }
        break;
    default:
        break;   /* status and bytes copied are read-only */
    }
}

uint32_t emu_dma_port_read(vtl_machine *m, uint32_t port, int size, uint64_t icount, uint64_t rip)
{
    if (owner_refuses(m, port, ACC_READ, icount, rip))
        return 0xFFFFFFFFu;
    const dma0_regs *d = &m->dma0;
    unsigned off = port - DMA0_PORT;
    uint32_t v = 0;
    switch (off & ~3u) {
    case DMA_SRC_LO: v = d->src_lo; break;
    case DMA_SRC_HI: v = d->src_hi; break;
    case DMA_DST_LO: v = d->dst_lo; break;
    case DMA_DST_HI: v = d->dst_hi; break;
    case DMA_LEN:    v = d->len; break;
    case DMA_CMD:    v = 0; break;
    case DMA_STATUS: v = d->status; break;
    case DMA_COPIED: v = d->copied; break;
    default: break;
    }
    v >>= (off & 3) * 8;
    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

/* ---- the public call (scripts) ------------------------------------------------------ */

ve_status emu_dma(vtl_machine *m, uint16_t requester, uint64_t src, uint64_t dst, uint64_t len, unsigned *status,
                  uint64_t *copied)
{
    if (requester != DMA0_RID)
        return VE_E_RANGE;   /* dma0 is the one DMA device */
    unsigned st = emu_dma_transfer(m, requester, src, dst, len, copied, m->icount,
                                   cpu_reg(m->cur->uc, UC_X86_REG_RIP));
    if (status)
        *status = st;
    return VE_OK;
}
