/* Machine lifetime: RAM, SLAT, the Unicorn engine and its hooks, loading the image. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "emu/boot.h"
#include "emu/loader.h"
#include "emu/machine_priv.h"

/* Translated code buffer per engine: Unicorn reserves 1 GiB by default, and a full
 * flush costs in proportion (UNICORN-FACTS.md). */
#define TCG_BUFFER_SIZE (UINT64_C(128) << 20)

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void emu_emit(vtl_machine *m, emu_event *ev)
{
    if (ev->kind != EV_CONSOLE)
        emu_console_flush(m);
    if (m->on_event)
        m->on_event(ev, m->on_event_ctx);
}

unsigned emu_cpl(vtl_machine *m)
{
    return (unsigned)(cpu_reg(m->uc, UC_X86_REG_CS) & 3);
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
    uc_emu_stop(m->uc);
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
    if (m->stop != STOP_EXIT) {
        m->stop = STOP_EXCEPTION;
        m->exc = (pending_exc){ .vector = 6, .rip = cpu_reg(uc, UC_X86_REG_RIP) };
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

static ve_status open_engine(vtl_machine *m, char *err, size_t errlen)
{
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &m->uc);
    if (e != UC_ERR_OK) {
        set_err(err, errlen, "cannot start Unicorn: %s", uc_strerror(e));
        return VE_E_STATE;
    }
    uc_ctl_set_tcg_buffer_size(m->uc, TCG_BUFFER_SIZE);
    uc_ctl_tlb_mode(m->uc, UC_TLB_VIRTUAL);
    e = uc_mem_map_ptr(m->uc, 0, physmem_total_size(m->pm), UC_PROT_ALL, physmem_host(m->pm));
    if (e != UC_ERR_OK) {
        set_err(err, errlen, "cannot map guest memory into Unicorn: %s", uc_strerror(e));
        return VE_E_STATE;
    }
    uc_hook h;
    int rc = 0;
    rc |= uc_hook_add(m->uc, &h, UC_HOOK_TLB_FILL, (void *)emu_tlb_fill, m, 1, 0);
    rc |= uc_hook_add(m->uc, &h, UC_HOOK_BLOCK, (void *)emu_block_hook, m, 1, 0);
    rc |= uc_hook_add(m->uc, &h, UC_HOOK_INTR, (void *)hook_intr, m, 1, 0);
    rc |= uc_hook_add(m->uc, &h, UC_HOOK_INSN_INVALID, (void *)hook_invalid, m, 1, 0);
    rc |= uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_syscall, m, 1, 0, UC_X86_INS_SYSCALL);
    if (rc) {
        set_err(err, errlen, "cannot install Unicorn hooks");
        return VE_E_STATE;
    }
    emu_port_hooks(m);
    return VE_OK;
}

ve_status emu_create(const emu_config *cfg, vtl_machine **out, char *err, size_t errlen)
{
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
    m->icache = calloc(ICOUNT_SLOTS, sizeof(icount_slot));
    /* A spare-frame pool the size of RAM serves later copy-on-write breaks. */
    ve_status st = m->icache ? physmem_create(cfg->mem_size, cfg->mem_size / PAGE_SIZE, &m->pm) : VE_E_NOMEM;
    if (st == VE_OK)
        st = slat_create(cfg->mem_size, &m->slat0);
    if (st != VE_OK) {
        set_err(err, errlen, "cannot allocate %llu MiB of guest memory: %s",
                (unsigned long long)(cfg->mem_size >> 20), ve_status_str(st));
        emu_destroy(m);
        return st;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &m->cs) != CS_ERR_OK ||
        cs_open(CS_ARCH_X86, CS_MODE_64, &m->cs_detail) != CS_ERR_OK ||
        cs_option(m->cs_detail, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK) {
        set_err(err, errlen, "cannot start Capstone");
        emu_destroy(m);
        return VE_E_STATE;
    }
    st = open_engine(m, err, errlen);
    if (st != VE_OK) {
        emu_destroy(m);
        return st;
    }
    m->slat_gen_seen = slat_generation(m->slat0);
    m->nxe_seen = UINT64_MAX;  /* flush before the first run */
    *out = m;
    return VE_OK;
}

void emu_destroy(vtl_machine *m)
{
    if (!m)
        return;
    if (m->ring0)
        uc_context_free(m->ring0);
    if (m->uc)
        uc_close(m->uc);
    if (m->cs)
        cs_close(&m->cs);
    if (m->cs_detail)
        cs_close(&m->cs_detail);
    slat_destroy(m->slat0);
    physmem_destroy(m->pm);
    free(m->icache);
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
static ve_status enter_boot_state(vtl_machine *m, const boot_entry *b, char *err, size_t errlen)
{
    uc_engine *uc = m->uc;
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
    if (uc_context_alloc(uc, &m->ring0) != UC_ERR_OK || uc_context_save(uc, m->ring0) != UC_ERR_OK) {
        set_err(err, errlen, "cannot save the ring-0 CPU template");
        return VE_E_STATE;
    }
    m->tss_base = b->tss_base;
    return VE_OK;
}

ve_status emu_load_vtl0(vtl_machine *m, const char *path, char *err, size_t errlen)
{
    if (m->loaded) {
        set_err(err, errlen, "a VTL0 image is already loaded");
        return VE_E_STATE;
    }
    uint8_t *data = NULL;
    size_t size = 0;
    ve_status st = loader_read_file(path, &data, &size, err, errlen);
    if (st != VE_OK)
        return st;
    uint64_t ram = physmem_ram_size(m->pm);
    uint64_t area = boot_area_size(ram, m->cfg.append, NULL, 0);
    if (area == UINT64_MAX || area >= ram) {
        free(data);
        set_err(err, errlen, "guest RAM of %llu MiB is too small for the boot area", (unsigned long long)(ram >> 20));
        return VE_E_RANGE;
    }
    /* The loader area is reserved before the image loads, so an image reaching into it is refused. */
    loader_range taken = { ram - area, ram };
    const char *taken_name = "the loader area at the top of RAM";
    loader_image img;
    st = loader_load_elf(m->pm, path, data, size, &taken, &taken_name, 1, &img, err, errlen);
    free(data);
    if (st != VE_OK)
        return st;
    boot_params bp = { .vtl = 0, .area_top = ram, .image = &img, .free_start = align_up(img.hi, PAGE_SIZE),
                       .free_end = ram - area, .cmdline = m->cfg.append };
    boot_entry be;
    st = boot_build(m->pm, &bp, &be, err, errlen);
    if (st != VE_OK)
        return st;
    st = enter_boot_state(m, &be, err, errlen);
    if (st != VE_OK)
        return st;
    snprintf(m->image_path, sizeof(m->image_path), "%s", path);
    m->entry = img.entry;
    m->loaded = true;
    return VE_OK;
}
