/* A DMA copy through the remapping unit and the SLAT, page by page. Two passes: first
 * translate every piece (stopping at the first fault), then move the allowed prefix
 * through a bounce buffer. Translating before moving keeps a fault from leaving a
 * half-written page behind it; reading everything before writing makes overlapping
 * ranges (in IOVA, GPA or SPA space) behave like memmove. */
#include <string.h>

#include "common/bits.h"
#include "iommu/iommu_priv.h"

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Translate the pieces of [0, len) in order into u->chunks. Returns the number of
 * bytes before the first fault (len when none) and the piece count; out gets the fault,
 * if any, and the GPAs where the ranges start. */
static uint64_t translate_pieces(iommu *u, uint16_t rid, uint64_t src, uint64_t dst, uint64_t len,
                                 unsigned *npieces, iommu_dma_result *out)
{
    iommu_result s = {0}, d = {0};
    bool have_s = false, have_d = false;
    uint64_t pos = 0;
    unsigned n = 0;
    while (pos < len) {
        uint64_t sa = src + pos, da = dst + pos;
        uint64_t chunk = min3(len - pos, PAGE_SIZE - (sa & ~PAGE_MASK), PAGE_SIZE - (da & ~PAGE_MASK));
        /* A page is translated once, when the transfer first enters it. */
        if (!have_s || (sa & PAGE_MASK) != (s.iova & PAGE_MASK)) {
            if (iommu_translate(u, rid, sa, false, &s) != VE_OK) {
                out->fault = s;
                break;
            }
            have_s = true;
        }
        if (!have_d || (da & PAGE_MASK) != (d.iova & PAGE_MASK)) {
            if (iommu_translate(u, rid, da, true, &d) != VE_OK) {
                out->fault = d;
                break;
            }
            have_d = true;
        }
        if (n == 0) {
            out->src_gpa = s.gpa;
            out->dst_gpa = d.gpa;
        }
        /* The translations are per page; these offsets are the piece's own. */
        u->chunks[n++] = (iommu_chunk){
            .src_spa = (s.spa & PAGE_MASK) | (sa & ~PAGE_MASK),
            .dst_spa = (d.spa & PAGE_MASK) | (da & ~PAGE_MASK),
            .len = (uint32_t)chunk,
        };
        pos += chunk;
    }
    *npieces = n;
    return pos;
}

ve_status iommu_dma(iommu *u, uint16_t rid, uint64_t src, uint64_t dst, uint64_t len, iommu_dma_result *out)
{
    if (!u || !out)
        return VE_E_INVAL;
    memset(out, 0, sizeof(*out));
    if (!u->env.spa_base)
        return VE_E_STATE;
    if (len == 0 || len > IOMMU_DMA_MAX_LEN || len - 1 > UINT64_MAX - src || len - 1 > UINT64_MAX - dst) {
        out->status = IOMMU_DMA_BAD_REQUEST;
        return VE_OK;
    }

    unsigned n = 0;
    uint64_t allowed = translate_pieces(u, rid, src, dst, len, &n, out);

    uint8_t *ram = u->env.spa_base;
    uint64_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        memcpy(u->bounce + off, ram + u->chunks[i].src_spa, u->chunks[i].len);
        off += u->chunks[i].len;
    }
    off = 0;
    for (unsigned i = 0; i < n; i++) {
        memcpy(ram + u->chunks[i].dst_spa, u->bounce + off, u->chunks[i].len);
        off += u->chunks[i].len;
    }

    out->copied = allowed;
    out->status = allowed == len ? IOMMU_DMA_DONE : IOMMU_DMA_BLOCKED;
    return VE_OK;
}
