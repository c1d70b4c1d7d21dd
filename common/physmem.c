#include "common/physmem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/bits.h"

struct physmem {
    uint8_t *base;
    uint64_t ram_size;
    uint64_t total;
    uint64_t spare;        /* number of pool frames */
    uint64_t *free_stack;  /* indexes of free pool frames */
    uint64_t free_count;
    uint8_t *in_use;       /* per pool frame: 1 when allocated */
};

ve_status physmem_create(uint64_t ram_size, uint64_t spare_frames, physmem **out)
{
    if (!out || ram_size == 0 || !is_aligned(ram_size, PAGE_SIZE))
        return VE_E_INVAL;
    if (spare_frames > (UINT64_MAX - ram_size) / PAGE_SIZE)
        return VE_E_RANGE;
    physmem *pm = calloc(1, sizeof(*pm));
    if (!pm)
        return VE_E_NOMEM;
    pm->ram_size = ram_size;
    pm->spare = spare_frames;
    pm->total = ram_size + spare_frames * PAGE_SIZE;
    /* mmap gives zeroed pages that cost nothing until touched. */
    void *p = mmap(NULL, pm->total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        free(pm);
        return VE_E_NOMEM;
    }
    pm->base = p;
    if (spare_frames) {
        pm->free_stack = malloc(spare_frames * sizeof(uint64_t));
        pm->in_use = calloc(spare_frames, 1);
        if (!pm->free_stack || !pm->in_use) {
            physmem_destroy(pm);
            return VE_E_NOMEM;
        }
        /* Lowest frame on top so allocation order is predictable. */
        for (uint64_t i = 0; i < spare_frames; i++)
            pm->free_stack[i] = spare_frames - 1 - i;
        pm->free_count = spare_frames;
    }
    *out = pm;
    return VE_OK;
}

void physmem_destroy(physmem *pm)
{
    if (!pm)
        return;
    if (pm->base)
        munmap(pm->base, pm->total);
    free(pm->free_stack);
    free(pm->in_use);
    free(pm);
}

uint8_t *physmem_host(physmem *pm) { return pm->base; }
uint64_t physmem_ram_size(const physmem *pm) { return pm->ram_size; }
uint64_t physmem_total_size(const physmem *pm) { return pm->total; }
uint64_t physmem_frames_free(const physmem *pm) { return pm->free_count; }

uint8_t *physmem_ptr(physmem *pm, uint64_t spa, uint64_t len)
{
    if (!range_within(spa, len, pm->total))
        return NULL;
    return pm->base + spa;
}

ve_status physmem_read(physmem *pm, uint64_t spa, void *buf, uint64_t len)
{
    uint8_t *p = physmem_ptr(pm, spa, len);
    if (!p)
        return VE_E_RANGE;
    if (len)
        memcpy(buf, p, len);
    return VE_OK;
}

ve_status physmem_write(physmem *pm, uint64_t spa, const void *buf, uint64_t len)
{
    uint8_t *p = physmem_ptr(pm, spa, len);
    if (!p)
        return VE_E_RANGE;
    if (len)
        memcpy(p, buf, len);
    return VE_OK;
}

ve_status physmem_frame_alloc(physmem *pm, uint64_t *spa_out)
{
    if (pm->free_count == 0)
        return VE_E_NOMEM;
    uint64_t idx = pm->free_stack[--pm->free_count];
    pm->in_use[idx] = 1;
    uint64_t spa = pm->ram_size + idx * PAGE_SIZE;
    memset(pm->base + spa, 0, PAGE_SIZE);
    *spa_out = spa;
    return VE_OK;
}

ve_status physmem_frame_free(physmem *pm, uint64_t spa)
{
    if (spa < pm->ram_size || spa >= pm->total || !is_aligned(spa, PAGE_SIZE))
        return VE_E_INVAL;
    uint64_t idx = (spa - pm->ram_size) / PAGE_SIZE;
    if (!pm->in_use[idx])
        return VE_E_INVAL;
    pm->in_use[idx] = 0;
    pm->free_stack[pm->free_count++] = idx;
    return VE_OK;
}

/* A saved copy of RAM, of the pool frames in use and of the allocator. */
struct physmem_image {
    uint64_t ram_size, spare;
    uint8_t *ram;
    uint64_t *used;        /* pool frame indexes in use */
    uint8_t *frames;       /* their bytes, PAGE_SIZE each, in `used` order */
    uint64_t nused;
    uint64_t *free_stack;
    uint64_t free_count;
};

void physmem_image_free(physmem_image *img)
{
    if (!img)
        return;
    free(img->ram);
    free(img->used);
    free(img->frames);
    free(img->free_stack);
    free(img);
}

ve_status physmem_save(const physmem *pm, physmem_image **out)
{
    physmem_image *img = calloc(1, sizeof(*img));
    if (!img)
        return VE_E_NOMEM;
    img->ram_size = pm->ram_size;
    img->spare = pm->spare;
    img->nused = pm->spare - pm->free_count;
    img->ram = malloc(pm->ram_size);
    img->used = malloc((img->nused ? img->nused : 1) * sizeof(uint64_t));
    img->frames = malloc((img->nused ? img->nused : 1) * PAGE_SIZE);
    img->free_stack = malloc((pm->spare ? pm->spare : 1) * sizeof(uint64_t));
    if (!img->ram || !img->used || !img->frames || !img->free_stack) {
        physmem_image_free(img);
        return VE_E_NOMEM;
    }
    memcpy(img->ram, pm->base, pm->ram_size);
    uint64_t k = 0;
    for (uint64_t i = 0; i < pm->spare; i++) {
        if (!pm->in_use[i])
            continue;
        img->used[k] = i;
        memcpy(img->frames + k * PAGE_SIZE, pm->base + pm->ram_size + i * PAGE_SIZE, PAGE_SIZE);
        k++;
    }
    if (pm->spare)
        memcpy(img->free_stack, pm->free_stack, pm->spare * sizeof(uint64_t));
    img->free_count = pm->free_count;
    *out = img;
    return VE_OK;
}

ve_status physmem_restore(physmem *pm, const physmem_image *img)
{
    if (img->ram_size != pm->ram_size || img->spare != pm->spare)
        return VE_E_INVAL;
    memcpy(pm->base, img->ram, pm->ram_size);
    if (pm->spare) {
        /* Frames allocated since the save go back to the pool zeroed, as if never used. */
        for (uint64_t i = 0; i < pm->spare; i++)
            if (pm->in_use[i])
                memset(pm->base + pm->ram_size + i * PAGE_SIZE, 0, PAGE_SIZE);
        memset(pm->in_use, 0, pm->spare);
        memcpy(pm->free_stack, img->free_stack, pm->spare * sizeof(uint64_t));
    }
    for (uint64_t k = 0; k < img->nused; k++) {
        pm->in_use[img->used[k]] = 1;
        memcpy(pm->base + pm->ram_size + img->used[k] * PAGE_SIZE, img->frames + k * PAGE_SIZE, PAGE_SIZE);
    }
    pm->free_count = img->free_count;
    return VE_OK;
}
