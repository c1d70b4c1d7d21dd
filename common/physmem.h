/* System physical memory (SPA): one host buffer. SPA [0, ram_size) backs guest RAM at
 * first (GPA == SPA); a pool of spare frames above it serves private copies made by
 * copy-on-write breaks. The buffer never moves, so engines may map it once. */
#ifndef COMMON_PHYSMEM_H
#define COMMON_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

typedef struct physmem physmem;

/* ram_size and spare_frames*4096 must be multiples of 4 KiB; ram_size > 0. */
ve_status physmem_create(uint64_t ram_size, uint64_t spare_frames, physmem **out);
void physmem_destroy(physmem *pm);

uint8_t *physmem_host(physmem *pm);          /* base of the whole buffer */
uint64_t physmem_ram_size(const physmem *pm);
uint64_t physmem_total_size(const physmem *pm); /* RAM plus spare frames */

/* Host pointer for [spa, spa+len), or NULL when the range is not all inside. */
uint8_t *physmem_ptr(physmem *pm, uint64_t spa, uint64_t len);

ve_status physmem_read(physmem *pm, uint64_t spa, void *buf, uint64_t len);
ve_status physmem_write(physmem *pm, uint64_t spa, const void *buf, uint64_t len);

/* Spare-frame pool: a zeroed 4 KiB frame above RAM, or VE_E_NOMEM when none is left. */
ve_status physmem_frame_alloc(physmem *pm, uint64_t *spa_out);
/* Returns a pool frame; VE_E_INVAL for a RAM frame, unaligned or already free SPA. */
ve_status physmem_frame_free(physmem *pm, uint64_t spa);
uint64_t physmem_frames_free(const physmem *pm);

/* Snapshots: RAM, the pool frames in use and the allocator, to restore later. */
typedef struct physmem_image physmem_image;
ve_status physmem_save(const physmem *pm, physmem_image **out);
ve_status physmem_restore(physmem *pm, const physmem_image *img);
void physmem_image_free(physmem_image *img);

#endif
