/* The hypervisor's side of the vtl/ module: guest memory as a VTL sees it, VP assist
 * pages, SLAT changes (with their events) and registers by TLFS name. */
#include <string.h>

#include "common/bits.h"
#include "emu/vtl_switch.h"

static vtl_machine *M(void *ctx) { return ctx; }

/* Copy between a VTL's view of guest memory and a host buffer, page by page. */
static bool gpa_copy(vtl_machine *m, unsigned vtl, uint64_t gpa, void *buf, size_t len, bool write)
{
    vcpu *v = &m->vp[vtl];
    uint8_t *p = buf;
    while (len) {
        size_t chunk = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        uint64_t spa;
        if (write) {
            slat_entry e;
            if (slat_lookup(v->slat, gpa, &e) == VE_OK && e.cow && (e.rights & SLAT_W) &&
                emu_cow_break_page(m, vtl, align_down(gpa, PAGE_SIZE)) != VE_OK)
                return false;
        }
        if (slat_check(v->slat, gpa, write ? SLAT_ACC_WRITE : SLAT_ACC_READ, 0, &spa) != VE_OK)
            return false;
        uint8_t *host = physmem_host(m->pm) + spa;
        if (write) {
            memcpy(host, p, chunk);
            coh_host_write(m, spa, chunk);
        } else {
            memcpy(p, host, chunk);
        }
        p += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return true;
}

static bool op_read_gpa(void *ctx, unsigned vtl, uint64_t gpa, void *buf, size_t len)
{
    return gpa_copy(M(ctx), vtl, gpa, buf, len, false);
}

static bool op_write_gpa(void *ctx, unsigned vtl, uint64_t gpa, const void *buf, size_t len)
{
    return gpa_copy(M(ctx), vtl, gpa, (void *)buf, len, true);
}

/* The assist page is the hypervisor's: written through the VTL's own GPA -> SPA map,
 * whatever the rights say. */
static uint8_t *assist_ptr(vtl_machine *m, unsigned vtl, uint32_t offset, size_t len)
{
    vcpu *v = &m->vp[vtl];
    slat_entry e;
    if (!v->vp_assist_page || offset + len > PAGE_SIZE || slat_lookup(v->slat, v->vp_assist_page, &e) != VE_OK)
        return NULL;
    return physmem_ptr(m->pm, e.spa + offset, len);
}

static void op_write_assist(void *ctx, unsigned vtl, uint32_t offset, const void *buf, size_t len)
{
    vtl_machine *m = M(ctx);
    uint8_t *p = assist_ptr(m, vtl, offset, len);
    if (!p)
        return;
    memcpy(p, buf, len);
    coh_host_write(m, (uint64_t)(p - physmem_host(m->pm)), len);
}

static void op_read_assist(void *ctx, unsigned vtl, uint32_t offset, void *buf, size_t len)
{
    uint8_t *p = assist_ptr(M(ctx), vtl, offset, len);
    if (p)
        memcpy(buf, p, len);
    else
        memset(buf, 0, len);
}

ve_status emu_protect_page(vtl_machine *m, unsigned target_vtl, uint64_t gpa, unsigned rights, bool cow,
                           unsigned source_vtl, const char *source)
{
    vcpu *t = &m->vp[target_vtl];
    slat_entry before;
    if (!t->slat || slat_lookup(t->slat, gpa, &before) != VE_OK)
        return VE_E_RANGE;
    gpa = align_down(gpa, PAGE_SIZE);
    if (cow) {
        /* Share the source VTL's frame: the target reads and executes the very same
         * bytes; its first write gets a private copy (emu_cow_break_page). */
        slat_entry src;
        if (slat_lookup(m->vp[source_vtl].slat, gpa, &src) != VE_OK)
            return VE_E_RANGE;
        if (before.spa != src.spa || !before.cow) {
            if (!before.cow && before.spa >= physmem_ram_size(m->pm))
                physmem_frame_free(m->pm, before.spa);   /* a private copy no longer used */
            slat_set_page(t->slat, gpa, src.spa, true);
            emu_event ev = { .kind = EV_COW_SHARE, .icount = m->icount, .vtl = m->cur->vtl, .cpl = emu_cpl(m),
                             .rip = cpu_reg(m->cur->uc, UC_X86_REG_RIP), .target_vtl = target_vtl, .gpa = gpa,
                             .spa = src.spa, .pages = 1 };
            emu_emit(m, &ev);
        }
    }
    ve_status st = slat_set_rights(t->slat, gpa, PAGE_SIZE, rights & SLAT_RWX);
    if (st == VE_OK && before.rights != (rights & SLAT_RWX))
        emu_note_slat_change(m, target_vtl, gpa, before.rights, rights & SLAT_RWX, source);
    return st;
}

static ve_status op_protect(void *ctx, unsigned caller_vtl, unsigned target_vtl, uint64_t gpa_page,
                            unsigned rights, bool cow)
{
    return emu_protect_page(M(ctx), target_vtl, gpa_page, rights, cow, caller_vtl, "hypercall");
}

/* TLFS register names: private ones live in the VTL's engine, shared ones in the
 * running engine (the other engine gets them at the next switch). */
static bool reg_id(uint32_t name, int *id, bool *shared)
{
    static const int gprs[16] = {
        UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
        UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
        UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
    };
    *shared = false;
    if (name >= HV_REG_RAX && name <= HV_REG_R15) {
        *id = gprs[name - HV_REG_RAX];
        *shared = *id != UC_X86_REG_RSP;
        return true;
    }
    switch (name) {
    case HV_REG_RIP:    *id = UC_X86_REG_RIP; return true;
    case HV_REG_RFLAGS: *id = UC_X86_REG_RFLAGS; return true;
    case HV_REG_CR0:    *id = UC_X86_REG_CR0; return true;
    case HV_REG_CR2:    *id = UC_X86_REG_CR2; *shared = true; return true;
    case HV_REG_CR3:    *id = UC_X86_REG_CR3; return true;
    case HV_REG_CR4:    *id = UC_X86_REG_CR4; return true;
    case HV_REG_EFER:   *id = -1; return true;
    default:            return false;
    }
}

static ve_status op_get_reg(void *ctx, unsigned vtl, uint32_t name, uint64_t *lo, uint64_t *hi)
{
    vtl_machine *m = M(ctx);
    int id;
    bool shared;
    if (!reg_id(name, &id, &shared))
        return VE_E_INVAL;
    uc_engine *uc = shared ? m->cur->uc : m->vp[vtl].uc;
    if (!uc)
        return VE_E_STATE;
    *lo = id < 0 ? cpu_msr(uc, MSR_EFER) : cpu_reg(uc, id);
    *hi = 0;
    return VE_OK;
}

static ve_status op_set_reg(void *ctx, unsigned vtl, uint32_t name, uint64_t lo, uint64_t hi)
{
    vtl_machine *m = M(ctx);
    int id;
    bool shared;
    (void)hi;
    if (!reg_id(name, &id, &shared))
        return VE_E_INVAL;
    uc_engine *uc = shared ? m->cur->uc : m->vp[vtl].uc;
    if (!uc)
        return VE_E_STATE;
    if (id < 0)
        cpu_set_msr(uc, MSR_EFER, lo);
    else if (id == UC_X86_REG_CR2)
        cpu_set_cr2(uc, lo);
    else
        cpu_set_reg(uc, id, lo);
    return VE_OK;
}

static ve_status op_enable_vp(void *ctx, unsigned vtl, const hv_initial_vp_context *c)
{
    return emu_vtl_start_from_context(M(ctx), vtl, c);
}

static ve_status op_assign_device(void *ctx, uint16_t rid, unsigned vtl)
{
    vtl_machine *m = M(ctx);
    if (rid != DMA0_RID)
        return VE_E_RANGE;   /* dma0 is the one DMA device */
    return iommu_set_device_vtl(m->iommu, rid, vtl);
}

const vtl_ops emu_vtl_ops = {
    .read_gpa = op_read_gpa,
    .write_gpa = op_write_gpa,
    .write_assist = op_write_assist,
    .read_assist = op_read_assist,
    .protect = op_protect,
    .get_reg = op_get_reg,
    .set_reg = op_set_reg,
    .enable_vp = op_enable_vp,
    .assign_device = op_assign_device,
    .ctx = NULL,
};
