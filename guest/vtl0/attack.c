/* Stage 4: an attacker module in the VTL0 kernel, with every power the kernel has:
 * it reads and writes all RAM through the direct map, builds page-table entries of its
 * own and runs code wherever it maps it. It goes for the credential the secure kernel
 * holds (the NT hash in the credential page, SK_OFF_SECRET in the VTL1 image):
 *   1. read the page through the direct map;
 *   2. map the page through a page-table entry of its own;
 *   3. use the page as a page table (the CPU's walk reads it);
 *   4. write to it;
 *   5. call into secure kernel code through an executable mapping;
 *   6. patch the kernel's own code (made read-only through VTL1 in stage 1);
 *   7. scan all RAM it can read for the 16 secret bytes.
 * VTL0's SLAT denies each access, VTL1 gets a secure intercept, logs it and skips the
 * instruction. An attempt counts as blocked when the probe's preset result came back
 * and VTL1's intercept count (SC_STATS) went up by exactly the expected number. */
#include <stdint.h>

#include "guest/lib/cpu.h"
#include "guest/lib/cred.h"
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/lib/uart.h"
#include "guest/vtl0/demo.h"
#include "guest/vtl0/layout.h"
#include "guest/vtl0/paging.h"
#include "guest/vtl0/securecall.h"
#include "guest/vtl0/trap.h"

/* attack_probe.asm */
uint64_t probe_read64(const void *p, uint64_t marker);
uint64_t probe_read8(const void *p);
void probe_write64(void *p, uint64_t v);
uint64_t probe_call(const void *fn, uint64_t marker);
struct probe_fixup {
    uint64_t rip, resume;
};
extern const struct probe_fixup probe_fixups[], probe_fixups_end[];

#define MARKER        0x5ca1ab1e0ddba11ull
#define DATA_VA       (ATTACK_VBASE)                /* attempt 2: our own mapping */
#define CODE_VA       (ATTACK_VBASE + 0x1000)       /* attempt 5: executable mapping */
#define TABLE_VA      (ATTACK_VBASE + 0x200000)     /* attempt 3: a PD entry of its own */

static uint64_t probe_faults;           /* faults in VTL0 itself, see attack_fixup */
static uint64_t call_target;            /* what probe_call is calling right now */

bool attack_fixup(struct trap_frame *f)
{
    if ((f->cs & 3) || (f->vector != VEC_PF && f->vector != VEC_GP))
        return false;
    for (const struct probe_fixup *x = probe_fixups; x < probe_fixups_end; x++) {
        bool hit = x->rip ? f->rip == x->rip : call_target && f->rip == call_target;
        if (!hit)
            continue;
        uart_printf("vtl0: attacker:   (the probe faulted in VTL0: vector %lu, error 0x%lx)\n",
                    f->vector, f->error_code);
        if (!x->rip)
            f->rsp += 8;                /* drop probe_call's return address */
        f->rip = x->resume;
        probe_faults++;
        return true;
    }
    return false;
}

static uint64_t intercepts(void)
{
    uint64_t n = 0;
    secure_call(SC_STATS, 0, 0, 0, &n);
    return n;
}

static void verdict(const char *what, int code, bool result_unchanged, uint64_t since,
                    uint64_t want_intercepts)
{
    uint64_t seen = intercepts() - since;
    /* A fault in VTL0 means the access reached the page: not VTL1 blocking it. */
    bool blocked = result_unchanged && seen == want_intercepts && probe_faults == 0;
    probe_faults = 0;
    uart_printf("vtl0: attacker:   -> %s (%lu intercept%s by VTL1)\n",
                blocked ? "BLOCKED" : "NOT BLOCKED", seen, seen == 1 ? "" : "s");
    demo_check(what, blocked, code);
}

static void read_direct(uint64_t secret)
{
    uart_printf("vtl0: attacker: 1. read the credential page GPA %016lx through the direct "
                "map (%016lx)\n", secret, (uint64_t)phys_to_virt(secret));
    uint64_t n = intercepts();
    uint64_t v = probe_read64(phys_to_virt(secret), MARKER);
    verdict("attack 1: read the secret through the direct map", DEMO_EXIT_READ_DIRECT,
            v == MARKER, n, 1);
}

static void read_own_pte(uint64_t secret)
{
    uart_printf("vtl0: attacker: 2. map the credential page at %016lx with a PTE of its own "
                "and read it\n", DATA_VA);
    paging_map(DATA_VA, secret, PTE_W | PTE_NX);
    uint64_t n = intercepts();
    uint64_t v = probe_read64((const void *)DATA_VA, MARKER);
    paging_unmap(DATA_VA);
    verdict("attack 2: read the secret through its own mapping", DEMO_EXIT_READ_OWN_PTE,
            v == MARKER, n, 1);
}

/* The guest walk itself must not read VTL1 memory: a PD entry pointing at the credential
 * page makes the CPU read a "PTE" from it (its first 8 bytes for TABLE_VA). */
static void read_as_table(uint64_t secret)
{
    uart_printf("vtl0: attacker: 3. make the credential page a page table (PD entry for "
                "%016lx) and access through it\n", TABLE_VA);
    uint64_t *pde = paging_entry(TABLE_VA, 2);
    uint64_t n = intercepts();
    uint64_t v = MARKER;
    if (pde) {
        *pde = secret | PTE_P | PTE_W;
        v = probe_read64((const void *)TABLE_VA, MARKER);
        *pde = 0;
        invlpg((const void *)TABLE_VA);
    }
    verdict("attack 3: let the page walk read the secret page", DEMO_EXIT_READ_VIA_TABLE,
            pde && v == MARKER, n, 1);
}

static void write_secret(uint64_t secret)
{
    uart_printf("vtl0: attacker: 4. overwrite the credential through the direct map\n");
    uint64_t n = intercepts();
    probe_write64(phys_to_virt(secret), 0x4141414141414141ull);
    /* Whether the secret survived shows in stage 7: lsass's logon must still work. */
    verdict("attack 4: overwrite the secret", DEMO_EXIT_WRITE, true, n, 1);
}

static void call_secure_code(void)
{
    uint64_t code = demo_env.vtl1_start + SK_OFF_TEXT;
    uart_printf("vtl0: attacker: 5. map secure kernel code GPA %016lx executable at %016lx "
                "and call it\n", code, CODE_VA);
    paging_map(CODE_VA, code, 0);
    uint64_t n = intercepts();
    call_target = CODE_VA;
    uint64_t v = probe_call((const void *)CODE_VA, MARKER);
    call_target = 0;
    paging_unmap(CODE_VA);
    verdict("attack 5: run secure kernel code", DEMO_EXIT_EXECUTE, v == MARKER, n, 1);
}

/* Writes the bytes that are there already: harmless even if it were not blocked. */
static void patch_kernel(void)
{
    const void *target = (const void *)secure_call;
    uint64_t gpa = kernel_virt_to_phys(target);
    uart_printf("vtl0: attacker: 6. patch the kernel's own code (secure_call, GPA %016lx) "
                "through the direct map\n", gpa);
    uint64_t same = *(const volatile uint64_t *)target;
    uint64_t n = intercepts();
    probe_write64(phys_to_virt(gpa), same);
    verdict("attack 6: patch the read-only kernel code", DEMO_EXIT_PATCH_KERNEL, true, n, 1);
}

/* --- 7: the RAM scan -------------------------------------------------------------------
 * The scan must not plant what it looks for: a pattern is kept XORed with NEEDLE_MASK,
 * never in the clear. Besides the secret it looks for a canary the attacker placed in
 * its own memory, which it must find: proof that the scan reads what it claims to. */
#define NEEDLE_MASK 0x5a
#define ONES        0x0101010101010101ull

struct needle {
    const char *name;
    uint8_t masked[CRED_HASH_SIZE];
    uint64_t hits, first_gpa;
};

static uint8_t canary[CRED_HASH_SIZE];

static void make_needles(struct needle *secret, struct needle *mine)
{
    uint8_t hash[CRED_HASH_SIZE];
    cred_nt_hash(DEMO_PASSWORD, hash);      /* the demo knows it: to see if it leaked */
    for (int i = 0; i < CRED_HASH_SIZE; i++) {
        secret->masked[i] = hash[i] ^ NEEDLE_MASK;
        canary[i] = (uint8_t)(0xc3 + 0x1d * i);
        mine->masked[i] = canary[i] ^ NEEDLE_MASK;
    }
    secure_zero(hash, sizeof hash);
}

static bool has_byte(uint64_t w, uint8_t b)
{
    uint64_t v = w ^ (b * ONES);
    return ((v - ONES) & ~v & (ONES << 7)) != 0;
}

static bool matches(const uint8_t *p, const struct needle *n)
{
    for (int i = 0; i < CRED_HASH_SIZE; i++)
        if ((uint8_t)(p[i] ^ NEEDLE_MASK) != n->masked[i])
            return false;
    return true;
}

/* One readable page; a match may run into the next page only when that one is readable. */
static void scan_page(uint64_t gpa, bool next_readable, struct needle *nd, unsigned count)
{
    const uint8_t *page = phys_to_virt(gpa);
    bool zero_candidate = false;
    for (unsigned k = 0; k < count; k++)
        zero_candidate |= (nd[k].masked[0] ^ NEEDLE_MASK) == 0;

    for (unsigned blk = 0; blk < PAGE_SIZE; blk += 64) {
        const uint64_t *q = (const uint64_t *)(page + blk);
        if (!zero_candidate &&
            (q[0] | q[1] | q[2] | q[3] | q[4] | q[5] | q[6] | q[7]) == 0)
            continue;                       /* most of RAM is untouched zeros */
        for (unsigned i = 0; i < 8; i++) {
            bool candidate = false;
            for (unsigned k = 0; k < count; k++)
                candidate |= has_byte(q[i], nd[k].masked[0] ^ NEEDLE_MASK);
            if (!candidate)
                continue;
            for (unsigned j = 0; j < 8; j++) {
                unsigned off = blk + 8 * i + j;
                if (off + CRED_HASH_SIZE > PAGE_SIZE && !next_readable)
                    break;
                for (unsigned k = 0; k < count; k++)
                    if (matches(page + off, &nd[k]) && nd[k].hits++ == 0)
                        nd[k].first_gpa = gpa + off;
            }
        }
    }
}

static bool readable(uint64_t gpa)
{
    return probe_read8(phys_to_virt(gpa)) <= 0xff;
}

static void scan_ram(void)
{
    struct needle nd[2] = { { .name = "secret" }, { .name = "canary" } };
    make_needles(&nd[0], &nd[1]);
    uint64_t ram = demo_env.ram_size, pages = ram / PAGE_SIZE, blocked = 0, range_start = 0;
    bool in_range = false;
    uart_printf("vtl0: attacker: 7. scan all %lu MiB of RAM, page by page, for the 16 secret "
                "bytes\n", ram >> 20);

    /* Each page is probed once (one byte): a blocked probe is one intercept. */
    uint64_t n = intercepts();
    bool cur = readable(0);
    for (uint64_t gpa = 0; gpa < ram; gpa += PAGE_SIZE) {
        bool next = gpa + PAGE_SIZE < ram && readable(gpa + PAGE_SIZE);
        if (cur) {
            scan_page(gpa, next, nd, 2);
        } else {
            blocked++;
            if (!in_range)
                range_start = gpa;
            in_range = true;
            if (next || gpa + PAGE_SIZE == ram) {
                uart_printf("vtl0: attacker:    GPA %016lx-%016lx: not readable (%lu pages)\n",
                            range_start, gpa + PAGE_SIZE, (gpa + PAGE_SIZE - range_start) >> 12);
                in_range = false;
            }
        }
        cur = next;
    }
    uint64_t seen = intercepts() - n;

    uart_printf("vtl0: attacker:    %lu pages, %lu readable, %lu blocked (%lu intercepts); "
                "secret found %lu times, canary %lu times", pages, pages - blocked, blocked,
                seen, nd[0].hits, nd[1].hits);
    if (nd[0].hits)
        uart_printf(" (secret first at GPA %016lx)", nd[0].first_gpa);
    uart_puts("\n");
    bool ok = nd[0].hits == 0 && nd[1].hits >= 1 && blocked == seen && blocked > 0 &&
              probe_faults == 0;
    probe_faults = 0;
    uart_printf("vtl0: attacker:   -> %s\n", ok ? "NOTHING FOUND" : "SCAN FAILED OR SECRET FOUND");
    demo_check("attack 7: scan all readable RAM for the secret", ok, DEMO_EXIT_SCAN);
    secure_zero(canary, sizeof canary);
}

void attack_run(void)
{
    uint64_t secret = demo_env.vtl1_start + SK_OFF_SECRET;
    read_direct(secret);
    read_own_pte(secret);
    read_as_table(secret);
    write_secret(secret);
    call_secure_code();
    patch_kernel();
    scan_ram();
}
