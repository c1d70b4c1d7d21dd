/* The few C string functions freestanding code needs. gcc may emit calls to memcpy,
 * memset, memmove and memcmp on its own (struct copies, zeroing), even with
 * -ffreestanding, so every guest links these. */
#ifndef GUEST_LIB_STRING_H
#define GUEST_LIB_STRING_H

#include <stdbool.h>
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* True if the space-separated line (a boot command line; NULL reads as empty) has `word`
 * as one of its words. */
bool has_word(const char *line, const char *word);

/* memset(dst, 0, n) that the compiler may not drop as a dead store: for wiping keys
 * and hashes from memory before it is reused or returned. */
void secure_zero(void *dst, size_t n);

#endif
