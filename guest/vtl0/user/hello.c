/* The demo user program: says hello through write, shows that the kernel rejects a
 * pointer into kernel memory, then fills a heap that does not exist yet: every first
 * touch of a heap page is a #PF that the kernel answers with a zeroed page. */
#include <stdint.h>

#include "guest/vtl0/user/ulib.h"

#define WORDS (USER_HEAP_SIZE / sizeof(uint64_t))

/* Word i of the pattern: a multiplicative hash, so a page mapped twice, or at the
 * wrong place, changes the checksum. */
static uint64_t pattern(uint64_t i)
{
    return (i + 1) * 0x9e3779b97f4a7c15ull;
}

static uint64_t mix(uint64_t sum, uint64_t v)
{
    return (sum ^ v) * 0x100000001b3ull;
}

int main(void)
{
    printf("hello from user mode, pid %ld\n", sys_getpid());

    int64_t r = sys_write(1, (const void *)0xffffffff80100000ull, 16);
    printf("write from a kernel address returned %ld (want %d)\n", r, -EFAULT);
    if (r != -EFAULT)
        return 1;

    /* volatile: every access must really happen, in order, so each page faults on the
     * first read and the reads below are not folded into the writes. */
    volatile uint64_t *heap = (volatile uint64_t *)USER_HEAP_BASE;
    for (uint64_t i = 0; i < WORDS; i++) {
        if (heap[i] != 0) {
            printf("heap word %lu is %016lx, not zero\n", i, heap[i]);
            return 1;
        }
        heap[i] = pattern(i);
    }

    uint64_t sum = 0, want = 0;
    for (uint64_t i = 0; i < WORDS; i++) {
        sum = mix(sum, heap[i]);
        want = mix(want, pattern(i));
    }
    printf("heap %lu KiB at %016lx, checksum %016lx (want %016lx)\n",
           (uint64_t)USER_HEAP_SIZE >> 10, USER_HEAP_BASE, sum, want);
    return sum == want ? 0 : 1;
}
