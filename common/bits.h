/* Bit and page helpers used by every layer. */
#ifndef COMMON_BITS_H
#define COMMON_BITS_H

#include <stdbool.h>
#include <stdint.h>

#define BIT64(n)            (UINT64_C(1) << (n))
/* Bits hi..lo inclusive set, e.g. MASK64(51, 12) for a physical frame field. */
#define MASK64(hi, lo)      ((~UINT64_C(0) >> (63 - (hi))) & (~UINT64_C(0) << (lo)))
#define GET_FIELD(v, hi, lo) (((v) & MASK64(hi, lo)) >> (lo))

#define PAGE_SHIFT          12
#define PAGE_SIZE           (UINT64_C(1) << PAGE_SHIFT)
#define PAGE_MASK           (~(PAGE_SIZE - 1))
#define PAGE_2M             (UINT64_C(1) << 21)
#define PAGE_1G             (UINT64_C(1) << 30)

static inline uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
static inline uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static inline bool is_aligned(uint64_t v, uint64_t a) { return (v & (a - 1)) == 0; }

/* x86-64 with 48-bit linear addresses: bits 63..47 all equal. */
static inline bool is_canonical48(uint64_t va)
{
    uint64_t top = va >> 47;
    return top == 0 || top == 0x1FFFF;
}

/* True when [start, start+len) does not wrap and ends at or below limit. */
static inline bool range_within(uint64_t start, uint64_t len, uint64_t limit)
{
    return start <= limit && len <= limit - start;
}

#endif
