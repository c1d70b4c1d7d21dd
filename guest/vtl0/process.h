/* The one user process: loading, memory (image, stack, demand-zero heap), exit. */
#ifndef VTL0_PROCESS_H
#define VTL0_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

/* A user program embedded in the kernel (user_blob.asm). */
struct user_program {
    const char *name;
    const uint8_t *elf, *elf_end;
};
extern const struct user_program user_hello;    /* the single-VTL demo (user/hello.c) */
extern const struct user_program user_lsass;    /* the credential client (user/lsass.c) */

/* Loads an embedded user ELF, maps its stack and enters it. Does not return. There is
 * one process, once: nothing is torn down. */
__attribute__((noreturn)) void process_start(const struct user_program *prog);

/* #PF handler part: maps a zeroed page if cr2 is an untouched user-heap page. Returns
 * false when the fault is not one to fix (the caller panics). */
bool process_heap_fault(uint64_t cr2, uint64_t error_code);

/* True if the kernel may read [va, va+len) on the user's behalf: each page is mapped
 * user-readable or is a heap page (a first touch from the kernel is demand-zeroed). */
bool process_user_readable(uint64_t va, uint64_t len);

/* The exit system call: reports and ends the run with status code. */
__attribute__((noreturn)) void process_exit(uint64_t code);

#endif
