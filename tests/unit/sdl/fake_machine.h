/* A fake machine behind the public API of emu/machine.h for the debugger model tests:
 * a tiny scripted two-VTL program instead of Unicorn. Include it in one test file only
 * (it defines the emu_* functions) and link no libemu.
 *
 * RAM is 2 MiB. VTL1 starts at 0x42000 and every entry into VTL1 runs ten instructions
 * from 0x42000, the tenth a `vmcall` (VtlReturn). VTL0 runs from 0x100000, 3 bytes an
 * instruction:
 *   0x100030 call 0x100100   (0x10010c ret)
 *   0x100042 a read of GPA 0x40000: slat_violation, then an intercept into VTL1; its
 *            return skips the instruction
 *   0x100051 vmcall (VtlCall)
 *   0x100060 out: console "hello\n" from VTL0
 *   0x100069 a write to the copy-on-write page 0x41000: cow_break
 *   0x100072 out 0xf4: exit with status 0
 * VTL0 cannot touch 0x40000-0x48000 (the secure kernel) nor 0x1f0000-0x200000 (VTL1's
 * loader area, where VTL1's boot-info page is); 0x41000 is shared copy-on-write. */
#ifndef TESTS_UNIT_SDL_FAKE_MACHINE_H
#define TESTS_UNIT_SDL_FAKE_MACHINE_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/machine.h"

#define FM_RAM        (UINT64_C(2) << 20)
#define FM_PAGES      (FM_RAM / 4096)
#define FM_BOOTINFO   UINT64_C(0x1f0000)
#define FM_VTL1_ENTRY UINT64_C(0x42000)
#define FM_VTL0_ENTRY UINT64_C(0x100000)
#define FM_MAX_EVENTS 4096

struct vtl_machine {
    uint8_t ram[FM_RAM];
    unsigned rights[2][FM_PAGES];
    bool cow[2][FM_PAGES];
    uint64_t spa[2][FM_PAGES];
    uint64_t rip[2], rsp[2], cr3[2];
    uint64_t shared_rdi, ret_addr;
    unsigned cur;
    bool from_intercept, intercept_pending;
    uint64_t icount;
    bool exited;
    int status;
    bool keep;
    emu_event events[FM_MAX_EVENTS];
    size_t nevents;
    char console[2][1024];
    size_t console_len[2];
    unsigned steps, run_untils;   /* calls, for the tests */
};

static vtl_machine fm_machine;

static void fm_raise(vtl_machine *m, emu_event ev)
{
    ev.icount = m->icount;
    if (m->nevents < FM_MAX_EVENTS)
        m->events[m->nevents++] = ev;
}

static void fm_put64(vtl_machine *m, uint64_t gpa, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        m->ram[gpa + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

/* A fresh machine, "loaded": boot events and the loader's SLAT change are raised. */
static vtl_machine *fm_new(void)
{
    vtl_machine *m = &fm_machine;
    memset(m, 0, sizeof(*m));
    for (unsigned v = 0; v < 2; v++) {
        for (uint64_t p = 0; p < FM_PAGES; p++) {
            m->rights[v][p] = 0xF;
            m->spa[v][p] = p * 4096;
        }
    }
    for (uint64_t p = 0x40; p < 0x48; p++)
        m->rights[0][p] = 0;
    for (uint64_t p = 0x1f0; p < 0x200; p++)
        m->rights[0][p] = 0;
    m->rights[0][0x41] = 0xD;   /* R-KU until the copy-on-write break */
    m->cow[0][0x41] = true;
    memcpy(m->ram + 0x40000, "SECRET-NT-HASH!", 16);
    fm_put64(m, FM_BOOTINFO, UINT64_C(0x31544f4f424c5456));
    fm_put64(m, FM_BOOTINFO + 0x08, 1);
    fm_put64(m, FM_BOOTINFO + 0x10, 1);
    fm_put64(m, FM_BOOTINFO + 0x18, FM_RAM);
    fm_put64(m, FM_BOOTINFO + 0x40, 0x40000);
    fm_put64(m, FM_BOOTINFO + 0x48, 0x48000);
    fm_put64(m, FM_BOOTINFO + 0x68, 0x1f0000);
    fm_put64(m, FM_BOOTINFO + 0x70, 0x200000);
    m->cur = 1;
    m->rip[1] = FM_VTL1_ENTRY;
    m->rip[0] = FM_VTL0_ENTRY;
    m->rsp[0] = 0x80000;
    m->rsp[1] = 0x50000;
    m->cr3[0] = 0x1000;
    m->cr3[1] = 0x2000;
    m->shared_rdi = FM_BOOTINFO;
    fm_raise(m, (emu_event){ .kind = EV_BOOT, .vtl = 1, .rip = FM_VTL1_ENTRY, .text = "sk.elf", .text_len = 6 });
    fm_raise(m, (emu_event){ .kind = EV_BOOT, .vtl = 0, .rip = FM_VTL0_ENTRY, .text = "vtl0.elf", .text_len = 8 });
    fm_raise(m, (emu_event){ .kind = EV_VTL_ENABLE, .vtl = 1, .rip = FM_VTL1_ENTRY, .target_vtl = 1 });
    fm_raise(m, (emu_event){ .kind = EV_SLAT_CHANGE, .vtl = 1, .rip = FM_VTL1_ENTRY, .target_vtl = 0,
                             .gpa = 0x1f0000, .pages = 16, .rights_before = 0xF, .source = "loader" });
    return m;
}

static void fm_switch(vtl_machine *m, emu_event_kind kind, unsigned to)
{
    unsigned from = m->cur;
    m->cur = to;
    fm_raise(m, (emu_event){ .kind = kind, .vtl = to, .rip = m->rip[to], .from_vtl = from, .to_vtl = to });
}

/* One instruction of the script. */
static void fm_insn(vtl_machine *m)
{
    uint64_t pc = m->rip[m->cur];
    if (m->intercept_pending) {   /* the violation's second half: enter VTL1 */
        m->intercept_pending = false;
        m->from_intercept = true;
        fm_switch(m, EV_INTERCEPT, 1);
        m->events[m->nevents - 1].gpa = 0x40000;
        m->events[m->nevents - 1].gva = 0x40000;
        return;
    }
    if (m->cur == 1) {
        m->icount++;
        if (pc == FM_VTL1_ENTRY + 27) {   /* vmcall: VtlReturn */
            m->rip[1] = FM_VTL1_ENTRY;
            fm_raise(m, (emu_event){ .kind = EV_HYPERCALL, .vtl = 1, .rip = pc, .hc_code = 0x12,
                                     .name = "HvCallVtlReturn" });
            if (m->from_intercept)
                m->rip[0] += 3;
            m->from_intercept = false;
            fm_switch(m, EV_VTL_RETURN, 0);
        } else {
            m->rip[1] = pc + 3;
        }
        return;
    }
    switch (pc) {
    case 0x100030:
        m->icount++;
        m->ret_addr = pc + 3;
        m->rip[0] = 0x100100;
        return;
    case 0x10010c:
        m->icount++;
        m->rip[0] = m->ret_addr;
        return;
    case 0x100042:   /* does not retire */
        fm_raise(m, (emu_event){ .kind = EV_SLAT_VIOLATION, .vtl = 0, .rip = pc, .has_gva = true,
                                 .gva = 0x40000, .gpa = 0x40000, .access = ACC_READ, .rights = 0 });
        m->intercept_pending = true;
        return;
    case 0x100051:
        m->icount++;
        m->rip[0] = pc + 3;
        fm_raise(m, (emu_event){ .kind = EV_HYPERCALL, .vtl = 0, .rip = pc, .hc_code = 0x11, .name = "HvCallVtlCall" });
        fm_switch(m, EV_VTL_CALL, 1);
        return;
    case 0x100060:
        m->icount++;
        m->rip[0] = pc + 3;
        memcpy(m->console[0] + m->console_len[0], "hello\n", 6);
        m->console_len[0] += 6;
        fm_raise(m, (emu_event){ .kind = EV_CONSOLE, .vtl = 0, .rip = pc, .text = "hello\n", .text_len = 6 });
        return;
    case 0x100069:
        m->icount++;
        m->rip[0] = pc + 3;
        m->cow[0][0x41] = false;
        m->rights[0][0x41] = 0xF;
        m->spa[0][0x41] = 0x1e0000;
        fm_raise(m, (emu_event){ .kind = EV_COW_BREAK, .vtl = 0, .rip = pc, .gpa = 0x41000, .spa = 0x41000,
                                 .new_spa = 0x1e0000 });
        return;
    case 0x100072:
        m->icount++;
        m->exited = true;
        m->status = 0;
        fm_raise(m, (emu_event){ .kind = EV_EXIT, .vtl = 0, .rip = pc, .code = 0, .reason = EXIT_GUEST });
        return;
    default:
        m->icount++;
        m->rip[0] = pc + 3;
    }
}

emu_run_result emu_run_until(vtl_machine *m, emu_stop_fn stop, void *ctx, uint64_t max_insns, const emu_event **last)
{
    m->run_untils++;
    if (last)
        *last = NULL;
    uint64_t start = m->icount;
    while (!m->exited && (max_insns == 0 || m->icount - start < max_insns)) {
        size_t before = m->nevents;
        fm_insn(m);
        for (size_t i = before; i < m->nevents; i++) {
            if (stop && stop(&m->events[i], ctx)) {
                if (last)
                    *last = &m->events[i];
                return EMU_RUN_EVENT;
            }
        }
    }
    return m->exited ? EMU_RUN_EXITED : EMU_RUN_LIMIT;
}

emu_run_result emu_step(vtl_machine *m, uint64_t n, const emu_event **last)
{
    m->steps++;
    if (last)
        *last = NULL;
    uint64_t start = m->icount;
    while (!m->exited && m->icount - start < n)
        fm_insn(m);
    return m->exited ? EMU_RUN_EXITED : EMU_RUN_LIMIT;
}

bool emu_exited(const vtl_machine *m, int *status)
{
    if (m->exited && status)
        *status = m->status;
    return m->exited;
}

unsigned emu_current_vtl(const vtl_machine *m) { return m->cur; }
unsigned emu_current_cpl(vtl_machine *m) { (void)m; return 0; }
bool emu_vtl_enabled(const vtl_machine *m, unsigned vtl) { (void)m; return vtl < 2; }
uint64_t emu_icount(const vtl_machine *m) { return m->icount; }

ve_status emu_reg_get(vtl_machine *m, unsigned vtl, const char *name, uint64_t *value)
{
    static const char *const shared[] = { "rax", "rbx", "rcx", "rdx", "rsi", "rbp", "r8", "r9", "r10", "r11",
                                          "r12", "r13", "r14", "r15", "cr2" };
    static const char *const private_[] = { "rflags", "cr0", "cr4", "efer", "ss", "fs_base", "gs_base",
                                            "kernel_gs_base", "lstar", "idtr_base" };
    if (vtl > 1)
        return VE_E_STATE;
    if (!strcmp(name, "rip")) { *value = m->rip[vtl]; return VE_OK; }
    if (!strcmp(name, "rsp")) { *value = m->rsp[vtl]; return VE_OK; }
    if (!strcmp(name, "cr3")) { *value = m->cr3[vtl]; return VE_OK; }
    if (!strcmp(name, "cs")) { *value = 0x08; return VE_OK; }
    if (!strcmp(name, "rdi")) { *value = m->shared_rdi; return VE_OK; }
    if (!strcmp(name, "rax")) { *value = m->icount; return VE_OK; }
    for (size_t i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
        if (!strcmp(name, shared[i])) { *value = i; return VE_OK; }
    for (size_t i = 0; i < sizeof(private_) / sizeof(private_[0]); i++)
        if (!strcmp(name, private_[i])) { *value = vtl * 0x100 + i; return VE_OK; }
    return VE_E_INVAL;
}

ve_status emu_reg_set(vtl_machine *m, unsigned vtl, const char *name, uint64_t value)
{
    (void)m; (void)vtl; (void)name; (void)value;
    return VE_E_INVAL;
}

ve_status emu_mem_read(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, void *buf, size_t len,
                       char *why, size_t whylen)
{
    if (vtl > 1 || addr >= FM_RAM || len > FM_RAM - addr) {
        if (why && whylen)
            snprintf(why, whylen, "%s 0x%" PRIx64 " is outside RAM", space == EMU_SPACE_GVA ? "GVA" : "GPA", addr);
        return space == EMU_SPACE_GVA ? VE_E_DENIED : VE_E_RANGE;
    }
    for (uint64_t a = addr & ~UINT64_C(0xfff); a < addr + len; a += 4096) {
        if (space != EMU_SPACE_SPA && !(m->rights[vtl][a / 4096] & 1)) {
            if (why && whylen)
                snprintf(why, whylen, "SLAT denies read of GPA 0x%" PRIx64, a < addr ? addr : a);
            return VE_E_DENIED;
        }
    }
    memcpy(buf, m->ram + addr, len);
    return VE_OK;
}

ve_status emu_mem_write(vtl_machine *m, unsigned vtl, emu_space space, uint64_t addr, const void *buf, size_t len,
                        char *why, size_t whylen)
{
    (void)m; (void)vtl; (void)space; (void)addr; (void)buf; (void)len; (void)why; (void)whylen;
    return VE_E_DENIED;
}

ve_status emu_slat_get(vtl_machine *m, unsigned vtl, uint64_t gpa, unsigned *rights, uint64_t *spa, bool *cow)
{
    if (vtl > 1 || gpa >= FM_RAM)
        return VE_E_RANGE;
    *rights = m->rights[vtl][gpa / 4096];
    *spa = m->spa[vtl][gpa / 4096] + (gpa & 0xfff);
    *cow = m->cow[vtl][gpa / 4096];
    return VE_OK;
}

void emu_keep_events(vtl_machine *m, bool on) { m->keep = on; }
size_t emu_event_count(const vtl_machine *m) { return m->nevents; }
const emu_event *emu_event_get(const vtl_machine *m, size_t i) { return i < m->nevents ? &m->events[i] : NULL; }

const char *emu_console_text(const vtl_machine *m, unsigned vtl, size_t *len)
{
    *len = vtl < 2 ? m->console_len[vtl] : 0;
    return vtl < 2 ? m->console[vtl] : "";
}

int emu_disasm(vtl_machine *m, unsigned vtl, uint64_t gva, char *text, size_t textlen)
{
    if (vtl > 1 || gva >= FM_RAM || !(m->rights[vtl][gva / 4096] & 4))
        return 0;
    const char *t = "nop";
    if (vtl == 1 && gva == FM_VTL1_ENTRY + 27)
        t = "vmcall";
    else if (vtl == 0 && gva == 0x100030)
        t = "call 0x100100";
    else if (vtl == 0 && gva == 0x10010c)
        t = "ret";
    else if (vtl == 0 && gva == 0x100042)
        t = "mov al, byte ptr [rbx]";
    else if (vtl == 0 && gva == 0x100051)
        t = "vmcall";
    snprintf(text, textlen, "%s", t);
    return 3;
}

const char *emu_event_kind_name(emu_event_kind k)
{
    static const char *const names[EV_KIND_COUNT] = {
        [EV_BOOT] = "boot", [EV_CONSOLE] = "console", [EV_VTL_ENABLE] = "vtl_enable",
        [EV_VTL_CALL] = "vtl_call", [EV_VTL_RETURN] = "vtl_return", [EV_HYPERCALL] = "hypercall",
        [EV_SLAT_CHANGE] = "slat_change", [EV_SLAT_VIOLATION] = "slat_violation", [EV_INTERCEPT] = "intercept",
        [EV_COW_SHARE] = "cow_share", [EV_COW_BREAK] = "cow_break", [EV_DMA] = "dma",
        [EV_IOMMU_FAULT] = "iommu_fault", [EV_DEVICE_DENIED] = "device_denied", [EV_EXCEPTION] = "exception",
        [EV_SYSCALL] = "syscall", [EV_EXIT] = "exit",
    };
    return (unsigned)k < EV_KIND_COUNT ? names[k] : "unknown";
}

const char *emu_access_name(emu_access a) { return a == ACC_READ ? "read" : a == ACC_WRITE ? "write" : "execute"; }

void emu_event_write_json(const emu_event *ev, FILE *out)
{
    fprintf(out, "{\"kind\":\"%s\",\"icount\":%" PRIu64 ",\"vtl\":%u,\"cpl\":%u,\"rip\":\"0x%" PRIx64 "\"}",
            emu_event_kind_name(ev->kind), ev->icount, ev->vtl, ev->cpl, ev->rip);
}

void emu_event_write_text(const emu_event *ev, FILE *out)
{
    fprintf(out, "[%10" PRIu64 "] VTL%u CPL%u %016" PRIx64 "  %-14s gpa=0x%" PRIx64 "\n", ev->icount, ev->vtl,
            ev->cpl, ev->rip, emu_event_kind_name(ev->kind), ev->gpa);
}

#endif
