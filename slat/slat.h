/* Second-level address translation of one VTL: GPA -> SPA with R / W / KX / UX rights
 * (execute split by CPL as with Intel MBEC). One EPT-format leaf entry per 4 KiB GPA
 * page, in a flat table; default is identity (SPA == GPA) with full rights. */
#ifndef SLAT_SLAT_H
#define SLAT_SLAT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/status.h"

typedef struct slat slat;

/* Rights, in the bit values of HvCallModifyVtlProtectionMask. */
#define SLAT_R     1u
#define SLAT_W     2u
#define SLAT_KX    4u
#define SLAT_UX    8u
#define SLAT_RWX   (SLAT_R | SLAT_W | SLAT_KX | SLAT_UX)

typedef enum slat_access {
    SLAT_ACC_READ = 0,
    SLAT_ACC_WRITE = 1,
    SLAT_ACC_EXEC = 2,
} slat_access;

typedef struct slat_entry {
    uint64_t spa;        /* page-aligned SPA backing this GPA page */
    unsigned rights;     /* SLAT_R | SLAT_W | SLAT_KX | SLAT_UX */
    bool cow;            /* shared copy-on-write: a write breaks the share */
} slat_entry;

/* gpa_limit: bytes of GPA space covered (RAM size), a multiple of 4 KiB. VE_E_INVAL
 * for 0, an unaligned limit or a NULL out; VE_E_RANGE above 2^52 (the EPT frame field
 * cannot hold the identity SPA); VE_E_NOMEM when the table cannot be allocated. Every
 * page starts identity-mapped (SPA == GPA) with SLAT_RWX, not cow. */
ve_status slat_create(uint64_t gpa_limit, slat **out);
void slat_destroy(slat *s);
uint64_t slat_gpa_limit(const slat *s);

/* The entry for the page holding gpa; VE_E_RANGE outside [0, gpa_limit), VE_E_INVAL
 * for a NULL out. */
ve_status slat_lookup(const slat *s, uint64_t gpa, slat_entry *out);

/* Is this access allowed? VE_OK with *spa_out = SPA of gpa (with offset);
 * VE_E_DENIED when the rights forbid it (execute needs KX at CPL 0-2, UX at CPL 3);
 * VE_E_RANGE outside the table. A write to a cow page is VE_E_DENIED here: the
 * emulator breaks the share first. VE_E_INVAL for cpl above 3 or an unknown access
 * (checked first). spa_out may be NULL; it is left untouched unless VE_OK. */
ve_status slat_check(const slat *s, uint64_t gpa, slat_access acc, unsigned cpl, uint64_t *spa_out);

/* The rights an access at this CPL has to the page: bitmask of 1<<slat_access (a cow
 * page lacks the write bit). 0 outside the table or for cpl above 3. */
unsigned slat_allowed_accesses(const slat *s, uint64_t gpa, unsigned cpl);

/* Set rights on every page overlapping [gpa, gpa+len); SPA and cow are kept.
 * All or nothing: VE_E_RANGE (nothing changed) when any part is outside or the range
 * wraps; VE_E_INVAL for rights above SLAT_RWX or len 0 (checked first). The generation
 * is bumped once if at least one entry changed, not at all when every page already had
 * these rights. */
ve_status slat_set_rights(slat *s, uint64_t gpa, uint64_t len, unsigned rights);

/* Point one GPA page at another SPA frame, with cow set or cleared; rights are kept.
 * gpa and spa must be page-aligned and spa below 2^52 (else VE_E_INVAL); VE_E_RANGE
 * when gpa is outside the table. Bumps the generation when the entry changed (a new
 * SPA or a flipped cow bit), not when it was already so. */
ve_status slat_set_page(slat *s, uint64_t gpa, uint64_t spa, bool cow);

/* 0 after slat_create; bumped by every change that alters an existing translation; an
 * engine that cached translations under an older generation must flush them. */
uint64_t slat_generation(const slat *s);

/* A copy of a whole table (snapshots), and copying one table's entries into another of
 * the same size; slat_assign bumps dst's generation past both. */
ve_status slat_clone(const slat *src, slat **out);
ve_status slat_assign(slat *dst, const slat *src);

/* "RWKU" / "R-K-" form for traces; buf holds at least 5 bytes. */
const char *slat_rights_str(unsigned rights, char buf[5]);

#endif
