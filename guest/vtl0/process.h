/* The one user process: loading, memory (image, stack, demand-zero heap), exit. */
#ifndef VTL0_PROCESS_H
#define VTL0_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

/* Loads the embedded user ELF, maps its stack and enters it. Does not return. */
__attribute__((noreturn)) void process_start(void);

/* #PF handler part: maps a zeroed page if cr2 is an untouched user-heap page. Returns
 * false when the fault is not one to fix (the caller panics). */
bool process_heap_fault(uint64_t cr2, uint64_t error_code);

/* True if the kernel may read [va, va+len) on the user's behalf: each page is mapped
 * user-readable or is a heap page (a first touch from the kernel is demand-zeroed). */
bool process_user_readable(uint64_t va, uint64_t len);

/* The exit system call: reports and ends the run with status code. */
__attribute__((noreturn)) void process_exit(uint64_t code);

#endif
