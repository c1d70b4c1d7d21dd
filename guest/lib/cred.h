/* The demo credential: MD4 (RFC 1320), the NT hash built on it, and the challenge
 * response both VTLs compute. The secure kernel keeps NT hash = MD4(UTF-16LE(password))
 * as its secret; a client proves the password with
 *     response = MD4(NT hash || challenge as 8 little-endian bytes)
 * Every function wipes its intermediate state, so the hash is not left behind in freed
 * stack memory (the attacker in the demo scans RAM for it). */
#ifndef GUEST_LIB_CRED_H
#define GUEST_LIB_CRED_H

#include <stddef.h>
#include <stdint.h>

#define CRED_HASH_SIZE 16

void md4(const void *data, size_t len, uint8_t out[CRED_HASH_SIZE]);

/* NT hash of an ASCII password (each byte becomes one UTF-16LE code unit). Passwords
 * longer than CRED_PASSWORD_MAX bytes are refused: returns -1, else 0. */
#define CRED_PASSWORD_MAX 64
int cred_nt_hash(const char *password, uint8_t out[CRED_HASH_SIZE]);

void cred_response(const uint8_t nt_hash[CRED_HASH_SIZE], uint64_t challenge,
                   uint8_t out[CRED_HASH_SIZE]);

#endif
