#include "emu/boot.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/bits.h"
#include "emu/bootinfo.h"
#include "emu/errmsg.h"

/* Tables are stored by copying host integers, so host and guest byte order must agree. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "vtlemu's boot builder assumes a little-endian host"
#endif

/* Page-table entry bits for the identity map: supervisor only, writable, executable
 * (no NX), present; PS makes a PD entry a 2 MiB page. */
#define PTE_P   UINT64_C(0x001)
#define PTE_RW  UINT64_C(0x002)
#define PTE_PS  UINT64_C(0x080)
#define ENTRIES_PER_TABLE 512

/* Identity mapping uses the lower canonical half only, so RAM must end below 2^47. */
#define MAX_RAM (UINT64_C(1) << 47)

#define GDT_SLOTS ((BOOT_GDT_LIMIT + 1) / 8)
#define TSS_OFFSET 0x80     /* inside the GDT page, after the table */
#define TSS_TYPE_AVAILABLE_PRESENT 0x89

static const uint8_t hypercall_stub[] = { 0x0f, 0x01, 0xc1, 0xc3 };  /* vmcall; ret */
#define INT3 0xcc

/* Offsets from the area's start; one computation shared by size and build so the two
 * can never disagree. */
typedef struct area_layout {
    uint64_t pds, pdpts, pages_2m;
    uint64_t pml4, pdpt, pd, gdt, info, hypercall, assist, cmdline, modtab, mods;
    uint64_t stack_top, size;
} area_layout;

/* Reserve `bytes` rounded up to pages at *cursor; false on overflow. */
static bool reserve(uint64_t *cursor, uint64_t bytes, uint64_t *at)
{
    if (bytes > UINT64_MAX - (PAGE_SIZE - 1))
        return false;
    uint64_t len = align_up(bytes, PAGE_SIZE);
    if (len > UINT64_MAX - *cursor)
        return false;
    if (at)
        *at = *cursor;
    *cursor += len;
    return true;
}

static bool layout_area(uint64_t ram, const char *cmdline, const boot_module *mods,
                        size_t nmods, area_layout *l)
{
    if (ram == 0 || ram > MAX_RAM)
        return false;
    memset(l, 0, sizeof(*l));
    l->pages_2m = (ram + PAGE_2M - 1) / PAGE_2M;
    l->pds = (ram + PAGE_1G - 1) / PAGE_1G;
    l->pdpts = (l->pds + ENTRIES_PER_TABLE - 1) / ENTRIES_PER_TABLE;

    uint64_t c = 0;
    bool ok = reserve(&c, BOOT_STACK_SIZE, NULL);
    l->stack_top = c;
    ok = ok && reserve(&c, PAGE_SIZE, &l->pml4)
            && reserve(&c, l->pdpts * PAGE_SIZE, &l->pdpt)
            && reserve(&c, l->pds * PAGE_SIZE, &l->pd)
            && reserve(&c, PAGE_SIZE, &l->gdt)
            && reserve(&c, PAGE_SIZE, &l->info)
            && reserve(&c, PAGE_SIZE, &l->hypercall)
            && reserve(&c, PAGE_SIZE, &l->assist);
    if (ok && cmdline)
        ok = reserve(&c, strlen(cmdline) + 1, &l->cmdline);
    if (ok && nmods) {
        if (nmods > UINT64_MAX / sizeof(boot_module_entry))
            return false;
        ok = reserve(&c, nmods * sizeof(boot_module_entry), &l->modtab);
        l->mods = c;
        for (size_t i = 0; ok && i < nmods; i++)
            ok = reserve(&c, mods[i].size, NULL);
    }
    l->size = c;
    return ok;
}

uint64_t boot_area_size(uint64_t ram_size, const char *cmdline,
                        const boot_module *modules, size_t module_count)
{
    area_layout l;
    if (!layout_area(ram_size, cmdline, modules, module_count, &l))
        return UINT64_MAX;
    return l.size;
}

__attribute__((format(printf, 5, 6)))
static ve_status fail(ve_status st, char *err, size_t errlen, unsigned vtl,
                      const char *fmt, ...)
{
    char prefix[24];
    snprintf(prefix, sizeof(prefix), "VTL%u boot", vtl);
    va_list ap;
    va_start(ap, fmt);
    emu_verr(err, errlen, prefix, fmt, ap);
    va_end(ap);
    return st;
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof(v));
}

/* Flat 4 GiB segment (base 0, limit 0xfffff in 4 KiB units). `access` is the P/DPL/S/type
 * byte, `flags` the G, D/B, L nibble. Accessed is preset in every access byte so loading
 * a selector never makes the CPU write the GDT (it may sit in SLAT-protected memory). */
static uint64_t flat_desc(uint8_t access, uint8_t flags)
{
    return UINT64_C(0xffff) | (uint64_t)access << 40 | (uint64_t)(flags << 4 | 0xf) << 48;
}

static void build_page_tables(uint8_t *area, uint64_t base, const area_layout *l)
{
    for (uint64_t i = 0; i < l->pdpts; i++)
        put64(area + l->pml4 + i * 8, (base + l->pdpt + i * PAGE_SIZE) | PTE_RW | PTE_P);
    for (uint64_t i = 0; i < l->pds; i++)
        put64(area + l->pdpt + i * 8, (base + l->pd + i * PAGE_SIZE) | PTE_RW | PTE_P);
    /* The PDs are contiguous, so 2 MiB page n is entry n counted across all of them. */
    for (uint64_t n = 0; n < l->pages_2m; n++)
        put64(area + l->pd + n * 8, n * PAGE_2M | PTE_PS | PTE_RW | PTE_P);
}

static void build_gdt(uint8_t *area, uint64_t base, const area_layout *l, uint64_t rsp0)
{
    uint8_t *gdt = area + l->gdt;
    uint64_t tss = base + l->gdt + TSS_OFFSET;
    uint64_t desc[GDT_SLOTS] = {
        0,
        flat_desc(0x9b, 0xa),   /* 0x08 code, DPL0, L=1 */
        flat_desc(0x93, 0xc),   /* 0x10 data, DPL0 */
        flat_desc(0x9b, 0xc),   /* 0x18 code, DPL0, 32-bit (D=1) */
        flat_desc(0xf3, 0xc),   /* 0x20 data, DPL3 */
        flat_desc(0xfb, 0xa),   /* 0x28 code, DPL3, L=1 */
        /* 0x30: 16-byte TSS descriptor, byte granular limit */
        (uint64_t)BOOT_TSS_LIMIT | (tss & 0xffffff) << 16
            | (uint64_t)TSS_TYPE_AVAILABLE_PRESENT << 40 | (tss >> 24 & 0xff) << 56,
        tss >> 32,
    };
    for (unsigned i = 0; i < GDT_SLOTS; i++)
        put64(gdt + i * 8, desc[i]);

    boot_tss t;
    memset(&t, 0, sizeof(t));
    t.rsp[0] = rsp0;    /* an interrupt from CPL3 before the kernel sets its own TSS */
    t.iomap_base = sizeof(t);
    memcpy(gdt + TSS_OFFSET, &t, sizeof(t));
}

static ve_status check_params(physmem *pm, const boot_params *p, char *err, size_t errlen)
{
    unsigned vtl = p->vtl;
    uint64_t ram = physmem_ram_size(pm);
    if (vtl > 1)
        return fail(VE_E_INVAL, err, errlen, vtl, "no such VTL (0 or 1)");
    if (!p->image)
        return fail(VE_E_INVAL, err, errlen, vtl, "no kernel image");
    if (p->module_count && !p->modules)
        return fail(VE_E_INVAL, err, errlen, vtl, "module list missing");
    for (size_t i = 0; i < p->module_count; i++)
        if (p->modules[i].size && !p->modules[i].data)
            return fail(VE_E_INVAL, err, errlen, vtl, "module %zu has no data", i);
    if (!is_aligned(p->area_top, PAGE_SIZE) || p->area_top > ram)
        return fail(VE_E_INVAL, err, errlen, vtl,
                    "area top 0x%" PRIx64 " is not a 4 KiB aligned GPA inside RAM"
                    " (0x%" PRIx64 " bytes)", p->area_top, ram);
    return VE_OK;
}

ve_status boot_build(physmem *pm, const boot_params *p, boot_entry *out,
                     char *err, size_t errlen)
{
    if (!pm || !p || !out)
        return fail(VE_E_INVAL, err, errlen, p ? p->vtl : 0, "internal error: bad arguments");
    if (err && errlen)
        err[0] = '\0';
    ve_status st = check_params(pm, p, err, errlen);
    if (st != VE_OK)
        return st;

    unsigned vtl = p->vtl;
    uint64_t ram = physmem_ram_size(pm);
    area_layout l;
    if (!layout_area(ram, p->cmdline, p->modules, p->module_count, &l))
        return fail(VE_E_RANGE, err, errlen, vtl,
                    "cannot lay out a loader area for 0x%" PRIx64 " bytes of RAM"
                    " (above 128 TiB, or modules too large)", ram);
    if (l.size > p->area_top || p->area_top - l.size < p->free_start)
        return fail(VE_E_RANGE, err, errlen, vtl,
                    "RAM too small (0x%" PRIx64 " bytes) for the images (ending at 0x%"
                    PRIx64 ") and a 0x%" PRIx64 "-byte loader area below 0x%" PRIx64,
                    ram, p->free_start, l.size, p->area_top);
    uint64_t base = p->area_top - l.size;
    if (p->free_start > p->free_end || p->free_end > base)
        return fail(VE_E_INVAL, err, errlen, vtl,
                    "free range 0x%" PRIx64 " - 0x%" PRIx64
                    " reaches into the loader area at 0x%" PRIx64,
                    p->free_start, p->free_end, base);

    uint8_t *area = physmem_ptr(pm, base, l.size);
    memset(area, 0, l.size);
    build_page_tables(area, base, &l);
    build_gdt(area, base, &l, base + l.stack_top);

    memcpy(area + l.hypercall, hypercall_stub, sizeof(hypercall_stub));
    /* The rest traps: a call to a wrong offset stops at once instead of sliding on. */
    memset(area + l.hypercall + sizeof(hypercall_stub), INT3,
           PAGE_SIZE - sizeof(hypercall_stub));

    boot_info bi = {
        .magic = BOOT_INFO_MAGIC,
        .version = BOOT_INFO_VERSION,
        .vtl = vtl,
        .ram_size = ram,
        .hypercall_page = base + l.hypercall,
        .vp_assist_page = base + l.assist,
        .free_start = p->free_start,
        .free_end = p->free_end,
        .vtl1_start = p->vtl1_start,
        .vtl1_end = p->vtl1_end,
        .module_count = p->module_count,
        .modules = p->module_count ? base + l.modtab : 0,
        .cmdline = p->cmdline ? base + l.cmdline : 0,
        .loader_start = base,
        .loader_end = p->area_top,
    };
    memcpy(area + l.info, &bi, sizeof(bi));

    if (p->cmdline)
        memcpy(area + l.cmdline, p->cmdline, strlen(p->cmdline) + 1);

    uint64_t at = l.mods;
    for (size_t i = 0; i < p->module_count; i++) {
        boot_module_entry e = { .gpa = base + at, .size = p->modules[i].size };
        memcpy(area + l.modtab + i * sizeof(e), &e, sizeof(e));
        if (e.size)
            memcpy(area + at, p->modules[i].data, e.size);
        at += align_up(e.size, PAGE_SIZE);
    }

    *out = (boot_entry){
        .rip = p->image->entry,
        .rsp = base + l.stack_top,
        .rdi = base + l.info,
        .rflags = BOOT_RFLAGS,
        .cr0 = BOOT_CR0,
        .cr4 = BOOT_CR4,
        .efer = BOOT_EFER,
        .cr3 = base + l.pml4,
        .gdtr_base = base + l.gdt,
        .gdtr_limit = BOOT_GDT_LIMIT,
        .cs = BOOT_SEL_CODE64,
        .ds = BOOT_SEL_DATA,
        .tr = BOOT_SEL_TSS,
        .tss_base = base + l.gdt + TSS_OFFSET,
        .tss_limit = BOOT_TSS_LIMIT,
        .loader_start = base,
        .loader_end = p->area_top,
        .boot_info = base + l.info,
        .hypercall_page = base + l.hypercall,
        .vp_assist_page = base + l.assist,
    };
    return VE_OK;
}
