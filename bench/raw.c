/* The reference runner: Unicorn 2.1.1 as it comes (default TLB mode, so QEMU walks the
 * guest page tables itself), no hooks. Memory and boot state are built by the same code
 * vtlemu uses (loader, boot-area builder) and placed as emu_load_vtl0 places them, so
 * the guest sees the same machine. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "bench/bench.h"
#include "common/bits.h"
#include "common/physmem.h"
#include "emu/boot.h"
#include "emu/loader.h"

#define MSR_EFER 0xC0000080u

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void count_insn(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
    (void)uc;
    (void)addr;
    (void)size;
    (*(uint64_t *)ud)++;
}

static uc_err put64(uc_engine *uc, int id, uint64_t v)
{
    return uc_reg_write(uc, id, &v);
}

/* The entry state of emu/machine.c, register by register: EFER, CR4 and CR3 before CR0
 * turns paging on; descriptor tables before the segment loads that read them. */
static uc_err enter(uc_engine *uc, const boot_entry *b)
{
    uc_x86_msr efer = { .rid = MSR_EFER, .value = b->efer };
    uc_x86_mmr gdtr = { .base = b->gdtr_base, .limit = b->gdtr_limit };
    uc_x86_mmr idtr = { 0 };
    uc_x86_mmr tr = { .selector = b->tr, .base = b->tss_base, .limit = b->tss_limit, .flags = 0x8900 };
    uint16_t cs = b->cs, ds = b->ds;
    uc_err e = uc_reg_write(uc, UC_X86_REG_MSR, &efer);
    if (!e) e = put64(uc, UC_X86_REG_CR4, b->cr4);
    if (!e) e = put64(uc, UC_X86_REG_CR3, b->cr3);
    if (!e) e = put64(uc, UC_X86_REG_CR0, b->cr0);
    if (!e) e = uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr);
    if (!e) e = uc_reg_write(uc, UC_X86_REG_IDTR, &idtr);
    if (!e) e = uc_reg_write(uc, UC_X86_REG_TR, &tr);
    if (!e) e = uc_reg_write(uc, UC_X86_REG_CS, &cs);
    const int segs[] = { UC_X86_REG_SS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_FS, UC_X86_REG_GS };
    for (size_t i = 0; !e && i < sizeof(segs) / sizeof(segs[0]); i++)
        e = uc_reg_write(uc, segs[i], &ds);
    if (!e) e = put64(uc, UC_X86_REG_FS_BASE, 0);
    if (!e) e = put64(uc, UC_X86_REG_GS_BASE, 0);
    if (!e) e = put64(uc, UC_X86_REG_RFLAGS, b->rflags);
    if (!e) e = put64(uc, UC_X86_REG_RSP, b->rsp);
    if (!e) e = put64(uc, UC_X86_REG_RDI, b->rdi);
    if (!e) e = put64(uc, UC_X86_REG_RIP, b->rip);
    return e;
}

/* Guest RAM laid out as emu_load_vtl0 lays it out: loader area at the top of RAM,
 * reserved before the image loads. */
static bool load(physmem *pm, const char *path, const char *cmdline, boot_entry *be, char *err, size_t errlen)
{
    uint8_t *data = NULL;
    size_t size = 0;
    if (loader_read_file(path, &data, &size, err, errlen) != VE_OK)
        return false;
    uint64_t ram = physmem_ram_size(pm);
    uint64_t area = boot_area_size(ram, cmdline, NULL, 0);
    if (area == UINT64_MAX || area >= ram) {
        free(data);
        fail(err, errlen, "RAM too small for the boot area");
        return false;
    }
    loader_range taken = { ram - area, ram };
    const char *taken_name = "the loader area at the top of RAM";
    loader_image img;
    ve_status st = loader_load_elf(pm, path, data, size, &taken, &taken_name, 1, &img, err, errlen);
    free(data);
    if (st != VE_OK)
        return false;
    boot_params bp = { .vtl = 0, .area_top = ram, .image = &img, .free_start = align_up(img.hi, PAGE_SIZE),
                       .free_end = ram - area, .cmdline = cmdline };
    return boot_build(pm, &bp, be, err, errlen) == VE_OK;
}

bool bench_run_raw(const char *elf_path, uint64_t iters, bool count_insns, bench_run *out,
                   char *err, size_t errlen)
{
    char cmdline[BENCH_COUNT_DIGITS + 1];
    bench_cmdline(iters, cmdline, sizeof(cmdline));
    memset(out, 0, sizeof(*out));

    bool ok = false;
    physmem *pm = NULL;
    uc_engine *uc = NULL;
    if (physmem_create(BENCH_RAM, 0, &pm) != VE_OK) {
        fail(err, errlen, "raw: cannot allocate guest RAM");
        goto out;
    }
    boot_entry be;
    if (!load(pm, elf_path, cmdline, &be, err, errlen))
        goto out;
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &uc);
    if (e != UC_ERR_OK) {
        uc = NULL;
        fail(err, errlen, "raw: uc_open: %s", uc_strerror(e));
        goto out;
    }
    e = uc_mem_map_ptr(uc, 0, BENCH_RAM, UC_PROT_ALL, physmem_host(pm));
    if (e == UC_ERR_OK)
        e = enter(uc, &be);
    if (e != UC_ERR_OK) {
        fail(err, errlen, "raw: machine setup: %s", uc_strerror(e));
        goto out;
    }
    uint64_t counted = 0;
    if (count_insns) {
        uc_hook h;
        e = uc_hook_add(uc, &h, UC_HOOK_CODE, (void *)count_insn, &counted, 1, 0);
        if (e != UC_ERR_OK) {
            fail(err, errlen, "raw: code hook: %s", uc_strerror(e));
            goto out;
        }
    }

    /* No `until` address is ever reached and no count or timeout: nothing but the
     * guest's hlt stops the engine, exactly as in vtlemu's run loop. */
    double c0 = bench_cpu_now(), t0 = bench_now();
    e = uc_emu_start(uc, be.rip, UINT64_MAX, 0, 0);
    double t1 = bench_now(), c1 = bench_cpu_now();

    uint64_t rip = 0, rbx = 0;
    uc_reg_read(uc, UC_X86_REG_RIP, &rip);
    uc_reg_read(uc, UC_X86_REG_RBX, &rbx);
    const uint8_t *at = rip ? physmem_ptr(pm, rip - 1, 1) : NULL;
    if (e != UC_ERR_OK || !at || *at != 0xF4) {
        fail(err, errlen, "raw: the guest did not stop at its hlt (%s, RIP 0x%llx)", uc_strerror(e),
             (unsigned long long)rip);
        goto out;
    }
    out->seconds = t1 - t0;
    out->cpu_seconds = c1 - c0;
    out->icount = counted;
    out->checksum = rbx;
    ok = true;
out:
    if (uc)
        uc_close(uc);
    physmem_destroy(pm);
    return ok;
}
