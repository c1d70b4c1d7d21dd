/* Machine lifetime: RAM, SLAT, the Unicorn engine and its hooks, loading the image. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "emu/boot.h"
#include "emu/errmsg.h"
#include "emu/loader.h"
#include "emu/machine_priv.h"
#include "emu/vtl_switch.h"

/* Translated code buffer per engine: Unicorn reserves 1 GiB by default, and a full
 * flush costs in proportion (UNICORN-FACTS.md). */
#define TCG_BUFFER_SIZE (UINT64_C(128) << 20)
#define EMU_MAX_MODULES 16

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emu_verr(err, errlen, NULL, fmt, ap);
    va_end(ap);
}

void emu_emit(vtl_machine *m, emu_event *ev)
{
    if (ev->kind != EV_CONSOLE)
        emu_console_flush(m);
    if (ev->kind != EV_SLAT_CHANGE)
        emu_flush_slat_changes(m);
    if (m->on_event)
        m->on_event(ev, m->on_event_ctx);
    emu_log_event(m, ev);
    /* Remember it for the caller of this slice, with its strings copied; once the
     * caller's stop accepted an event, that one stays the answer. */
    if (m->user_stop || !m->want_last)
        return;
    m->last_event = *ev;
    if (ev->text && ev->kind == EV_CONSOLE) {
        size_t n = ev->text_len < sizeof(m->last_text) ? ev->text_len : sizeof(m->last_text);
        memcpy(m->last_text, ev->text, n);
        m->last_event.text = m->last_text;
        m->last_event.text_len = n;
    }
    if (ev->message) {
        snprintf(m->last_msg, sizeof(m->last_msg), "%s", ev->message);
        m->last_event.message = m->last_msg;
    }
    m->last_event_valid = true;
    if (m->stop_fn && m->stop_fn(&m->last_event, m->stop_ctx)) {
        m->user_stop = true;
        if (m->cur->uc)
            uc_emu_stop(m->cur->uc);
    }
}

unsigned emu_cpl(vtl_machine *m)
{
    return (unsigned)(cpu_reg(m->cur->uc, UC_X86_REG_CS) & 3);
}

void emu_stop_exit(vtl_machine *m, int status, emu_exit_reason reason, const char *fmt, ...)
{
    if (m->stop == STOP_EXIT)
        return;
    m->stop = STOP_EXIT;
    m->exit_status = status;
    m->exit_reason = reason;
    m->exit_msg[0] = 0;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->exit_msg, sizeof(m->exit_msg), fmt, ap);
        va_end(ap);
    }
    uc_emu_stop(m->cur->uc);
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *ud)
{
    vtl_machine *m = ud;
    if (m->stop != STOP_NONE) {
        uc_emu_stop(uc);
        return;
    }
    uint64_t rip = cpu_reg(uc, UC_X86_REG_RIP);
    /* int n / int3 / into report RIP after the instruction; faults report it on it.
     * Tell them apart by the bytes before RIP (int 0x0d is software, #GP is not). */
    uint8_t b[2] = { 0, 0 };
    gmem_fault f;
    if (rip >= 2)
        emu_gva_rw(m, rip - 2, b, 2, false, emu_cpl(m), false, &f);
    pending_exc e = { .vector = intno, .rip = rip, .insn_rip = rip };
    if (b[0] == 0xCD && b[1] == intno) {
        e.software = true;
        e.insn_rip = rip - 2;
    } else if ((intno == 3 && b[1] == 0xCC) || (intno == 4 && b[1] == 0xCE)) {
        e.software = true;
        e.insn_rip = rip - 1;
    } else {
        e.error_code = emu_infer_error_code(m, rip, intno);
    }
    m->stop = STOP_EXCEPTION;
    m->exc = e;
    uc_emu_stop(uc);
}

static bool hook_invalid(uc_engine *uc, void *ud)
{
    vtl_machine *m = ud;
    if (m->stop != STOP_NONE)
        return false;
    uint64_t rip = 0, cs = 0;
    int ids[2] = { UC_X86_REG_RIP, UC_X86_REG_CS };
    void *vals[2] = { &rip, &cs };
    uc_reg_read_batch(uc, ids, vals, 2);
    /* Unicorn has no VMX: `vmcall` (0F 01 C1) arrives here as an invalid opcode. The
     * block's first decode noted where its vmcall is; otherwise read the bytes. */
    bool vmcall = m->blk->vmcall_at == rip && rip != 0;
    if (!vmcall) {
        uint8_t b[3] = { 0 };
        gmem_fault f;
        emu_gva_rw(m, rip, b, 3, false, emu_cpl(m), false, &f);
        vmcall = b[0] == 0x0F && b[1] == 0x01 && b[2] == 0xC1;
    }
    m->exc = (pending_exc){ .vector = 6, .rip = rip };
    if (vmcall) {
        /* A hypercall from user mode is #UD, as on Hyper-V. */
        m->stop = (cs & 3) == 0 ? STOP_HYPERCALL : STOP_EXCEPTION;
    } else {
        m->stop = STOP_EXCEPTION;
    }
    return false;
}

static void hook_syscall(uc_engine *uc, void *ud)
{
    vtl_machine *m = ud;
    if (m->stop == STOP_EXIT)
        return;
    m->stop = STOP_SYSCALL;
    m->exc = (pending_exc){ .rip = cpu_reg(uc, UC_X86_REG_RIP) };
    uc_emu_stop(uc);
}

static ve_status open_engine(vtl_machine *m, vcpu *v, char *err, size_t errlen)
{
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &v->uc);
    if (e != UC_ERR_OK) {
        set_err(err, errlen, "cannot start Unicorn: %s", uc_strerror(e));
        return VE_E_STATE;
    }
    /* Unicorn's default model (qemu64) has neither SMEP nor SMAP, and QEMU drops CR4 bits
     * the model lacks: Broadwell has both (TCG filters what it cannot do). */
    uc_ctl_set_cpu_model(v->uc, UC_CPU_X86_BROADWELL);
    uc_ctl_set_tcg_buffer_size(v->uc, TCG_BUFFER_SIZE);
    uc_ctl_tlb_mode(v->uc, UC_TLB_VIRTUAL);
    /* Every engine maps the same SPA buffer: RAM plus the copy-on-write frame pool. */
    e = uc_mem_map_ptr(v->uc, 0, physmem_total_size(m->pm), UC_PROT_ALL, physmem_host(m->pm));
    if (e == UC_ERR_OK)
        e = uc_mmio_map(v->uc, m->mmio_spa, VTD_MMIO_SIZE, emu_vtd_mmio_read, m, emu_vtd_mmio_write, m);
    if (e != UC_ERR_OK) {
        set_err(err, errlen, "cannot map guest memory into Unicorn: %s", uc_strerror(e));
        return VE_E_STATE;
    }
    /* Hooks act on m->cur: only the running VTL's engine ever executes. */
    uc_hook h;
    int rc = 0;
    rc |= uc_hook_add(v->uc, &h, UC_HOOK_TLB_FILL, (void *)emu_tlb_fill, m, 1, 0);
    rc |= uc_hook_add(v->uc, &h, UC_HOOK_BLOCK, (void *)emu_block_hook, m, 1, 0);
    rc |= uc_hook_add(v->uc, &h, UC_HOOK_INTR, (void *)hook_intr, m, 1, 0);
    rc |= uc_hook_add(v->uc, &h, UC_HOOK_INSN_INVALID, (void *)hook_invalid, m, 1, 0);
    rc |= uc_hook_add(v->uc, &h, UC_HOOK_INSN, (void *)hook_syscall, m, 1, 0, UC_X86_INS_SYSCALL);
    if (rc) {
        set_err(err, errlen, "cannot install Unicorn hooks");
        return VE_E_STATE;
    }
    emu_port_hooks(m, v->uc);
    return VE_OK;
}

/* An engine, SLAT and block cache for one VTL (the CPU state comes later). */
ve_status emu_vcpu_init(vtl_machine *m, unsigned vtl, char *err, size_t errlen)
{
    vcpu *v = &m->vp[vtl];
    if (v->uc)
        return VE_OK;
    v->vtl = vtl;
    v->mach = m;
    v->icache = aligned_alloc(_Alignof(icount_slot), ICOUNT_SLOTS * sizeof(icount_slot));
    if (v->icache)
        memset(v->icache, 0, ICOUNT_SLOTS * sizeof(icount_slot));
    bool coh_ok = coh_init(&v->coh, physmem_total_size(m->pm) / PAGE_SIZE);
    ve_status st = v->icache && coh_ok ? slat_create(physmem_ram_size(m->pm), &v->slat) : VE_E_NOMEM;
    if (st != VE_OK) {
        set_err(err, errlen, "cannot allocate VTL%u state: %s", vtl, ve_status_str(st));
        return st;
    }
    st = open_engine(m, v, err, errlen);
    if (st != VE_OK)
        return st;
    v->slat_gen_seen = slat_generation(v->slat);
    v->nxe_seen = UINT64_MAX;  /* flush before the first run */
    if (m->cur == v)
        emu_set_cur(m, v);   /* its block cache exists only now */
    return VE_OK;
}

void emu_lsan_anchor(void);

ve_status emu_create(const emu_config *cfg, vtl_machine **out, char *err, size_t errlen)
{
    emu_lsan_anchor();
    if (cfg->mem_size < EMU_MIN_MEM || cfg->mem_size > EMU_MAX_MEM || !is_aligned(cfg->mem_size, PAGE_2M)) {
        set_err(err, errlen, "memory size must be a multiple of 2 MiB between 16 MiB and 64 GiB");
        return VE_E_INVAL;
    }
    vtl_machine *m = calloc(1, sizeof(*m));
    if (!m) {
        set_err(err, errlen, "out of host memory");
        return VE_E_NOMEM;
    }
    m->cfg = *cfg;
    m->cur = &m->vp[0];   /* emu_set_cur once its engine exists */
    m->blk = &emu_no_block;
    vtl_state_init(&m->vs);
    /* A spare-frame pool the size of RAM serves copy-on-write breaks. */
    ve_status st = physmem_create(cfg->mem_size, cfg->mem_size / PAGE_SIZE, &m->pm);
    if (st != VE_OK) {
        set_err(err, errlen, "cannot allocate %llu MiB of guest memory: %s",
                (unsigned long long)(cfg->mem_size >> 20), ve_status_str(st));
        emu_destroy(m);
        return st;
    }
    /* The MMIO window sits in SPA space right above RAM and the frame pool. */
    m->mmio_spa = physmem_total_size(m->pm);
    if (emu_iommu_init(m) != VE_OK) {
        set_err(err, errlen, "cannot create the IOMMU");
        emu_destroy(m);
        return VE_E_NOMEM;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &m->cs) != CS_ERR_OK ||
        cs_open(CS_ARCH_X86, CS_MODE_64, &m->cs_detail) != CS_ERR_OK ||
        cs_option(m->cs_detail, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK) {
        set_err(err, errlen, "cannot start Capstone");
        emu_destroy(m);
        return VE_E_STATE;
    }
    st = emu_vcpu_init(m, 0, err, errlen);
    if (st != VE_OK) {
        emu_destroy(m);
        return st;
    }
    *out = m;
    return VE_OK;
}

void emu_destroy(vtl_machine *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < VTL_COUNT; i++) {
        vcpu *v = &m->vp[i];
        if (v->ring0)
            uc_context_free(v->ring0);
        if (v->uc)
            uc_close(v->uc);
        slat_destroy(v->slat);
        free(v->icache);
        coh_free(&v->coh);
    }
    emu_log_free(m);
    iommu_destroy(m->iommu);
    if (m->cs)
        cs_close(&m->cs);
    if (m->cs_detail)
        cs_close(&m->cs_detail);
    physmem_destroy(m->pm);
    free(m);
}

void emu_on_event(vtl_machine *m, emu_event_fn fn, void *ctx)
{
    m->on_event = fn;
    m->on_event_ctx = ctx;
}

void emu_on_console(vtl_machine *m, emu_console_fn fn, void *ctx)
{
    m->on_console = fn;
    m->on_console_ctx = ctx;
}

uint64_t emu_icount(const vtl_machine *m)
{
    return m->icount;
}

/* Entry state of DESIGN.md §3, and the ring-0 template taken from it. */
static ve_status enter_boot_state(vcpu *v, const boot_entry *b, char *err, size_t errlen)
{
    uc_engine *uc = v->uc;
    cpu_set_msr(uc, MSR_EFER, b->efer);
    cpu_set_reg(uc, UC_X86_REG_CR4, b->cr4);
    cpu_set_reg(uc, UC_X86_REG_CR3, b->cr3);
    cpu_set_reg(uc, UC_X86_REG_CR0, b->cr0);
    uc_x86_mmr gdtr = { .base = b->gdtr_base, .limit = b->gdtr_limit };
    uc_x86_mmr idtr = { 0 };
    /* 0x89: present, 64-bit TSS available (Unicorn keeps these as descriptor flags << 8). */
    uc_x86_mmr tr = { .selector = b->tr, .base = b->tss_base, .limit = b->tss_limit, .flags = 0x8900 };
    uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    uc_reg_write(uc, UC_X86_REG_IDTR, &idtr);
    uc_reg_write(uc, UC_X86_REG_TR, &tr);
    uint16_t cs = b->cs, ds = b->ds;
    uc_reg_write(uc, UC_X86_REG_CS, &cs);
    int segs[] = { UC_X86_REG_SS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS };
    for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
        uc_err e = uc_reg_write(uc, segs[i], &ds);
        if (e != UC_ERR_OK) {
            set_err(err, errlen, "cannot load the boot data segment: %s", uc_strerror(e));
            return VE_E_STATE;
        }
    }
    cpu_set_reg(uc, UC_X86_REG_FS_BASE, 0);
    cpu_set_reg(uc, UC_X86_REG_GS_BASE, 0);
    cpu_set_reg(uc, UC_X86_REG_RFLAGS, b->rflags);
    cpu_set_reg(uc, UC_X86_REG_RSP, b->rsp);
    cpu_set_reg(uc, UC_X86_REG_RDI, b->rdi);
    cpu_set_reg(uc, UC_X86_REG_RIP, b->rip);
    if (uc_context_alloc(uc, &v->ring0) != UC_ERR_OK || uc_context_save(uc, v->ring0) != UC_ERR_OK) {
        set_err(err, errlen, "cannot save the ring-0 CPU template");
        return VE_E_STATE;
    }
    v->entry = b->rip;
    v->boot_info = b->boot_info;
    v->hypercall_page = b->hypercall_page;
    v->vp_assist_page = b->vp_assist_page;
    v->loader_start = b->loader_start;
    v->loader_end = b->loader_end;
    v->enabled = true;
    return VE_OK;
}

typedef struct loaded_image {
    const char *path;
    loader_image img;
} loaded_image;

static ve_status load_one(vtl_machine *m, const char *path, loader_range *taken, const char **names,
                          size_t *ntaken, loaded_image *out, char *err, size_t errlen)
{
    uint8_t *data = NULL;
    size_t size = 0;
    ve_status st = loader_read_file(path, &data, &size, err, errlen);
    if (st != VE_OK)
        return st;
    st = loader_load_elf(m->pm, path, data, size, taken, names, *ntaken, &out->img, err, errlen);
    free(data);
    if (st != VE_OK)
        return st;
    out->path = path;
    taken[*ntaken] = (loader_range){ out->img.lo, out->img.hi };
    names[*ntaken] = path;
    (*ntaken)++;
    return VE_OK;
}

static ve_status load_images(vtl_machine *m, const char *vtl0_path, const char *vtl1_path,
                             const boot_module *mods, size_t nmod, char *err, size_t errlen);

ve_status emu_load(vtl_machine *m, const char *vtl0_path, const char *vtl1_path, char *err, size_t errlen)
{
    if (m->loaded) {
        set_err(err, errlen, "images are already loaded");
        return VE_E_STATE;
    }
    /* Modules go to the secure kernel, or to the VTL0 kernel without one. */
    boot_module mods[EMU_MAX_MODULES];
    uint8_t *mod_data[EMU_MAX_MODULES] = { 0 };
    size_t nmod = m->cfg.module_count;
    if (nmod > EMU_MAX_MODULES) {
        set_err(err, errlen, "too many modules (%zu, at most %d)", nmod, EMU_MAX_MODULES);
        return VE_E_INVAL;
    }
    ve_status st = VE_OK;
    for (size_t i = 0; i < nmod && st == VE_OK; i++) {
        size_t size = 0;
        st = loader_read_file(m->cfg.modules[i], &mod_data[i], &size, err, errlen);
        mods[i] = (boot_module){ .data = mod_data[i], .size = size };
    }
    if (st == VE_OK)
        st = load_images(m, vtl0_path, vtl1_path, mods, nmod, err, errlen);
    for (size_t i = 0; i < nmod; i++)
        free(mod_data[i]);
    return st;
}

static ve_status load_images(vtl_machine *m, const char *vtl0_path, const char *vtl1_path,
                             const boot_module *mods, size_t nmod, char *err, size_t errlen)
{
    uint64_t ram = physmem_ram_size(m->pm);
    /* Loader areas at the top of RAM: VTL1's highest, VTL0's below it. Without a secure
     * kernel, one page below VTL0's area is kept for the VP assist page of a VTL1 that
     * VTL0 may enable later (EnablePartitionVtl + EnableVpVtl). */
    uint64_t area1 = vtl1_path ? boot_area_size(ram, NULL, mods, nmod) : PAGE_SIZE;
    uint64_t area0 = boot_area_size(ram, m->cfg.append, vtl1_path ? NULL : mods, vtl1_path ? 0 : nmod);
    if (area0 == UINT64_MAX || area1 == UINT64_MAX || area0 + area1 + PAGE_SIZE >= ram) {
        set_err(err, errlen, "guest RAM of %llu MiB is too small for the boot areas", (unsigned long long)(ram >> 20));
        return VE_E_RANGE;
    }
    uint64_t top0 = ram - area1, bottom0 = top0 - area0;

    loader_range taken[4] = { { bottom0, ram } };
    const char *names[4] = { "the loader area at the top of RAM" };
    size_t ntaken = 1;
    loaded_image sk = { 0 }, k0 = { 0 };
    ve_status st;
    if (vtl1_path) {
        st = load_one(m, vtl1_path, taken, names, &ntaken, &sk, err, errlen);
        if (st != VE_OK)
            return st;
    }
    st = load_one(m, vtl0_path, taken, names, &ntaken, &k0, err, errlen);
    if (st != VE_OK)
        return st;
    uint64_t free_start = align_up(vtl1_path && sk.img.hi > k0.img.hi ? sk.img.hi : k0.img.hi, PAGE_SIZE);

    boot_params bp0 = { .vtl = 0, .area_top = top0, .image = &k0.img, .free_start = free_start,
                        .free_end = bottom0, .cmdline = m->cfg.append, .modules = vtl1_path ? NULL : mods,
                        .module_count = vtl1_path ? 0 : nmod };
    if (vtl1_path) {
        bp0.vtl1_start = sk.img.lo;
        bp0.vtl1_end = sk.img.hi;
    }
    boot_entry be0, be1;
    st = boot_build(m->pm, &bp0, &be0, err, errlen);
    if (st == VE_OK)
        st = enter_boot_state(&m->vp[0], &be0, err, errlen);
    if (st != VE_OK)
        return st;
    snprintf(m->vp[0].image_path, sizeof(m->vp[0].image_path), "%s", vtl0_path);

    if (vtl1_path) {
        boot_params bp1 = bp0;
        bp1.vtl = 1;
        bp1.area_top = ram;
        bp1.image = &sk.img;
        bp1.cmdline = NULL;
        bp1.modules = mods;
        bp1.module_count = nmod;
        st = boot_build(m->pm, &bp1, &be1, err, errlen);
        if (st == VE_OK)
            st = emu_vcpu_init(m, 1, err, errlen);
        if (st == VE_OK)
            st = enter_boot_state(&m->vp[1], &be1, err, errlen);
        if (st != VE_OK)
            return st;
        snprintf(m->vp[1].image_path, sizeof(m->vp[1].image_path), "%s", vtl1_path);
        emu_vtl_boot_secure(m);
    } else {
        m->vp1_assist_reserved = top0;   /* the page kept above VTL0's area */
    }
    m->loaded = true;
    return VE_OK;
}

ve_status emu_load_vtl0(vtl_machine *m, const char *path, char *err, size_t errlen)
{
    return emu_load(m, path, NULL, err, errlen);
}
