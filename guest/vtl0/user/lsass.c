/* "lsass": the credential client of the two-VTL demo. Like Windows' LSA with
 * Credential Guard, it never holds the stored credential: the secure kernel in VTL1
 * keeps the user's NT hash, and lsass proves a typed password by answering a challenge
 * with MD4(NT hash of the password || challenge) (guest/lib/cred.h), which the kernel
 * hands to VTL1 as a secure call. The NT hash it derives for that is wiped at once, so
 * the kernel's attacker, which scans RAM for it, cannot find it here either.
 *
 * It logs on with the right password, then a wrong one, then yields so the (compromised)
 * kernel runs its attacker module, and logs on again: the check must still work.
 * Exit status: 0 all as expected; 10 right password refused; 11 wrong password
 * accepted; 12 right password refused after the attacks; 13 no challenge (no VTL1). */
#include <stdint.h>

#include "guest/lib/cred.h"
#include "guest/lib/securecall.h"
#include "guest/lib/string.h"
#include "guest/vtl0/user/ulib.h"

/* 0 if VTL1 accepted the password, else the negative errno. */
static int64_t logon(const char *password)
{
    int64_t challenge = sys_cred_challenge();
    if (challenge < 0)
        return challenge;

    uint8_t hash[CRED_HASH_SIZE], response[CRED_HASH_SIZE];
    if (cred_nt_hash(password, hash) != 0)
        return -EFAULT;
    cred_response(hash, (uint64_t)challenge, response);
    secure_zero(hash, sizeof hash);

    int64_t r = sys_cred_verify((uint64_t)challenge, response);
    printf("lsass: logon of '%s' with %s password: challenge %016lx, response "
           "%02x%02x%02x%02x..., VTL1 says %s\n", DEMO_USER,
           strcmp(password, DEMO_PASSWORD) ? "a wrong" : "the right", (uint64_t)challenge,
           response[0], response[1], response[2], response[3],
           r == 0 ? "ACCEPTED" : r == -EACCES ? "REFUSED" : "error");
    secure_zero(response, sizeof response);
    return r;
}

int main(void)
{
    printf("lsass: started (pid %ld); user '%s' is enrolled in VTL1\n", sys_getpid(),
           DEMO_USER);

    int64_t r = logon(DEMO_PASSWORD);
    if (r == -ENOSYS)
        return 13;
    if (r != 0)
        return 10;
    if (logon("Tr0ub4dor&3") != -EACCES)
        return 11;

    printf("lsass: waiting (the kernel runs its other work now)\n");
    sys_sched_yield();

    if (logon(DEMO_PASSWORD) != 0)
        return 12;
    printf("lsass: all logons behaved as expected\n");
    return 0;
}
