/* The boot-info page the emulator's loader hands each VTL's kernel in RDI (DESIGN.md §3). */
#ifndef GUEST_LIB_BOOTINFO_H
#define GUEST_LIB_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define BOOT_INFO_MAGIC 0x31544f4f424c5456ull   /* "VTLBOOT1" */

struct boot_module {
    uint64_t gpa;
    uint64_t size;
};

struct boot_info {
    uint64_t magic;
    uint64_t version;
    uint64_t vtl;
    uint64_t ram_size;
    uint64_t hypercall_page;
    uint64_t vp_assist_page;
    uint64_t free_start;        /* first GPA after all images */
    uint64_t free_end;          /* exclusive; the loader's area starts at or above it */
    uint64_t vtl1_start;
    uint64_t vtl1_end;
    uint64_t module_count;
    uint64_t modules;           /* GPA of module_count struct boot_module */
    uint64_t cmdline;           /* GPA of a NUL-terminated string, 0 if none */
    uint64_t loader_start;
    uint64_t loader_end;
};
_Static_assert(offsetof(struct boot_info, free_start) == 0x30, "DESIGN.md §3 layout");
_Static_assert(offsetof(struct boot_info, cmdline) == 0x60, "DESIGN.md §3 layout");
_Static_assert(sizeof(struct boot_info) == 0x78, "DESIGN.md §3 layout");

#endif
