/* Inspection for scripts and the debugger: machine status, registers by name,
 * memory as a VTL sees it (no events, no side effects), SLAT, disassembly. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/bits.h"
#include "emu/vtl_switch.h"

bool emu_exited(const vtl_machine *m, int *status)
{
    if (m->finished && status)
        *status = m->exit_status;
    return m->finished;
}

unsigned emu_current_vtl(const vtl_machine *m)
{
    return m->cur->vtl;
}

unsigned emu_current_cpl(vtl_machine *m)
{
    return emu_cpl(m);
}

bool emu_vtl_enabled(const vtl_machine *m, unsigned vtl)
{
    return vtl < VTL_COUNT && m->vp[vtl].enabled;
}

/* ---- registers ------------------------------------------------------------------- */

typedef enum reg_kind { RK_REG, RK_MSR, RK_TABLE_BASE, RK_TABLE_LIMIT, RK_TR } reg_kind;
typedef struct reg_desc {
    const char *name;
    reg_kind kind;
    int id;          /* Unicorn register id, or MSR number */
    bool shared;     /* shared between VTLs (DESIGN.md §6) */
} reg_desc;

static const reg_desc regs[] = {
    { "rax", RK_REG, UC_X86_REG_RAX, true }, { "rcx", RK_REG, UC_X86_REG_RCX, true },
    { "rdx", RK_REG, UC_X86_REG_RDX, true }, { "rbx", RK_REG, UC_X86_REG_RBX, true },
    { "rsp", RK_REG, UC_X86_REG_RSP, false }, { "rbp", RK_REG, UC_X86_REG_RBP, true },
    { "rsi", RK_REG, UC_X86_REG_RSI, true }, { "rdi", RK_REG, UC_X86_REG_RDI, true },
    { "r8", RK_REG, UC_X86_REG_R8, true },   { "r9", RK_REG, UC_X86_REG_R9, true },
    { "r10", RK_REG, UC_X86_REG_R10, true }, { "r11", RK_REG, UC_X86_REG_R11, true },
    { "r12", RK_REG, UC_X86_REG_R12, true }, { "r13", RK_REG, UC_X86_REG_R13, true },
    { "r14", RK_REG, UC_X86_REG_R14, true }, { "r15", RK_REG, UC_X86_REG_R15, true },
    { "rip", RK_REG, UC_X86_REG_RIP, false }, { "rflags", RK_REG, UC_X86_REG_RFLAGS, false },
    { "cr0", RK_REG, UC_X86_REG_CR0, false }, { "cr2", RK_REG, UC_X86_REG_CR2, true },
    { "cr3", RK_REG, UC_X86_REG_CR3, false }, { "cr4", RK_REG, UC_X86_REG_CR4, false },
    { "dr0", RK_REG, UC_X86_REG_DR0, true }, { "dr1", RK_REG, UC_X86_REG_DR1, true },
    { "dr2", RK_REG, UC_X86_REG_DR2, true }, { "dr3", RK_REG, UC_X86_REG_DR3, true },
    { "dr6", RK_REG, UC_X86_REG_DR6, true }, { "dr7", RK_REG, UC_X86_REG_DR7, false },
    { "cs", RK_REG, UC_X86_REG_CS, false }, { "ds", RK_REG, UC_X86_REG_DS, false },
    { "es", RK_REG, UC_X86_REG_ES, false }, { "fs", RK_REG, UC_X86_REG_FS, false },
    { "gs", RK_REG, UC_X86_REG_GS, false }, { "ss", RK_REG, UC_X86_REG_SS, false },
    { "fs_base", RK_REG, UC_X86_REG_FS_BASE, false }, { "gs_base", RK_REG, UC_X86_REG_GS_BASE, false },
    { "efer", RK_MSR, (int)MSR_EFER, false }, { "star", RK_MSR, (int)MSR_STAR, false },
    { "lstar", RK_MSR, (int)MSR_LSTAR, false }, { "cstar", RK_MSR, (int)MSR_CSTAR, false },
    { "sfmask", RK_MSR, (int)MSR_SFMASK, false }, { "kernel_gs_base", RK_MSR, (int)MSR_KERNEL_GS, false },
    { "pat", RK_MSR, (int)MSR_PAT, false },
    { "gdtr_base", RK_TABLE_BASE, UC_X86_REG_GDTR, false }, { "gdtr_limit", RK_TABLE_LIMIT, UC_X86_REG_GDTR, false },
    { "idtr_base", RK_TABLE_BASE, UC_X86_REG_IDTR, false }, { "idtr_limit", RK_TABLE_LIMIT, UC_X86_REG_IDTR, false },
    { "tr", RK_TR, UC_X86_REG_TR, false },
};

static bool is_segment(int id)
{
    return id == UC_X86_REG_CS || id == UC_X86_REG_DS || id == UC_X86_REG_ES || id == UC_X86_REG_FS ||
           id == UC_X86_REG_GS || id == UC_X86_REG_SS;
}

static const reg_desc *find_reg(const char *name)
{
    for (size_t i = 0; name && i < sizeof(regs) / sizeof(regs[0]); i++)
        if (!strcmp(regs[i].name, name))
            return &regs[i];
    return NULL;
}

/* Shared registers live in the running engine (the other gets them at the switch). */
static uc_engine *engine_for(vtl_machine *m, unsigned vtl, const reg_desc *d)
{
    if (vtl >= VTL_COUNT || !m->vp[vtl].enabled)
        return NULL;
    return d->shared ? m->cur->uc : m->vp[vtl].uc;
}

ve_status emu_reg_get(vtl_machine *m, unsigned vtl, const char *name, uint64_t *value)
{
    const reg_desc *d = find_reg(name);
    if (!d)
        return VE_E_INVAL;
    uc_engine *uc = engine_for(m, vtl, d);
    if (!uc)
        return VE_E_STATE;
    uc_x86_mmr t = { 0 };
    switch (d->kind) {
    case RK_REG:
        *value = cpu_reg(uc, d->id);
        if (is_segment(d->id))
            *value &= 0xFFFF;
        break;
    case RK_MSR:
        *value = cpu_msr(uc, (uint32_t)d->id);
        break;
    case RK_TABLE_BASE:
    case RK_TABLE_LIMIT:
        uc_reg_read(uc, d->id, &t);
        *value = d->kind == RK_TABLE_BASE ? t.base : t.limit;
        break;
    case RK_TR:
        uc_reg_read(uc, d->id, &t);
        *value = t.selector;
        break;
    }
    return VE_OK;
}

ve_status emu_reg_set(vtl_machine *m, unsigned vtl, const char *name, uint64_t value)
{
    const reg_desc *d = find_reg(name);
    if (!d)
        return VE_E_INVAL;
    uc_engine *uc = engine_for(m, vtl, d);
    if (!uc)
        return VE_E_STATE;
    uc_x86_mmr t = { 0 };
    switch (d->kind) {
    case RK_REG:
        if (d->id == UC_X86_REG_CR2) {
            cpu_set_cr2(uc, value);
        } else if (is_segment(d->id)) {
            uint16_t sel = (uint16_t)value;
            /* Only the selector changes in 64-bit mode; FS/GS loads read the GDT. */
            if (uc_reg_write(uc, d->id, &sel) != UC_ERR_OK)
                return VE_E_INVAL;
        } else {
            cpu_set_reg(uc, d->id, value);
        }
        break;
    case RK_MSR:
        cpu_set_msr(uc, (uint32_t)d->id, value);
        break;
    case RK_TABLE_BASE:
    case RK_TABLE_LIMIT:
        uc_reg_read(uc, d->id, &t);
        if (d->kind == RK_TABLE_BASE)
            t.base = value;
        else
            t.limit = (uint32_t)value;
        uc_reg_write(uc, d->id, &t);
        break;
    case RK_TR:
        return VE_E_INVAL;   /* a TSS selector alone would leave the hidden part stale */
    }
    return VE_OK;
}

/* ---- memory ---------------------------------------------------------------------- */

static void why_set(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void why_set(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || !whylen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

/* GVA -> GPA through the VTL's page tables, as the debugger sees them (no A/D; a
 * debugger write needs the page present, not writable). */
static ve_status gva_to_gpa(vtl_machine *m, vcpu *v, uint64_t gva, bool write, uint64_t *gpa, char *why,
                            size_t whylen)
{
    (void)write;
    mmu_ctrl ctrl;
    emu_mmu_ctrl_of(v, &ctrl);
    mmu_mem mem = emu_pt_mem_ops;
    mem.ctx = v;
    mmu_req req = { .gva = gva, .access = MMU_READ, .cpl = 0, .rflags_ac = true, .set_ad = false };
    mmu_result r;
    mmu_walk(&ctrl, &mem, &req, &r);
    (void)m;
    switch (r.kind) {
    case MMU_OK:
        *gpa = r.gpa;
        return VE_OK;
    case MMU_NO_PAGING:
        *gpa = gva;
        return VE_OK;
    case MMU_PAGE_FAULT:
        why_set(why, whylen, "page fault at GVA 0x%llx (error code 0x%x)", (unsigned long long)gva, r.error_code);
        return VE_E_DENIED;
    case MMU_NONCANONICAL:
        why_set(why, whylen, "GVA 0x%llx is not canonical", (unsigned long long)gva);
        return VE_E_DENIED;
    case MMU_PT_ACCESS:
        why_set(why, whylen, "the page walk for GVA 0x%llx needs GPA 0x%llx, which the SLAT denies",
                (unsigned long long)gva, (unsigned long long)r.pt_gpa);
        return VE_E_DENIED;
    }
    return VE_E_STATE;
}

static ve_status mem_access(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, uint8_t *buf, size_t len,
                            bool write, char *why, size_t whylen)
{
    if (vtl >= VTL_COUNT || !m->vp[vtl].enabled) {
        why_set(why, whylen, "VTL%u is not enabled", vtl);
        return VE_E_STATE;
    }
    vcpu *v = &m->vp[vtl];
    while (len) {
        size_t chunk = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        uint64_t spa = addr;
        if (space != EMU_SPACE_SPA) {
            uint64_t gpa = addr;
            if (space == EMU_SPACE_GVA) {
                ve_status st = gva_to_gpa(m, v, addr, write, &gpa, why, whylen);
                if (st != VE_OK)
                    return st;
            }
            slat_entry e;
            if (slat_lookup(v->slat, gpa, &e) != VE_OK) {
                why_set(why, whylen, "GPA 0x%llx is outside guest RAM", (unsigned long long)gpa);
                return VE_E_RANGE;
            }
            if (!(e.rights & (write ? SLAT_W : SLAT_R))) {
                char r[5];
                why_set(why, whylen, "SLAT of VTL%u denies %s of GPA 0x%llx (rights %s)", vtl,
                        write ? "write" : "read", (unsigned long long)gpa, slat_rights_str(e.rights, r));
                return VE_E_DENIED;
            }
            spa = e.spa + (gpa & (PAGE_SIZE - 1));
        }
        uint8_t *host = physmem_ptr(m->pm, spa, chunk);
        if (!host) {
            why_set(why, whylen, "SPA 0x%llx is outside host memory", (unsigned long long)spa);
            return VE_E_RANGE;
        }
        if (write) {
            memcpy(host, buf, chunk);
            coh_host_write(m, spa, chunk);
        } else {
            memcpy(buf, host, chunk);
        }
        buf += chunk;
        addr += chunk;
        len -= chunk;
    }
    return VE_OK;
}

ve_status emu_translate(vtl_machine *m, unsigned vtl, uint64_t gva, uint64_t *gpa, char *why, size_t whylen)
{
    if (vtl >= VTL_COUNT || !m->vp[vtl].enabled) {
        why_set(why, whylen, "VTL%u is not enabled", vtl);
        return VE_E_STATE;
    }
    return gva_to_gpa(m, &m->vp[vtl], gva, false, gpa, why, whylen);
}

ve_status emu_mem_read(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, void *buf, size_t len,
                       char *why, size_t whylen)
{
    return mem_access(m, vtl, space, addr, buf, len, false, why, whylen);
}

ve_status emu_mem_write(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, const void *buf, size_t len,
                        char *why, size_t whylen)
{
    return mem_access(m, vtl, space, addr, (uint8_t *)buf, len, true, why, whylen);
}

/* ---- SLAT -------------------------------------------------------------------------- */

ve_status emu_slat_get(vtl_machine *m, unsigned vtl, uint64_t gpa, unsigned *rights, uint64_t *spa, bool *cow)
{
    if (vtl >= VTL_COUNT || !m->vp[vtl].slat)
        return VE_E_STATE;
    slat_entry e;
    ve_status st = slat_lookup(m->vp[vtl].slat, gpa, &e);
    if (st != VE_OK)
        return st;
    if (rights)
        *rights = e.rights;
    if (spa)
        *spa = e.spa + (gpa & (PAGE_SIZE - 1));
    if (cow)
        *cow = e.cow;
    return VE_OK;
}

ve_status emu_slat_protect(vtl_machine *m, unsigned vtl, uint64_t gpa, uint64_t len, unsigned rights)
{
    if (vtl >= VTL_COUNT || !m->vp[vtl].slat)
        return VE_E_STATE;
    if (len == 0 || rights > SLAT_RWX)
        return VE_E_INVAL;
    uint64_t start = align_down(gpa, PAGE_SIZE), end = gpa + len;
    if (end < gpa || !range_within(start, end - start, physmem_ram_size(m->pm)))
        return VE_E_RANGE;
    for (uint64_t p = start; p < end; p += PAGE_SIZE) {
        ve_status st = emu_protect_page(m, vtl, p, rights, false, vtl, "script");
        if (st != VE_OK)
            return st;
    }
    emu_flush_slat_changes(m);
    return VE_OK;
}

/* ---- disassembly ------------------------------------------------------------------- */

int emu_disasm(vtl_machine *m, unsigned vtl, uint64_t gva, char *text, size_t textlen)
{
    uint8_t code[15];
    size_t n = 0;
    while (n < sizeof(code) && emu_mem_read(m, vtl, EMU_SPACE_GVA, gva + n, code + n, 1, NULL, 0) == VE_OK)
        n++;
    cs_insn *insn = NULL;
    if (n == 0 || cs_disasm(m->cs, code, n, gva, 1, &insn) != 1) {
        if (textlen)
            snprintf(text, textlen, n ? "(bad)" : "(unreadable)");
        return 0;
    }
    int len = insn->size;
    if (textlen)
        snprintf(text, textlen, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "", insn->op_str);
    cs_free(insn, 1);
    return len;
}
