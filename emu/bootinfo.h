/* The boot-info page (DESIGN §3): the guest-facing record the loader leaves for each
 * VTL, its GPA in RDI at entry. A contract with guest images: fields are only ever added
 * at the end. Only <stdint.h>/<stddef.h>, so freestanding guest code can include it. */
#ifndef EMU_BOOTINFO_H
#define EMU_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define BOOT_INFO_MAGIC     UINT64_C(0x31544f4f424c5456)   /* "VTLBOOT1" little endian */
#define BOOT_INFO_VERSION   1

/* All fields little endian u64. */
typedef struct boot_info {
    uint64_t magic;
    uint64_t version;
    uint64_t vtl;               /* VTL this page is for (0 or 1) */
    uint64_t ram_size;          /* bytes of RAM at GPA 0 */
    uint64_t hypercall_page;    /* GPA of a page whose offset 0 is `vmcall; ret` */
    uint64_t vp_assist_page;    /* GPA of this VTL's VP assist page */
    uint64_t free_start;        /* first GPA free for the kernel, after all images */
    uint64_t free_end;          /* end (exclusive) of free RAM, below the loader areas */
    uint64_t vtl1_start;        /* secure kernel image [lo, hi), 0,0 if none */
    uint64_t vtl1_end;
    uint64_t module_count;      /* --trustlet images, in command-line order */
    uint64_t modules;           /* GPA of module_count boot_module_entry, 0 if none */
    uint64_t cmdline;           /* GPA of a NUL-terminated string, 0 if none */
    uint64_t loader_start;      /* [start, end) the loader reserved for this VTL */
    uint64_t loader_end;
} boot_info;

_Static_assert(sizeof(boot_info) == 0x78, "boot_info size");
_Static_assert(offsetof(boot_info, magic) == 0x00, "magic");
_Static_assert(offsetof(boot_info, version) == 0x08, "version");
_Static_assert(offsetof(boot_info, vtl) == 0x10, "vtl");
_Static_assert(offsetof(boot_info, ram_size) == 0x18, "ram_size");
_Static_assert(offsetof(boot_info, hypercall_page) == 0x20, "hypercall_page");
_Static_assert(offsetof(boot_info, vp_assist_page) == 0x28, "vp_assist_page");
_Static_assert(offsetof(boot_info, free_start) == 0x30, "free_start");
_Static_assert(offsetof(boot_info, free_end) == 0x38, "free_end");
_Static_assert(offsetof(boot_info, vtl1_start) == 0x40, "vtl1_start");
_Static_assert(offsetof(boot_info, vtl1_end) == 0x48, "vtl1_end");
_Static_assert(offsetof(boot_info, module_count) == 0x50, "module_count");
_Static_assert(offsetof(boot_info, modules) == 0x58, "modules");
_Static_assert(offsetof(boot_info, cmdline) == 0x60, "cmdline");
_Static_assert(offsetof(boot_info, loader_start) == 0x68, "loader_start");
_Static_assert(offsetof(boot_info, loader_end) == 0x70, "loader_end");

/* One entry of the module table: the raw file bytes of a module, placed in RAM. */
typedef struct boot_module_entry {
    uint64_t gpa;
    uint64_t size;
} boot_module_entry;

_Static_assert(sizeof(boot_module_entry) == 16, "module entry size");
_Static_assert(offsetof(boot_module_entry, size) == 8, "module entry size field");

#endif
