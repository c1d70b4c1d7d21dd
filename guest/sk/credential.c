/* The credential secret: the enrolled user's NT hash, in the image's credential page,
 * which VTL0 can never read. It is derived at boot and only ever used here, to check a
 * challenge response; it is never copied out of VTL1, not even into a register VTL0
 * could see (switch.asm reloads all of VTL0's registers before returning). */
#include "guest/lib/cred.h"
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/sk/sk.h"

uint8_t sk_secret_page[4096] __attribute__((section(".secret"), aligned(4096)));

void credential_provision(void)
{
    if (cred_nt_hash(DEMO_PASSWORD, sk_secret_page) != 0)
        sk_fatal(SK_EXIT_BOOT, "enrolled password too long");
    SK_LOG("credential of user '%s' enrolled: its NT hash is in the secret page at GPA 0x%lx\n",
           DEMO_USER, (uint64_t)sk_secret_page);
}

bool credential_verify(uint64_t challenge, uint64_t resp_lo, uint64_t resp_hi)
{
    uint8_t want[CRED_HASH_SIZE], got[CRED_HASH_SIZE];
    cred_response(sk_secret_page, challenge, want);
    for (int i = 0; i < 8; i++) {
        got[i] = (uint8_t)(resp_lo >> (8 * i));
        got[8 + i] = (uint8_t)(resp_hi >> (8 * i));
    }
    /* Constant time: how far a guess matches must not show in how long the check takes. */
    uint8_t diff = 0;
    for (int i = 0; i < CRED_HASH_SIZE; i++)
        diff |= want[i] ^ got[i];
    secure_zero(want, sizeof want);
    return diff == 0;
}
