/* A minimal user-space "libc" for the vtl0 demo kernel: system call wrappers (ABI in
 * ../abi.h) and printf to stdout. */
#ifndef VTL0_USER_ULIB_H
#define VTL0_USER_ULIB_H

#include <stddef.h>
#include <stdint.h>

#include "guest/vtl0/abi.h"

int64_t sys_write(int fd, const void *buf, size_t len);
int64_t sys_getpid(void);
int64_t sys_sched_yield(void);
int64_t sys_cred_challenge(void);
int64_t sys_cred_verify(uint64_t challenge, const uint8_t response[16]);
__attribute__((noreturn)) void sys_exit(int code);

/* Formats with guest/lib/fmt.c and writes to fd 1, one write per line; returns the
 * number of characters formatted. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The program's entry: _start calls it and passes its result to exit. */
int main(void);

#endif
