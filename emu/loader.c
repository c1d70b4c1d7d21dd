#include "emu/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bits.h"
#include "emu/elf.h"
#include "emu/errmsg.h"

/* Headers are copied into the structs of emu/elf.h as they lie in the file, which is
 * only right when the host byte order matches the file's. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "vtlemu's loader assumes a little-endian host"
#endif

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

__attribute__((format(printf, 5, 6)))
static ve_status fail(ve_status st, char *err, size_t errlen, const char *name,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emu_verr(err, errlen, name, fmt, ap);
    va_end(ap);
    return st;
}

/* The header fields that decide whether we can run the image at all, in the order a
 * user would want them reported: what the file is before what is wrong inside it. */
static ve_status check_header(const char *name, const uint8_t *data, size_t size,
                              elf64_ehdr *eh, char *err, size_t errlen)
{
    if (size < sizeof(elf_magic) || memcmp(data, elf_magic, sizeof(elf_magic)) != 0)
        return fail(VE_E_FORMAT, err, errlen, name, "not an ELF file (bad magic)");
    if (size < sizeof(*eh))
        return fail(VE_E_FORMAT, err, errlen, name, "truncated ELF header (%zu bytes)", size);
    memcpy(eh, data, sizeof(*eh));
    if (eh->e_ident[ELF_IDENT_CLASS] != ELF_CLASS64)
        return fail(VE_E_FORMAT, err, errlen, name, "not a 64-bit ELF (class %u)",
                    eh->e_ident[ELF_IDENT_CLASS]);
    if (eh->e_ident[ELF_IDENT_DATA] != ELF_DATA_LSB)
        return fail(VE_E_FORMAT, err, errlen, name, "not little-endian");
    if (eh->e_machine != ELF_MACHINE_X86_64)
        return fail(VE_E_FORMAT, err, errlen, name, "not an x86-64 image (machine %u)",
                    eh->e_machine);
    if (eh->e_type != ELF_TYPE_EXEC)
        return fail(VE_E_FORMAT, err, errlen, name,
                    "not an executable (type %u, need ET_EXEC)", eh->e_type);
    if (eh->e_phnum == 0)
        return fail(VE_E_FORMAT, err, errlen, name, "no loadable segment");
    if (eh->e_phentsize != sizeof(elf64_phdr))
        return fail(VE_E_FORMAT, err, errlen, name, "bad program header entry size");
    if (eh->e_phoff > size || (uint64_t)eh->e_phnum * sizeof(elf64_phdr) > size - eh->e_phoff)
        return fail(VE_E_FORMAT, err, errlen, name, "program headers outside the file");
    return VE_OK;
}

static elf64_phdr read_phdr(const uint8_t *data, const elf64_ehdr *eh, unsigned i)
{
    elf64_phdr ph;
    memcpy(&ph, data + eh->e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
    return ph;
}

static bool is_loaded(const elf64_phdr *ph)
{
    return ph->p_type == ELF_PT_LOAD && ph->p_memsz != 0;
}

/* [a, a_end) and [b, b_end) share at least one byte. */
static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* Per-segment checks: file bounds, RAM bounds, and the taken ranges. Also computes the
 * image's lo/hi and whether the entry point is covered. */
static ve_status check_segments(physmem *pm, const char *name, const uint8_t *data,
                                size_t size, const elf64_ehdr *eh,
                                const loader_range *taken, const char *const *taken_names,
                                size_t ntaken, loader_image *img, char *err, size_t errlen)
{
    uint64_t ram = physmem_ram_size(pm);
    bool any = false, entry_ok = false;
    img->entry = eh->e_entry;
    img->lo = UINT64_MAX;
    img->hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        elf64_phdr ph = read_phdr(data, eh, i);
        if (ph.p_type != ELF_PT_LOAD)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return fail(VE_E_FORMAT, err, errlen, name,
                        "segment %u file size larger than memory size", i);
        if (ph.p_memsz == 0)
            continue;
        /* An empty file part reads nothing, so its offset does not matter. */
        if (ph.p_filesz && !range_within(ph.p_offset, ph.p_filesz, size))
            return fail(VE_E_FORMAT, err, errlen, name, "segment %u data outside the file", i);
        if (!range_within(ph.p_paddr, ph.p_memsz, ram)) {
            /* Saturate so a wrapping segment still prints a sensible end. */
            uint64_t end = ph.p_paddr + ph.p_memsz < ph.p_paddr ? UINT64_MAX
                                                                  : ph.p_paddr + ph.p_memsz;
            return fail(VE_E_RANGE, err, errlen, name,
                        "segment %u at 0x%" PRIx64 " - 0x%" PRIx64
                        " is outside RAM (0x%" PRIx64 " bytes)", i, ph.p_paddr, end, ram);
        }
        uint64_t end = ph.p_paddr + ph.p_memsz;
        for (size_t k = 0; k < ntaken; k++) {
            if (overlaps(ph.p_paddr, end, taken[k].start, taken[k].end)) {
                if (taken_names && taken_names[k])
                    return fail(VE_E_RANGE, err, errlen, name,
                                "segment %u overlaps %s", i, taken_names[k]);
                return fail(VE_E_RANGE, err, errlen, name,
                            "segment %u overlaps another image", i);
            }
        }
        any = true;
        if (ph.p_paddr < img->lo)
            img->lo = ph.p_paddr;
        if (end > img->hi)
            img->hi = end;
        if (eh->e_entry >= ph.p_paddr && eh->e_entry < end)
            entry_ok = true;
    }
    if (!any)
        return fail(VE_E_FORMAT, err, errlen, name, "no loadable segment");
    if (!entry_ok)
        return fail(VE_E_FORMAT, err, errlen, name,
                    "entry point 0x%" PRIx64 " is not inside a loaded segment", eh->e_entry);
    return VE_OK;
}

/* Pairwise, after every segment is known to be in RAM. Quadratic, but e_phnum is at
 * most 65535 and real images have a handful of segments. */
static ve_status check_overlaps(const char *name, const uint8_t *data, const elf64_ehdr *eh,
                                char *err, size_t errlen)
{
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        elf64_phdr a = read_phdr(data, eh, i);
        if (!is_loaded(&a))
            continue;
        for (unsigned j = i + 1; j < eh->e_phnum; j++) {
            elf64_phdr b = read_phdr(data, eh, j);
            if (is_loaded(&b) && overlaps(a.p_paddr, a.p_paddr + a.p_memsz,
                                          b.p_paddr, b.p_paddr + b.p_memsz))
                return fail(VE_E_RANGE, err, errlen, name, "segments %u and %u overlap", i, j);
        }
    }
    return VE_OK;
}

ve_status loader_load_elf(physmem *pm, const char *name, const uint8_t *data, size_t size,
                          const loader_range *taken, const char *const *taken_names,
                          size_t ntaken, loader_image *out, char *err, size_t errlen)
{
    if (!name)
        name = "image";
    if (!pm || (!data && size) || (!taken && ntaken) || !out)
        return fail(VE_E_INVAL, err, errlen, name, "internal error: bad loader arguments");
    if (err && errlen)
        err[0] = '\0';

    elf64_ehdr eh;
    loader_image img;
    ve_status st = check_header(name, data, size, &eh, err, errlen);
    if (st == VE_OK)
        st = check_segments(pm, name, data, size, &eh, taken, taken_names, ntaken, &img,
                            err, errlen);
    if (st == VE_OK)
        st = check_overlaps(name, data, &eh, err, errlen);
    if (st != VE_OK)
        return st;

    /* Everything validated: only now touch RAM, so a bad image leaves no trace. */
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        elf64_phdr ph = read_phdr(data, &eh, i);
        if (!is_loaded(&ph))
            continue;
        uint8_t *dst = physmem_ptr(pm, ph.p_paddr, ph.p_memsz);
        if (ph.p_filesz)
            memcpy(dst, data + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
    }
    *out = img;
    return VE_OK;
}

ve_status loader_read_file(const char *path, uint8_t **data, size_t *size,
                           char *err, size_t errlen)
{
    if (!path || !data || !size)
        return fail(VE_E_INVAL, err, errlen, path ? path : "(null)",
                    "internal error: bad arguments");
    *data = NULL;
    *size = 0;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(VE_E_IO, err, errlen, path, "cannot open (%s)", strerror(errno));
    ve_status st = VE_OK;
    uint8_t *buf = NULL;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = fail(VE_E_IO, err, errlen, path, "cannot read (%s)", strerror(errno));
        goto out;
    }
    /* Directories, FIFOs and devices have no meaningful size to read up front. */
    if (!S_ISREG(sb.st_mode)) {
        st = fail(VE_E_IO, err, errlen, path, "not a regular file");
        goto out;
    }
    if (sb.st_size == 0) {
        st = fail(VE_E_FORMAT, err, errlen, path, "empty file");
        goto out;
    }
    if ((uint64_t)sb.st_size > LOADER_FILE_MAX) {
        st = fail(VE_E_RANGE, err, errlen, path,
                  "file too large (%" PRIu64 " bytes, limit %" PRIu64 ")",
                  (uint64_t)sb.st_size, LOADER_FILE_MAX);
        goto out;
    }
    size_t len = (size_t)sb.st_size;
    buf = malloc(len);
    if (!buf) {
        st = fail(VE_E_NOMEM, err, errlen, path, "out of memory reading %zu bytes", len);
        goto out;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            st = fail(VE_E_IO, err, errlen, path, "cannot read (%s)", strerror(errno));
            goto out;
        }
        if (n == 0) {   /* shrank while we read it */
            st = fail(VE_E_IO, err, errlen, path, "cannot read (file changed while reading)");
            goto out;
        }
        got += (size_t)n;
    }
    *data = buf;
    *size = len;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return st;
}
