/* The secure-call ABI between the VTL0 demo kernel and the secure kernel (guest/sk):
 * a guest convention on top of HvCallVtlCall, documented for users in
 * docs/secure-calls.md.
 *
 * VTL0 (CPL0) calls the hypercall page with
 *   RCX = HVCALL_VTL_CALL, RDX = service, R8/R9/R10 = arguments
 * and gets back
 *   RAX = SC_* status, RCX = the service's value;
 * every other register (RBX, RDX, RSI, RDI, RBP, R8-R15) comes back as VTL0 left it:
 * the secure kernel restores them before it returns, so no VTL1 value ever shows up
 * in a VTL0 register. */
#ifndef GUEST_LIB_SECURECALL_H
#define GUEST_LIB_SECURECALL_H

#include <stdint.h>

/* Services (RDX). */
#define SC_STATS             0  /* -> RCX = VTL0 accesses VTL1 has intercepted so far */
#define SC_VERIFY_CREDENTIAL 1  /* R8 = challenge, R9/R10 = response bytes 0-7/8-15
                                   -> RCX = 1 if the response is right, else 0 */
#define SC_PROTECT_READONLY  2  /* R8 = GPA (page aligned), R9 = page count: VTL0 may
                                   still read and execute the range, no longer write it;
                                   there is no way back */
#define SC_SHARE_LIBRARY     3  /* -> RCX = GPA of the shared library page, now shared
                                   copy-on-write with VTL0 */
#define SC_RUN_LIBRARY       4  /* VTL1 runs its own copy of the library function
                                   -> RCX = its return value */
#define SC_SET_POLICY        5  /* R8 = SC_POLICY_*: what VTL1 does on an intercept;
                                   only tightening is allowed */
#define SC_DMA_ASSIGN        6  /* R8 = 1: VTL1 takes the DMA engine dma0 for itself
                                   (HvCallVtlemuAssignDevice) and copies a page of its
                                   own memory with it; R8 = 0: VTL1 wipes dma0's
                                   registers and gives it back to VTL0
                                   -> RCX = bytes VTL1's copy moved (take), 0 (give back) */
#define SC_DMA_CHECK         7  /* VTL1 checks that dma0's registers still hold what it
                                   wrote (nothing from VTL0 got through) and copies again
                                   -> RCX = bytes copied */
#define SC_SERVICE_COUNT     8

/* Statuses (RAX). */
#define SC_OK                0
#define SC_E_NO_SERVICE      1  /* unknown service number */
#define SC_E_INVALID         2  /* bad argument (alignment, range, VTL1 memory, ...) */
#define SC_E_DENIED          3  /* not allowed (e.g. loosening the policy) */
#define SC_E_HYPERCALL       4  /* a hypercall VTL1 made on VTL0's behalf failed */
#define SC_E_DEVICE          5  /* a device did not do what VTL1 asked (a DMA copy failed
                                   or its registers changed behind VTL1's back) */

/* SC_DMA_ASSIGN arguments. */
#define SC_DMA_GIVE_BACK     0
#define SC_DMA_TAKE          1

/* Intercept policies. */
#define SC_POLICY_SKIP       0  /* log, skip the instruction (execute: return to caller) */
#define SC_POLICY_STOP       1  /* log and end the run with SK_EXIT_POLICY_STOP */

/* Where things are inside the secure kernel image (from vtl1_start). A real attacker
 * would learn this from the secure kernel's symbols; guest/sk/sk.ld asserts it. */
#define SK_OFF_SECRET        0x0000     /* the credential page: 16-byte NT hash */
#define SK_OFF_SHLIB         0x1000     /* the shared library page */
#define SK_OFF_TEXT          0x2000     /* first page of secure kernel code */

/* The shared library page (guest/sk/shlib.asm): a function at offset 0 that prints the
 * banner and returns the answer, the answer code and the banner at fixed offsets so
 * VTL0 can patch them. */
#define SHLIB_OFF_ANSWER     0x40       /* `mov eax, imm32; ret` (6 bytes) */
#define SHLIB_OFF_BANNER     0x80       /* NUL-terminated, up to SHLIB_BANNER_MAX bytes */
#define SHLIB_BANNER_MAX     0x80
#define SHLIB_ANSWER         42

/* Exit statuses the secure kernel produces (port 0xF4). */
#define SK_EXIT_POLICY_STOP  40  /* an intercept under SC_POLICY_STOP */
#define SK_EXIT_EXCEPTION    41  /* an exception in VTL1 */
#define SK_EXIT_BOOT         42  /* boot failed (bad boot info, hypercall refused) */
#define SK_EXIT_ENTRY        43  /* VTL1 entered for a reason it does not handle */
#define SK_EXIT_UNRECOVERABLE 44 /* an intercept VTL1 cannot skip (no length, bad stack) */

/* The demo's enrolled credential: the secure kernel derives its secret from it at boot
 * (the NT hash), lsass proves it knows it. */
#define DEMO_USER            "alice"
#define DEMO_PASSWORD        "correct horse battery staple"

#endif
